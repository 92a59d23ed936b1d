// The projector view (`/present.html#token=FACILITATOR`): read-only, large type, no controls.
// It follows the room through the same reducer as the console; the facilitator steps the focus
// from the console and this screen shows what is in focus.
import { Connection } from "./connection.js";
import { $, el, svg, fragmentToken, PHASE_NAMES, VERDICT_NAMES, departmentName, formatRemaining } from "./dom.js";
import { patch } from "./morph.js";
import { applyFrame, initialState, endorsementBars, plural } from "./reducer.js";
import { qrSvg } from "./qr.js";

const TOKEN_KEY = "detente.present";
const token = fragmentToken() || sessionStorage.getItem(TOKEN_KEY);
if (token) { sessionStorage.setItem(TOKEN_KEY, token); history.replaceState(null, "", location.pathname); }

let state = initialState();
const STATUS = { online: "", connecting: "Connecting…", reconnecting: "Reconnecting…", offline: "Offline — reconnecting when back" };

function onFrame(f) {
  if (f.type === "welcome" && f.role !== "facilitator") return;
  const next = applyFrame(state, f);
  if (next === state || !next.workshop) return;
  state = next;
  render();
}

function render() {
  const w = state.workshop;
  $("#title").textContent = w.title;
  document.title = `${w.title} — projector`;
  $("#phase").textContent = PHASE_NAMES[w.phase] + (w.ended ? " — ended" : "");
  document.body.dataset.phase = w.phase;
  renderTimer();
  patch($("#stage"), stage(w));
}

function renderTimer() {
  const text = state.timer ? formatRemaining(state.timer) : "";
  $("#timer").textContent = text;
  const big = document.getElementById("stage-timer");
  if (big) big.textContent = text;
}

function stage(w) {
  if (w.phase === "lobby" || w.phase === "check_in") return lobby(w);
  if (state.draft && (w.phase === "agreement" || w.phase === "close")) return agreement(w);
  if (state.reveal) {
    const focused = state.reveal.find((i) => i.id === state.focus);
    return focused ? focusView(focused) : board(w);
  }
  return writing(w);
}

function lobby(w) {
  const url = `${location.origin}/join.html?code=${encodeURIComponent(w.code)}`;
  const online = (state.presence ? state.presence.departments : []).reduce((n, d) => n + d.online, 0);
  return el("section", { class: "lobby", "data-key": "lobby" },
    el("div", { class: "join-qr" }, qrSvg(url, `QR code to join ${w.title}`)),
    el("div", { class: "join-text" }, el("p", {}, "Join on your phone"), el("p", { class: "join-url" }, `${location.host}/join.html`),
      el("p", {}, "with the code"), el("p", { class: "join-code" }, w.code),
      el("p", { class: "muted-big" }, `${plural(online, "person")} here`)));
}

/// While departments write in private: only counts, never texts.
function writing(w) {
  const rows = state.progress ? state.progress.departments : [];
  return el("section", { class: "writing", "data-key": "writing" }, el("h2", {}, w.phase === "review" ? "Departments are reviewing their own items" : "Departments are writing, privately"),
    el("p", { class: "timer-huge", id: "stage-timer" }, state.timer ? formatRemaining(state.timer) : ""),
    el("ul", { class: "progress-big" }, rows.map((d) => el("li", { "data-key": d.department },
      el("strong", {}, departmentName(d.department)), ` ${d.contributors} of ${d.members} have written`,
      w.phase === "review" ? ` · ${d.approved ? "released ✓" : `${d.approvals} approved`}` : ""))));
}

function reactionSummary(id) {
  const t = state.reactions[id];
  if (!t) return null;
  return el("p", { class: "card-reactions" }, Object.entries(t.counts).map(([v, n]) => `${VERDICT_NAMES[v]} ${n}`).join(" · "));
}

function card(i) {
  return el("li", { class: `card-item kind-${i.kind}`, "data-key": i.id },
    el("p", { class: "card-kind" }, `${i.kind === "outmodel" ? "How they see" : "Needs from"} ${departmentName(i.target)} · ${plural(i.votes, "vote")}`),
    el("p", { class: "card-text" }, i.text), reactionSummary(i.id));
}

/// The board: one column per department, outmodels and requirements told apart by colour and label.
function board(w) {
  const shown = state.presenting ? [state.presenting] : w.departments;
  return el("section", { class: `board cols-${shown.length}`, "data-key": `board-${shown.join("-")}` },
    shown.map((d) => el("div", { class: "board-column", "data-key": d }, el("h2", {}, `${departmentName(d)} wrote`),
      el("ul", { class: "board-cards" }, state.reveal.filter((i) => i.department === d).map(card)))));
}

function bar(share, label) {
  const node = svg("svg", { viewBox: "0 0 100 8", class: "bar", role: "img", "aria-label": label, preserveAspectRatio: "none" },
    svg("rect", { x: 0, y: 0, width: 100, height: 8, class: "bar-bg" }),
    svg("rect", { x: 0, y: 0, width: Math.round(share * 100), height: 8, class: "bar-fill" }));
  return node;
}

function focusView(i) {
  const t = state.reactions[i.id];
  const total = t ? Object.values(t.counts).reduce((a, b) => a + b, 0) : 0;
  const verdicts = i.kind === "outmodel" ? ["accurate", "partly", "wrong"] : ["accept", "conditional", "cannot"];
  return el("section", { class: "focus", "data-key": `focus-${i.id}` },
    el("div", { class: `focus-item kind-${i.kind}` },
      el("p", { class: "card-kind" }, `${departmentName(i.department)} ${i.kind === "outmodel" ? "about" : "needs from"} ${departmentName(i.target)} · ${plural(i.votes, "vote")}`),
      el("p", { class: "focus-text" }, i.text)),
    el("div", { class: "focus-reactions" }, el("h2", {}, `${departmentName(i.target)} reacts`),
      total ? el("ul", { class: "bars" }, verdicts.map((v) => el("li", {}, el("span", {}, `${VERDICT_NAMES[v]} ${(t.counts[v] || 0)}`),
        bar((t.counts[v] || 0) / total, `${VERDICT_NAMES[v]}: ${t.counts[v] || 0} of ${total}`)))) : el("p", {}, "No reactions yet."),
      t && t.comments.length ? el("ul", { class: "comments" }, t.comments.slice(0, 3).map((c) => el("li", {}, c.text))) : null));
}

function agreement(w) {
  const clauses = state.draft.filter((c) => c.votable);
  return el("section", { class: "agreement-big", "data-key": "agreement" }, el("h2", {}, "Our agreement"),
    el("ol", { class: clauses.length > 4 ? "clauses-big many" : "clauses-big" }, clauses.map((c) => {
      const t = state.tallies[c.id];
      const a = state.assignments[c.id];
      return el("li", { "data-key": c.id, class: t && t.endorsed ? "endorsed-big" : "" },
        el("p", { class: "clause-text" }, c.text),
        a && (a.owner || a.due) ? el("p", { class: "clause-owner" }, [a.owner ? departmentName(a.owner) : null, a.due ? `by ${a.due}` : null].filter(Boolean).join(" · ")) : null,
        el("ul", { class: "bars" }, endorsementBars(t, w.departments).map((r) => el("li", { "data-key": r.department },
          el("span", {}, `${departmentName(r.department)} ${r.support}/${r.members}`), bar(r.share, `${departmentName(r.department)}: ${r.support} of ${r.members} support`)))),
        t && t.endorsed ? el("p", { class: "endorsed-label" }, "Endorsed ✓") : null);
    })));
}

const connection = new Connection({ token, onFrame, onStatus: (s) => { $("#status").textContent = STATUS[s] ?? s; } });
if (!token) $("#status").textContent = "Open this from the facilitator console (it needs the facilitator link).";
else connection.open();
setInterval(renderTimer, 1000);
