// Drag and drop with pointer events, so mouse, pen and touch behave alike (HTML5 drag events do
// not fire for touch). A drag starts on a `.drag-handle` (which has `touch-action: none`, so a
// phone still scrolls everywhere else) and ends on the element under the pointer that matches
// `target` and `accepts` it. Every draggable thing also has a keyboard/menu alternative in the
// page; the handle itself is hidden from assistive technology.
export function dragAndDrop(root, { source, target, accepts, drop }) {
  let drag = null;
  const setOver = (node) => {
    if (drag.over === node) return;
    if (drag.over) drag.over.classList.remove("drop-target");
    drag.over = node;
    if (node) node.classList.add("drop-target");
  };
  const finish = (dropIt) => {
    if (!drag) return;
    const { el, over, moved } = drag;
    drag = null;
    el.classList.remove("dragging");
    document.body.classList.remove("is-dragging");
    if (over) over.classList.remove("drop-target");
    if (dropIt && moved && over) drop(el, over);
  };
  root.addEventListener("pointerdown", (e) => {
    const handle = e.button === 0 && e.target.closest(".drag-handle");
    const el = handle && handle.closest(source);
    if (!el || !root.contains(el)) return;
    e.preventDefault();
    drag = { el, x: e.clientX, y: e.clientY, moved: false, over: null };
  });
  document.addEventListener("pointermove", (e) => {
    if (!drag) return;
    if (!drag.moved && Math.hypot(e.clientX - drag.x, e.clientY - drag.y) < 5) return;
    if (!drag.moved) { drag.moved = true; drag.el.classList.add("dragging"); document.body.classList.add("is-dragging"); }
    const under = document.elementFromPoint(e.clientX, e.clientY);
    const t = under && under.closest(target);
    setOver(t && t !== drag.el && !drag.el.contains(t) && accepts(drag.el, t) ? t : null);
  });
  document.addEventListener("pointerup", () => finish(true));
  document.addEventListener("pointercancel", () => finish(false));
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") finish(false); });
}

/// The visible grip a drag starts from; screen readers use the menu beside it instead.
export function dragHandle(el, title) {
  return el("span", { class: "drag-handle", "aria-hidden": "true", title }, "⠿");
}
