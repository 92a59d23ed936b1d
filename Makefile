# Detente — the two commands a fresh machine needs are `make run` and `make test`.
SHELL := /bin/bash
PORT ?= 8080
VENV := .venv
PY := $(VENV)/bin/python
# libpq-dev: the PostgreSQL journal's client; postgresql, haproxy, curl: the throwaway clusters
# the tests and `make cluster` start.
APT_PACKAGES := libwebsockets-dev pkg-config libpq-dev postgresql haproxy curl
BROWSER_PACKAGES := chromium chromium-driver
SWIFT_BUILD_FLAGS ?=

.PHONY: cluster cluster-stop format-check run test setup setup-browser venv build build-release unit e2e browser bench eval clean

## Set up, build, and serve a demo workshop on http://127.0.0.1:$(PORT)
run: setup build-release
	.build/release/detente serve --port $(PORT) --demo

## Set up and pass every test: Swift unit tests, websocket end-to-end, crash test, browser tests
test: setup setup-browser venv build unit e2e browser

setup:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then (apt-get install -y $$missing || (apt-get update && apt-get install -y $$missing)); \
	  else echo "Missing:$$missing — run: sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; fi; fi

setup-browser:
	@missing=""; for p in $(BROWSER_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then (apt-get install -y $$missing || (apt-get update && apt-get install -y $$missing)); \
	  else echo "Missing:$$missing — run: sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; fi; fi
	@# The pages' reducer tests run under node (node --test); Debian's nodejs where none is installed.
	@command -v node >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get install -y nodejs || (apt-get update && apt-get install -y nodejs)); } || echo "node is missing: the reducer tests will be skipped"

venv: $(VENV)/.installed
$(VENV)/.installed: requirements-test.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -r requirements-test.txt
	touch $@

build:
	swift build $(SWIFT_BUILD_FLAGS)

build-release:
	swift build -c release $(SWIFT_BUILD_FLAGS)

unit:
	swift test $(SWIFT_BUILD_FLAGS)

e2e: build venv
	DETENTE_BIN=$(CURDIR)/.build/debug/detente $(PY) -m pytest -q Tests/e2e

browser: build venv setup-browser
	DETENTE_BIN=$(CURDIR)/.build/debug/detente $(PY) -m pytest -q Tests/browser

## Formatting: every Swift file under Sources/ and Tests/ meets .swift-format (strict), except generated
## files and the not-yet-formatted ones listed in tools/format-pending.txt (see tools/format_check.sh)
format-check:
	tools/format_check.sh

## PostgreSQL + $(CLUSTER_NODES) nodes + HAProxy on loopback (throwaway, in $(CLUSTER_DIR)); prints the URLs
CLUSTER_NODES ?= 2
CLUSTER_DIR ?= /tmp/detente-cluster
cluster: setup build-release
	DETENTE_CLUSTER_NODES=$(CLUSTER_NODES) DETENTE_CLUSTER_DIR=$(CLUSTER_DIR) tools/cluster/cluster.sh start

cluster-stop:
	DETENTE_CLUSTER_DIR=$(CLUSTER_DIR) tools/cluster/cluster.sh stop

## Benchmarks (not tests; ~10 minutes on 2 cores): fan-out per command against C, Python and Hummingbird
## (interleaved rounds, medians), reconnect storm, durable ingest, replay and start-up, 10,000 connections,
## drafter and its isolation, anonymiser. BENCH_ARGS=--quick checks the bench in ~2 minutes (figures not quotable).
bench: setup venv build-release
	$(PY) bench/run.py --bin .build/release/detente $(BENCH_ARGS)

## Quality, leave-one-company-out: each development set is scored by rules that were not tuned on it
eval: setup build-release
	python3 tools/eval_anonymiser.py --bin .build/release/detente --data ../shared/data/pii
	python3 tools/eval_drafter.py --bin .build/release/detente --data ../shared/data/workshop

clean:
	rm -rf .build $(VENV)
