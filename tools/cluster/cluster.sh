#!/usr/bin/env bash
# A throwaway Detente cluster on loopback: PostgreSQL (initdb in a temp folder, as the postgres
# user when root), N detente nodes on --store postgres://…, and HAProxy in front.
#   tools/cluster/cluster.sh start   # prints the URLs; state in $DETENTE_CLUSTER_DIR
#   tools/cluster/cluster.sh stop
# Env: DETENTE_BIN (default .build/release/detente), DETENTE_CLUSTER_NODES (2),
#      DETENTE_CLUSTER_PORT (8090, the proxy), DETENTE_CLUSTER_DIR (/tmp/detente-cluster),
#      DETENTE_ORGANISER_TOKEN (generated if unset).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DIR="${DETENTE_CLUSTER_DIR:-/tmp/detente-cluster}"
BIN="${DETENTE_BIN:-$ROOT/.build/release/detente}"
NODES="${DETENTE_CLUSTER_NODES:-2}"
PORT="${DETENTE_CLUSTER_PORT:-8090}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
AS_PG=(); [ "$(id -u)" = 0 ] && AS_PG=(runuser -u postgres --)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() {
  [ -n "$PGBIN" ] || { echo "PostgreSQL server missing: apt-get install postgresql"; exit 1; }
  command -v haproxy >/dev/null || { echo "haproxy missing: apt-get install haproxy"; exit 1; }
  [ -x "$BIN" ] || { echo "no detente binary at $BIN (make build-release)"; exit 1; }
  [ -e "$DIR/state" ] && { echo "a cluster runs in $DIR already (make cluster-stop)"; exit 1; }
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
  local pgport; pgport="$(free_port)"
  "${AS_PG[@]}" "$PGBIN/initdb" -D "$DIR/pg" -A trust -U postgres --no-sync >/dev/null
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$DIR/pg" -l "$DIR/pg.log" -w -o "-k $DIR -p $pgport -c listen_addresses=''" start >/dev/null
  local url="postgresql:///postgres?host=$DIR&port=$pgport&user=postgres"
  local token="${DETENTE_ORGANISER_TOKEN:-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}"
  local servers=""
  : > "$DIR/state"
  for i in $(seq 1 "$NODES"); do
    local p; p="$(free_port)"
    mkdir -p "$DIR/node$i"
    DETENTE_ORGANISER_TOKEN="$token" DETENTE_STORE="$url" DETENTE_HAND_OVER=1 DETENTE_TRUSTED_PROXIES=127.0.0.1 "$BIN" serve --port "$p" --sessions "$DIR/node$i" \
      --public "$ROOT/Public" --templates "$ROOT/Templates" >"$DIR/node$i.out" 2>"$DIR/node$i.log" &
    echo "node$i $! $p" >> "$DIR/state"
    servers+="    server node$i 127.0.0.1:$p check"$'\n'
  done
  for i in $(seq 1 "$NODES"); do
    local p; p="$(awk -v n="node$i" '$1==n {print $3}' "$DIR/state")"
    for _ in $(seq 1 200); do curl -fsS "http://127.0.0.1:$p/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
    curl -fsS "http://127.0.0.1:$p/healthz" >/dev/null || { echo "node$i did not start:"; cat "$DIR/node$i.log"; stop; exit 1; }
  done
  sed -e "s/@PORT@/$PORT/" "$ROOT/tools/cluster/haproxy.cfg.in" | awk -v s="$servers" '{ if ($0 == "@SERVERS@") printf "%s", s; else print }' > "$DIR/haproxy.cfg"
  haproxy -q -f "$DIR/haproxy.cfg" -D -p "$DIR/haproxy.pid" || { echo "haproxy did not start"; stop; exit 1; }
  echo "pgport $pgport" >> "$DIR/state"
  echo "proxy $(cat "$DIR/haproxy.pid") $PORT" >> "$DIR/state"
  echo "store $url" >> "$DIR/state"
  echo "Detente cluster: $NODES nodes behind HAProxy"
  echo "  Proxy:      http://127.0.0.1:$PORT  (websocket /ws?w=<join code>)"
  echo "  Organiser:  http://127.0.0.1:$PORT/organiser.html#token=$token"
  awk '$1 ~ /^node/ {print "  " $1 ":      http://127.0.0.1:" $3 "  (pid " $2 ")"}' "$DIR/state"
  echo "  PostgreSQL: $url"
  echo "Stop with: make cluster-stop"
}

stop() {
  [ -e "$DIR/state" ] || { echo "no cluster in $DIR"; return 0; }
  while read -r name pid _; do
    case "$name" in node*|proxy) kill "$pid" 2>/dev/null || true ;; esac
  done < "$DIR/state"
  [ -d "$DIR/pg" ] && "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$DIR/pg" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
  echo "cluster stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop"; exit 2 ;;
esac
