// Safe DOM building: user text only ever goes through textContent, never innerHTML.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    // Handlers as properties, so `patch` can carry them over to the node that stays.
    else if (key.startsWith("on")) node[key] = value;
    else if (key === "value" && (tag === "textarea" || tag === "select")) continue; // set after the children
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  if ((tag === "textarea" || tag === "select") && attrs && attrs.value != null) node.value = attrs.value;
  return node;
}

export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value; else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

export function replace(container, ...children) {
  container.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

export const $ = (selector, root = document) => root.querySelector(selector);

export const PHASES = ["lobby", "check_in", "outmodel", "requirements", "review", "reveal", "reactions", "agreement", "close"];
export const PHASE_NAMES = {
  lobby: "Lobby", check_in: "Check-in", outmodel: "Outmodel", requirements: "Requirements", review: "Department review",
  reveal: "Reveal", reactions: "Reactions", agreement: "Agreement", close: "Close",
};
export const VERDICT_NAMES = {
  accurate: "Accurate", partly: "Partly accurate", wrong: "Wrong", accept: "Accept", conditional: "Accept with a condition", cannot: "Cannot",
};

export function departmentName(d) {
  const upper = { dev: "Dev", ops: "Ops", dba: "DBA", sre: "SRE", qa: "QA", it: "IT" };
  return upper[d] || (d ? d[0].toUpperCase() + d.slice(1) : "");
}

export function fragmentToken() {
  const match = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

/// Counts down from the server's absolute end time (the server's clock is the truth).
export function formatRemaining(timer) {
  if (!timer) return "";
  let ms = timer.running && timer.ends_at ? timer.ends_at - Date.now() : timer.remaining_ms || 0;
  if (timer.expired || ms <= 0) return "Time is up";
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}${timer.running ? "" : " (paused)"}`;
}

/// Shows the connection state in the header badge.
export function showStatus(node, state) {
  node.textContent = { online: "Connected", connecting: "Connecting…", reconnecting: "Reconnecting…", offline: "Offline — reconnecting when back" }[state] || state;
  node.className = "status" + (state === "online" ? "" : state === "offline" ? " offline" : " connecting");
}
