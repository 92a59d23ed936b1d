// One websocket to /ws (subprotocol detente.v1) that survives network drops, reloads and a
// locked phone: it reconnects with backoff, says hello with its token again, and the server
// answers with a complete snapshot (`welcome`), so nothing is missed. Messages sent while
// offline wait in a queue and go out after the welcome. Every command carries a `client_id`, so
// one whose answer was lost with the connection is simply sent again after the next welcome: the
// server answers a repeat with the first outcome and stores nothing twice (docs/PROTOCOL.md).
// Seat messages say `batch: true`: the server may then send one frame holding a JSON array of
// messages when several are pending, unpacked here in order (docs/PROTOCOL.md, Batching).
// Read when this module loads, before a page tidies its address bar (replaceState).
const ROUTE_KEY = "detente-route";
const initialQuery = new URLSearchParams(location.search);
const routedWorkshop = initialQuery.get("w") || initialQuery.get("code") || sessionStorage.getItem(ROUTE_KEY);

export class Connection {
  constructor({ onFrame, onStatus, token = null }) {
    this.onFrame = onFrame;
    this.onStatus = onStatus || (() => {});
    this.token = token;
    this.queue = [];
    this.pending = new Map();
    this.ref = 0;
    this.attempt = 0;
    this.ws = null;
    this.ready = false;
    this.stopped = false;
    window.addEventListener("offline", () => { this.status("offline"); if (this.ws) this.ws.close(); });
    window.addEventListener("online", () => { this.attempt = 0; this.open(); });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && (!this.ws || this.ws.readyState > 1)) { this.attempt = 0; this.open(); }
    });
  }

  url() {
    // Behind a proxy that shards by workshop (docs/STORAGE.md, "Running several nodes"), every
    // connection names its workshop: the join code from the page's URL or the last welcome.
    const workshop = this.workshop || routedWorkshop;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${location.host}/ws` + (workshop ? `?w=${encodeURIComponent(workshop.trim().toUpperCase())}` : "");
  }

  status(s) { this.onStatus(s); }

  open() {
    if (this.stopped) return;
    if (this.ws && this.ws.readyState <= 1) return;
    clearTimeout(this.timer);
    this.status("connecting");
    const ws = new WebSocket(this.url(), "detente.v1");
    this.ws = ws;
    ws.addEventListener("open", () => {
      this.attempt = 0;
      if (this.token) this.raw({ type: "hello", token: this.token, batch: true }); else this.welcomed();
    });
    ws.addEventListener("message", (event) => {
      let parsed;
      try { parsed = JSON.parse(event.data); } catch { return; }
      for (const frame of Array.isArray(parsed) ? parsed : [parsed]) {
        if (!this.receive(ws, frame)) return;
      }
    });
    ws.addEventListener("close", () => {
      if (this.ws !== ws) return;
      this.ready = false;
      // Unanswered commands go again after the next welcome (their client_id makes that safe).
      // Seat requests (join, create) cannot be repeated safely: say so rather than wait forever.
      const resend = [];
      for (const [ref, entry] of this.pending) {
        if (entry.message.client_id) {
          if (!this.queue.includes(entry.message)) resend.push(entry.message);
        } else if (entry.message.type !== "hello") {
          this.pending.delete(ref);
          entry.resolve({ type: "error", code: "disconnected", ref, message: "The connection dropped before the server confirmed this; check and try again." });
        } else this.pending.delete(ref);
      }
      this.queue = resend.concat(this.queue.filter((m) => !resend.includes(m)));
      if (this.stopped) return;
      this.status(navigator.onLine === false ? "offline" : "reconnecting");
      const delay = Math.min(10000, 250 * 2 ** this.attempt++) + Math.random() * 250;
      this.timer = setTimeout(() => this.open(), delay);
    });
  }

  /// One message from the server (a batch frame holds several, handled in order). Returns
  /// false once the connection is being given up, so the rest of a batch is ignored.
  receive(ws, frame) {
    if (frame.type === "welcome") {
      this.workshop = frame.workshop?.code || this.workshop;
      if (this.workshop) sessionStorage.setItem(ROUTE_KEY, this.workshop);
      this.welcomed();
    }
    // Another node serves this workshop right now (a failover under way): try again shortly.
    if (frame.type === "error" && frame.code === "unavailable" && !this.ready && this.token) { ws.close(); return false; }
    if (frame.ref && this.pending.has(frame.ref) && ["ack", "error", "created", "joined", "welcome", "pong"].includes(frame.type)) {
      const { resolve } = this.pending.get(frame.ref);
      this.pending.delete(frame.ref);
      resolve(frame);
    }
    this.onFrame(frame);
    return true;
  }

  welcomed() {
    this.ready = true;
    this.status("online");
    const queued = this.queue;
    this.queue = [];
    for (const message of queued) this.raw(message);
  }

  raw(message) {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(message));
  }

  /// Sends a message; resolves with its ack or error. Queued while offline, resent after a
  /// reconnect until the server answers.
  send(message) {
    const ref = `r${++this.ref}`;
    const full = { ...message, ref };
    if (!SEAT_MESSAGES.has(message.type)) full.client_id = newClientID();
    if (message.type === "join" || message.type === "hello") full.batch = true;
    return new Promise((resolve) => {
      this.pending.set(ref, { resolve, message: full });
      if (this.ready || message.type === "hello" || message.type === "join" || message.type === "create") {
        if (this.ws && this.ws.readyState === 1) { this.raw(full); return; }
      }
      this.queue.push(full);
    });
  }

  stop() { this.stopped = true; if (this.ws) this.ws.close(); }
}

const SEAT_MESSAGES = new Set(["hello", "resume", "join", "create", "ping"]);

/// 128 random bits as hex (crypto.randomUUID needs a secure context; a LAN http:// page has none).
export function newClientID() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
