// Keyed DOM patching: a page builds the tree it wants with `el()` and `patch(container, nodes)`
// turns the live children into it, touching only what differs. Elements with `data-key` are
// matched by key, others by position and tag. What the user owns survives every broadcast:
// a focused control, and any control inside an element marked dirty (typed into, not yet
// saved) keeps its value, checked state and selection; a <details> keeps its open state;
// nodes are moved only when their order really changed.

const HANDLERS = ["onclick", "onchange", "onsubmit", "oninput", "onkeydown"];
const KEEP_ATTRIBUTES = new Set(["data-dirty", "open"]);

const keyOf = (node) => (node.nodeType === 1 ? node.getAttribute("data-key") : null);

function sameKind(a, b) {
  return a.nodeType === b.nodeType && (a.nodeType !== 1 || (a.tagName === b.tagName && keyOf(a) === null));
}

/// True when the user owns this control's current value (focused, or typed into and unsaved).
export function userOwns(control) {
  return control === document.activeElement || control.closest("[data-dirty]") !== null;
}

function patchAttributes(live, wanted) {
  for (const { name, value } of [...wanted.attributes]) {
    if (name === "open" && live.tagName === "DETAILS") continue; // the user opens and closes it
    if (live.getAttribute(name) !== value) live.setAttribute(name, value);
  }
  for (const { name } of [...live.attributes]) if (!wanted.hasAttribute(name) && !KEEP_ATTRIBUTES.has(name)) live.removeAttribute(name);
  for (const h of HANDLERS) if (live[h] !== wanted[h]) live[h] = wanted[h];
}

function patchControl(live, wanted) {
  if (userOwns(live)) return;
  if ((live.type === "radio" || live.type === "checkbox") && live.checked !== wanted.checked) live.checked = wanted.checked;
  else if (live.value !== wanted.value && live.type !== "radio" && live.type !== "checkbox") live.value = wanted.value;
}

function patchNode(live, wanted) {
  if (live.nodeType !== 1) {
    if (live.nodeValue !== wanted.nodeValue) live.nodeValue = wanted.nodeValue;
    return;
  }
  patchAttributes(live, wanted);
  if (live.tagName === "TEXTAREA") { patchControl(live, wanted); return; }
  if (live.tagName === "SELECT") {
    const chosen = live.value, owned = userOwns(live);
    patchChildren(live, [...wanted.childNodes]);
    live.value = owned ? chosen : wanted.value;
    return;
  }
  if (live.tagName === "INPUT") { patchControl(live, wanted); return; }
  patchChildren(live, [...wanted.childNodes]);
}

function patchChildren(parent, wanted) {
  const live = [...parent.childNodes];
  const keyed = new Map();
  for (const n of live) if (keyOf(n) !== null) keyed.set(keyOf(n), n);
  const unkeyed = live.filter((n) => keyOf(n) === null);
  let cursor = 0;
  const result = wanted.map((w) => {
    let match = null;
    const key = keyOf(w);
    if (key !== null) {
      match = keyed.get(key);
      if (match && match.tagName !== w.tagName) match = null;
      keyed.delete(key);
    } else {
      while (cursor < unkeyed.length && !match) { const n = unkeyed[cursor++]; if (sameKind(n, w)) match = n; }
    }
    if (!match) return w;
    patchNode(match, w);
    return match;
  });
  // Remove the stale first, so nodes that stay keep their place (moving a node drops its focus).
  const kept = new Set(result);
  for (const n of live) if (!kept.has(n)) n.remove();
  result.forEach((n, i) => { if (parent.childNodes[i] !== n) parent.insertBefore(n, parent.childNodes[i] || null); });
}

/// Makes `container`'s children match `nodes` (null/false entries are skipped).
export function patch(container, ...nodes) {
  patchChildren(container, nodes.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
}

/// Marks forms and loose controls as dirty once typed into, so broadcasts leave them alone until saved.
export function trackDirty(root = document) {
  const mark = (e) => {
    const t = e.target;
    if (!t || !t.closest || t.closest("[data-track-ignore]")) return;
    (t.closest("form") || t).setAttribute("data-dirty", "1");
  };
  root.addEventListener("input", mark);
  root.addEventListener("change", mark);
}

/// Clears the dirty mark after a save, so the next broadcast shows the server's value again.
export function clean(node) {
  if (!node) return;
  node.removeAttribute("data-dirty");
  for (const d of node.querySelectorAll("[data-dirty]")) d.removeAttribute("data-dirty");
}
