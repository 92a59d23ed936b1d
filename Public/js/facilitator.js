// The facilitator console: phases, timers, presence and progress (counts only), moderation,
// present mode, the agreement draft with editing and live endorsement, exports.
import { Connection } from "./connection.js";
import { barChart } from "./charts.js";
import { $, el, replace, showStatus, fragmentToken, PHASES, PHASE_NAMES, VERDICT_NAMES, departmentName, formatRemaining } from "./dom.js";
import { patch, trackDirty, clean } from "./morph.js";
import { applyFrame, initialState, plural } from "./reducer.js";
import { qrSvg } from "./qr.js";
import { setUpTabs } from "./tabs.js";
import { dragAndDrop, dragHandle } from "./drag.js";

const TOKEN_KEY = "detente.facilitator";
const token = fragmentToken() || sessionStorage.getItem(TOKEN_KEY);
if (token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  // Keep the secret out of the address bar (and screenshots of it).
  history.replaceState(null, "", location.pathname);
}

let state = initialState();
/// Console-only state: whether the clause wording forms were saved is tracked by `morph`.
const ui = { tab: null };

const setStatus = (s) => showStatus($("#status"), s);

function showError(message) { $("#error").textContent = message || ""; }

function onFrame(f) {
  if (f.type === "welcome" && f.role !== "facilitator") return;
  if (f.type === "error") { showError(f.message); return; }
  const next = applyFrame(state, f);
  if (next === state) return;
  const phaseChanged = f.type === "phase";
  state = next;
  if (phaseChanged) { $("#force").classList.add("hidden"); $("#warning").textContent = ""; }
  render();
}

// The template's suggested length of each phase fills the timer box when the phase starts,
// unless the facilitator is typing in it.
let minutesSuggestedFor = null;
function suggestMinutes(w) {
  const box = $("#minutes");
  if (minutesSuggestedFor === w.phase || document.activeElement === box) return;
  minutesSuggestedFor = w.phase;
  if (w.suggested_minutes) box.value = String(w.suggested_minutes);
}

function render() {
  const w = state.workshop;
  if (!w) return;
  $("#title").textContent = `${w.title} — facilitator`;
  document.title = `${w.title} — Detente facilitator`;
  $("#phase").textContent = PHASE_NAMES[w.phase] + (w.ended ? " (ended)" : "");
  document.body.dataset.phase = w.phase;
  renderTimer();
  suggestMinutes(w);
  patch($("#steps"), PHASES.map((p) => el("li", { "aria-current": p === w.phase ? "step" : null }, PHASE_NAMES[p])));
  $("#back").disabled = w.phase === "lobby" || w.ended;
  $("#advance").disabled = w.phase === "close" || w.ended;
  $("#advance").textContent = w.phase === "review" ? "Reveal all departments →" : "Next phase →";
  $("#lock").setAttribute("aria-pressed", String(w.joining_locked));
  $("#lock").textContent = w.joining_locked ? "Joining locked — unlock" : "Lock joining";
  $("#ready-count").textContent = state.ready && state.ready.open ? `${state.ready.ready} of ${state.ready.participants} ready` : "";
  $("#code").textContent = w.code;
  renderLinks();
  renderProgress();
  renderChat();
  renderPeople();
  renderReveal();
  renderAgreement();
  patch($("#notes"), state.notes.map((n, i) => el("li", { "data-key": String(i) }, n)));
  renderExports();
}

function renderTimer() { $("#timer").textContent = state.timer ? `⏱ ${formatRemaining(state.timer)}` : ""; }

let linksFor = null;
function renderLinks() {
  const w = state.workshop;
  if (linksFor === w.id) return;
  linksFor = w.id;
  replace($("#links"), w.departments.map((d) => {
    const url = `${location.origin}/join.html?code=${encodeURIComponent(w.code)}&department=${encodeURIComponent(d)}`;
    return el("li", {}, el("strong", {}, departmentName(d)), el("br"), el("a", { href: url }, url), el("br"),
      qrSvg(url, `QR code to join as ${departmentName(d)}`));
  }));
}

function renderProgress() {
  const p = state.progress;
  if (!p) return;
  const online = new Map((state.presence ? state.presence.departments : []).map((d) => [d.department, d.online]));
  patch($("#progress"), el("div", { class: "table-wrap" }, el("table", { class: "progress-table" },
    el("thead", {}, el("tr", {}, ["Dept.", "People", "Online", "Outmodel", "Req.", "Writers", "Approvals"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, p.departments.map((d) => el("tr", { "data-key": d.department },
      el("th", { scope: "row" }, departmentName(d.department)), el("td", {}, d.members), el("td", {}, online.get(d.department) ?? 0),
      el("td", {}, d.outmodel), el("td", {}, d.requirements),
      el("td", { class: d.below_k ? "warn" : "" }, `${d.contributors}${d.below_k ? ` (below k = ${p.k})` : ""}`),
      el("td", {}, `${d.approvals}${d.approved ? " ✓ released" : ""}`)))))));
}

function renderChat() {
  const chat = $("#chat");
  const before = chat.childElementCount;
  patch(chat, state.chat.map((line, i) => el("li", { "data-key": String(i) }, line.text)));
  if (chat.childElementCount !== before) chat.scrollTop = chat.scrollHeight;
  // The latest bot line (e.g. the anonymity warning) stays in view; the rest is one tab away.
  const last = state.chat[state.chat.length - 1];
  $("#bot-latest").textContent = last ? `Bot: ${last.text}` : "";
}

function renderPeople() {
  const p = state.presence;
  if (!p) return;
  patch($("#people"), p.departments.map((d) => el("div", { "data-key": d.department }, el("h3", {}, `${departmentName(d.department)} (${d.online}/${d.members} online)`),
    el("ul", {}, (d.people || []).map((x) => el("li", { "data-key": x.participant }, `${x.name}${x.online ? "" : " (away)"}${x.participant === state.delegate ? " — facilitating" : ""}`))))));
  const people = p.departments.flatMap((d) => (d.people || []).map((x) => ({ ...x, department: d.department })));
  patch($("#handover"), el("option", { value: "" }, "Nobody (take it back)"),
    people.map((x) => el("option", { value: x.participant, "data-key": x.participant }, `${x.name} (${departmentName(x.department)})`)));
}

function renderCharts() {
  const outmodels = state.reveal.filter((i) => i.kind === "outmodel");
  patch($("#charts"),
    barChart({ title: "Votes per item (top 12)", rows: state.reveal.slice().sort((a, b) => b.votes - a.votes).slice(0, 12).map((i) => ({ label: i.text, values: [i.votes] })) }),
    outmodels.some((i) => state.reactions[i.id]) ? barChart({
      title: "Reactions per outmodel statement", series: ["accurate", "partly", "wrong"],
      rows: outmodels.filter((i) => state.reactions[i.id]).map((i) => {
        const c = state.reactions[i.id].counts;
        return { label: i.text, values: [c.accurate || 0, c.partly || 0, c.wrong || 0] };
      }),
    }) : null);
}

function renderReveal() {
  $("#reveal-card").classList.toggle("hidden", !state.reveal);
  if (!state.reveal) return;
  const w = state.workshop;
  renderCharts();
  const focused = state.reveal.find((i) => i.id === state.focus);
  const focusTally = focused && state.reactions[focused.id];
  $("#focus-status").textContent = focused
    ? `On the projector: “${focused.text.slice(0, 100)}”` + (focusTally ? ` — ${Object.entries(focusTally.counts).map(([v, n]) => `${VERDICT_NAMES[v]} ${n}`).join(", ")}` : " — no reactions yet")
    : "Nothing in focus: the projector shows the board.";
  patch($("#present-department"), el("option", { value: "" }, "All departments"), w.departments.map((d) => el("option", { value: d, "data-key": d }, departmentName(d))));
  if (document.activeElement !== $("#present-department")) $("#present-department").value = state.presenting || "";
  patch($("#reveal"), w.departments.map((d) => el("section", { "data-key": d }, el("h3", {}, `${departmentName(d)} wrote`),
    el("ul", { class: "items" }, state.reveal.filter((i) => i.department === d).map((i) => {
      const t = state.reactions[i.id];
      const inFocus = state.focus === i.id;
      return el("li", { "data-key": i.id, class: inFocus ? "focused" : "" }, el("span", { class: "tag" }, i.kind), el("span", { class: "tag" }, `about ${departmentName(i.target)}`),
        el("span", { class: "tag" }, plural(i.votes, "vote")), el("div", { class: "item-text" }, i.text),
        t ? el("div", { class: "muted" }, Object.entries(t.counts).map(([v, n]) => `${VERDICT_NAMES[v]} ${n}`).join(" · ")) : null,
        el("div", { class: "row" },
          el("button", { type: "button", class: "secondary focus-button", "aria-pressed": String(inFocus), "aria-label": `${inFocus ? "Clear focus from" : "Put in focus"}: ${i.text.slice(0, 60)}`,
            onclick: () => act({ type: "focus", id: inFocus ? null : i.id }) }, inFocus ? "In focus" : "Focus"),
          el("button", { type: "button", class: "secondary", "aria-label": `Hide: ${i.text.slice(0, 60)}`,
            onclick: () => act({ type: "hide", id: i.id }) }, "Hide")));
    })))));
}

/// Steps the projector's focus through the revealed items in board order (department, then list order).
function stepFocus(delta) {
  const order = state.workshop.departments.flatMap((d) => state.reveal.filter((i) => i.department === d));
  if (!order.length) return;
  const at = order.findIndex((i) => i.id === state.focus);
  const next = at < 0 ? (delta > 0 ? 0 : order.length - 1) : (at + delta + order.length) % order.length;
  act({ type: "focus", id: order[next].id });
}

function clauseForm(c, others) {
  const id = `clause-${c.id}`;
  return el("form", { class: "clause-form", onsubmit: async (e) => {
    e.preventDefault();
    const reply = await act({ type: "edit_clause", clause: c.id, text: e.target.querySelector("textarea").value });
    if (reply.type === "ack") clean(e.target);
  } },
  el("label", { for: id }, "Clause text"), el("textarea", { id, maxlength: 2000, value: c.text }),
  el("div", { class: "row" }, el("button", { type: "submit", class: "secondary" }, "Save wording"),
    others.length ? el("select", { "aria-label": "Merge another clause into this one", "data-track-ignore": "1",
      onchange: (e) => { if (e.target.value) act({ type: "merge_clauses", kept: c.id, absorbed: e.target.value }); } },
    el("option", { value: "" }, "Merge another clause into this…"), others.map((o) => el("option", { value: o.id }, o.text.slice(0, 60)))) : null));
}

/// Who does what by when: the owning department and an ISO due date.
function assignmentForm(c) {
  const a = state.assignments[c.id] || {};
  const ownerId = `owner-${c.id}`, dueId = `due-${c.id}`;
  return el("form", { class: "assign-form row", onsubmit: async (e) => {
    e.preventDefault();
    const form = e.target;
    const reply = await act({ type: "assign_clause", clause: c.id, owner: form.querySelector("select").value || null, due: form.querySelector("input").value || null });
    if (reply.type === "ack") clean(form);
  } },
  el("label", { for: ownerId }, "Owner"),
  el("select", { id: ownerId, value: a.owner || "" }, el("option", { value: "" }, "Nobody yet"),
    state.workshop.departments.map((d) => el("option", { value: d }, departmentName(d)))),
  el("label", { for: dueId }, "Due"), el("input", { type: "date", id: dueId, value: a.due || "" }),
  el("button", { type: "submit", class: "secondary" }, "Save owner and date"));
}

function sourceRow(s, c, others, editable) {
  const item = (state.reveal || []).find((i) => i.id === s);
  // Offers are written after the reveal, so the console knows them only through their clause.
  const text = item ? item.text : "An offer written in the reactions phase (worded as in the clause)";
  const canMove = editable && (c.sources.length > 1 || others.length);
  return el("li", { "data-key": s, class: "source", "data-item": s },
    canMove ? dragHandle(el, "Drag onto another clause to move this item there") : null, text,
    canMove ? el("select", { "aria-label": `Move to another clause: ${text.slice(0, 50)}`, "data-track-ignore": "1",
      onchange: (e) => { if (e.target.value) act({ type: "move_item", id: s, clause: e.target.value === "__new" ? null : e.target.value }); } },
    el("option", { value: "" }, "Move to…"), el("option", { value: "__new" }, "A clause of its own (split)"),
    others.map((o) => el("option", { value: o.id }, o.text.slice(0, 50)))) : null);
}

function renderAgreement() {
  $("#agreement-card").classList.toggle("hidden", !state.draft);
  if (!state.draft) return;
  const votable = state.draft.filter((c) => c.votable);
  const deps = state.workshop.departments;
  patch($("#endorsement-chart"), votable.length ? barChart({
    title: "Support per clause, by department", series: deps.map(departmentName),
    rows: votable.map((c) => ({ label: c.text, values: deps.map((d) => (state.tallies[c.id]?.departments.find((r) => r.department === d)?.support) || 0) })),
  }) : null);
  const editable = state.workshop.phase === "agreement" && !state.workshop.ended;
  renderSuggestions(editable);
  patch($("#agreement"), state.draft.map((c) => {
    const t = state.tallies[c.id];
    const others = state.draft.filter((o) => o.id !== c.id);
    const sourceRows = c.sources.map((s) => sourceRow(s, c, others, editable));
    return el("div", { class: "clause", "data-key": c.id, "data-clause": c.id },
      el("h3", {}, `${c.section.replaceAll("_", " ")} · confidence ${Math.round(c.confidence * 100)}% · ${c.reason}`),
      editable ? clauseForm(c, others) : el("div", { class: "item-text" }, c.text),
      editable && c.votable ? assignmentForm(c) : assignmentLine(c.id),
      sourceRows.length ? el("details", { open: editable }, el("summary", {}, `${c.sources.length} source item${c.sources.length === 1 ? "" : "s"}`), el("ul", {}, sourceRows)) : null,
      t ? el("p", { class: t.endorsed ? "endorsed" : "muted" }, (t.endorsed ? "Endorsed · " : "Not yet endorsed · ") +
        t.departments.map((r) => `${departmentName(r.department)} ${r.support} for, ${r.oppose} against, of ${r.members}`).join(" · ")) : null);
  }));
}

// Where the drafter was unsure it asks the room instead of merging: one click answers.
function renderSuggestions(editable) {
  const open = (state.suggestions || []).filter((s) => s.status === "open");
  const answered = (state.suggestions || []).filter((s) => s.status !== "open");
  patch($("#suggestions"), open.length || answered.length ? el("div", { class: "suggestions" },
    el("h3", {}, open.length ? `The drafter asks (${open.length})` : "The drafter's questions, answered"),
    el("ul", {}, open.map((s) => el("li", { "data-key": s.id },
      el("p", {}, s.question), el("p", { class: "muted" }, `${s.reason} · confidence ${Math.round(s.confidence * 100)}%`),
      editable ? el("div", { class: "row" },
        el("button", { type: "button", onclick: () => act({ type: "answer_suggestion", suggestion: s.id, accept: true }) }, s.kind === "same_ask" ? "Yes, merge them" : "Yes, pair them"),
        el("button", { type: "button", class: "secondary", onclick: () => act({ type: "answer_suggestion", suggestion: s.id, accept: false }) }, "No, keep apart")) : null)).concat(
      answered.map((s) => el("li", { "data-key": s.id, class: "muted" }, `${s.question} — ${s.status === "accepted" ? "yes" : "no"}`))))) : null);
}

function assignmentLine(clauseID) {
  const a = state.assignments[clauseID];
  if (!a || (!a.owner && !a.due)) return null;
  return el("p", { class: "assignment" }, [a.owner ? `Owner: ${departmentName(a.owner)}` : null, a.due ? `Due: ${a.due}` : null].filter(Boolean).join(" · "));
}

const EXPORTS = [["md", "Markdown"], ["html", "HTML"], ["json", "JSON"], ["csv", "CSV (items)"], ["agreement-csv", "CSV (agreement)"], ["ics", "Due dates (.ics)"]];

function renderExports() {
  const w = state.workshop;
  const attendance = $("#attendance").checked ? "&attendance=1" : "";
  replace($("#exports"), EXPORTS.map(([f, label]) => el("a", {
    class: "button secondary", href: `/api/workshops/${encodeURIComponent(w.id)}/export?format=${f}&token=${encodeURIComponent(token)}${attendance}`,
    download: `detente-${w.id}${f === "agreement-csv" ? "-agreement.csv" : "." + f}`,
  }, `Download ${label}`)));
}

async function act(message) {
  showError("");
  const reply = await connection.send(message);
  if (reply.type === "error") {
    if (reply.code === "conflict" && message.type === "advance" && reply.message.startsWith("reveal needs confirmation")) {
      $("#warning").textContent = reply.message;
      $("#force").classList.remove("hidden");
      $("#force").focus();
    } else showError(reply.message);
  }
  return reply;
}

const connection = new Connection({ token, onFrame, onStatus: setStatus });
if (!token) showError("This page needs the facilitator link (it carries a secret token). Ask the organiser for it.");
else connection.open();

$("#advance").addEventListener("click", () => act({ type: "advance" }));
$("#force").addEventListener("click", () => act({ type: "advance", force: true }));
$("#back").addEventListener("click", () => act({ type: "back" }));
$("#timer-start").addEventListener("click", () => act({ type: "timer", action: "start", seconds: Math.round(Number($("#minutes").value || 10) * 60) }));
$("#timer-pause").addEventListener("click", () => act({ type: "timer", action: "pause" }));
$("#timer-extend").addEventListener("click", () => act({ type: "timer", action: "extend", seconds: 120 }));
$("#ready-check").addEventListener("click", () => act({ type: "ready_check" }));
$("#lock").addEventListener("click", () => act({ type: "lock", locked: !state.workshop.joining_locked }));
$("#handover-button").addEventListener("click", () => act({ type: "hand_over", participant: $("#handover").value || null }));
$("#redraft").addEventListener("click", () => act({ type: "redraft" }));
$("#note-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = $("#note-text").value.trim();
  if (text && (await act({ type: "note", text })).type === "ack") $("#note-text").value = "";
});
$("#attendance").addEventListener("change", renderExports);
$("#end").addEventListener("click", () => { if (confirm("End the workshop for everyone?")) act({ type: "end" }); });
$("#present-open").addEventListener("click", () => {
  // The projector view is a second window on the same facilitator token (read-only).
  window.open(`/present.html#token=${encodeURIComponent(token)}`, "detente-present");
});
$("#present-department").addEventListener("change", () => act({ type: "present", department: $("#present-department").value || null }));
$("#focus-prev").addEventListener("click", () => stepFocus(-1));
$("#focus-next").addEventListener("click", () => stepFocus(1));
$("#focus-clear").addEventListener("click", () => act({ type: "focus", id: null }));
trackDirty($("#main"));
setUpTabs($(".tabs"));
// Agreement: drop a source item on another clause to move it there (the "Move to…" menu is the keyboard way).
dragAndDrop($("#agreement"), {
  source: "li[data-item]", target: "[data-clause]",
  accepts: (from, to) => from.closest("[data-clause]") !== to,
  drop: (from, to) => act({ type: "move_item", id: from.dataset.item, clause: to.dataset.clause }),
});
setInterval(renderTimer, 1000);
