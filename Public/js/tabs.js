// An accessible tab list (WAI-ARIA Authoring Practices "Tabs" pattern): click or arrow keys
// switch panels; only the selected tab is in the tab order.
export function setUpTabs(tablist, onChange = () => {}) {
  const tabs = [...tablist.querySelectorAll("[role=tab]")];
  const select = (tab, focus) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).classList.toggle("hidden", !on);
    }
    if (focus) tab.focus();
    onChange(tab.id);
  };
  for (const t of tabs) {
    t.addEventListener("click", () => select(t, false));
    t.addEventListener("keydown", (e) => {
      const i = tabs.indexOf(t);
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
      if (next === undefined) return;
      e.preventDefault();
      select(tabs[(next + tabs.length) % tabs.length], true);
    });
  }
  return (id) => select(document.getElementById(id), false);
}
