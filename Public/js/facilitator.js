// The facilitator console: phases, timers, presence and progress (counts only), moderation,
// present mode, the agreement draft with editing and live endorsement, exports.
import { Connection } from "./connection.js";
import { barChart } from "./charts.js";
import { $, el, replace, showStatus, fragmentToken, PHASES, PHASE_NAMES, VERDICT_NAMES, departmentName, formatRemaining } from "./dom.js";
import { qrSvg } from "./qr.js";

const TOKEN_KEY = "detente.facilitator";
const token = fragmentToken() || sessionStorage.getItem(TOKEN_KEY);
if (token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  // Keep the secret out of the address bar (and screenshots of it).
  history.replaceState(null, "", location.pathname);
}

const state = {
  workshop: null, progress: null, presence: null, chat: [], reveal: null, reactions: new Map(), draft: null, tallies: new Map(),
  timer: null, ready: null, notes: [], delegate: null, presenting: null, presentOpen: false,
};

const setStatus = (s) => showStatus($("#status"), s);

function showError(message) { $("#error").textContent = message || ""; }

function onFrame(f) {
  switch (f.type) {
    case "welcome":
      if (f.role !== "facilitator") return;
      Object.assign(state, {
        workshop: f.workshop, progress: f.progress, presence: f.presence, chat: f.chat, reveal: f.reveal ? f.reveal.items : null,
        reactions: new Map((f.reactions || []).map((r) => [r.id, r])), draft: f.draft ? f.draft.clauses : null,
        tallies: new Map((f.draft ? f.draft.tallies : []).map((t) => [t.clause, t])), timer: f.timer, ready: f.ready, notes: f.notes,
        delegate: f.delegate, presenting: f.presenting || null,
      });
      break;
    case "error": showError(f.message); return;
    case "phase": state.workshop.phase = f.phase; state.timer = f.timer; $("#force").classList.add("hidden"); $("#warning").textContent = ""; break;
    case "timer": state.timer = f.timer; break;
    case "progress": state.progress = f; break;
    case "presence": state.presence = f; break;
    case "bot": state.chat.push(f.text); break;
    case "reveal": state.reveal = f.items; break;
    case "item_removed": if (state.reveal) state.reveal = state.reveal.filter((i) => i.id !== f.id); break;
    case "reactions": state.reactions.set(f.id, f); break;
    case "draft": state.draft = f.clauses; for (const t of f.tallies) state.tallies.set(t.clause, t); break;
    case "tally": state.tallies.set(f.clause, f); break;
    case "ready": state.ready = f; break;
    case "ready_check": break;
    case "joining": state.workshop.joining_locked = f.locked; break;
    case "note": state.notes.push(f.text); break;
    case "delegate": state.delegate = f.participant; break;
    case "presenting": state.presenting = f.department; break;
    case "ended": state.workshop.ended = true; break;
    default: return;
  }
  render();
}

function render() {
  const w = state.workshop;
  if (!w) return;
  $("#title").textContent = `${w.title} — facilitator`;
  document.title = `${w.title} — Detente facilitator`;
  $("#phase").textContent = PHASE_NAMES[w.phase] + (w.ended ? " (ended)" : "");
  renderTimer();
  replace($("#steps"), PHASES.map((p) => el("li", { "aria-current": p === w.phase ? "step" : null }, PHASE_NAMES[p])));
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
  renderPresent();
  replace($("#notes"), state.notes.map((n) => el("li", {}, n)));
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
  replace($("#progress"), el("div", { class: "table-wrap" }, el("table", {},
    el("thead", {}, el("tr", {}, ["Department", "People", "Online", "Outmodel", "Requirements", "Contributors", "Approvals"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, p.departments.map((d) => el("tr", {},
      el("th", { scope: "row" }, departmentName(d.department)), el("td", {}, d.members), el("td", {}, online.get(d.department) ?? 0),
      el("td", {}, d.outmodel), el("td", {}, d.requirements),
      el("td", { class: d.below_k ? "warn" : "" }, `${d.contributors}${d.below_k ? ` (below k = ${p.k})` : ""}`),
      el("td", {}, `${d.approvals}${d.approved ? " ✓ released" : ""}`)))))));
}

let renderedChat = 0;
function renderChat() {
  const chat = $("#chat");
  if (state.chat.length < renderedChat) { replace(chat); renderedChat = 0; }
  for (const line of state.chat.slice(renderedChat)) chat.append(el("li", {}, line));
  renderedChat = state.chat.length;
  chat.scrollTop = chat.scrollHeight;
}

function renderPeople() {
  const p = state.presence;
  if (!p) return;
  replace($("#people"), p.departments.map((d) => el("div", {}, el("h3", {}, `${departmentName(d.department)} (${d.online}/${d.members} online)`),
    el("ul", {}, (d.people || []).map((x) => el("li", {}, `${x.name}${x.online ? "" : " (away)"}${x.participant === state.delegate ? " — facilitating" : ""}`))))));
  const select = $("#handover");
  const people = p.departments.flatMap((d) => (d.people || []).map((x) => ({ ...x, department: d.department })));
  const current = select.value;
  replace(select, el("option", { value: "" }, "Nobody (take it back)"),
    people.map((x) => el("option", { value: x.participant, selected: x.participant === current }, `${x.name} (${departmentName(x.department)})`)));
}

function renderReveal() {
  $("#reveal-card").classList.toggle("hidden", !state.reveal);
  if (!state.reveal) return;
  const w = state.workshop;
  const outmodels = state.reveal.filter((i) => i.kind === "outmodel");
  replace($("#charts"),
    barChart({ title: "Votes per item", rows: state.reveal.slice().sort((a, b) => b.votes - a.votes).slice(0, 12).map((i) => ({ label: i.text, values: [i.votes] })) }),
    outmodels.some((i) => state.reactions.has(i.id)) ? barChart({
      title: "Reactions per outmodel statement", series: ["accurate", "partly", "wrong"],
      rows: outmodels.filter((i) => state.reactions.has(i.id)).map((i) => {
        const c = state.reactions.get(i.id).counts;
        return { label: i.text, values: [c.accurate || 0, c.partly || 0, c.wrong || 0] };
      }),
    }) : null);
  replace($("#reveal"), w.departments.map((d) => el("section", {}, el("h3", {}, `${departmentName(d)} wrote`),
    el("ul", { class: "items" }, state.reveal.filter((i) => i.department === d).map((i) => {
      const t = state.reactions.get(i.id);
      return el("li", {}, el("span", { class: "tag" }, i.kind), el("span", { class: "tag" }, `about ${departmentName(i.target)}`),
        el("span", { class: "tag" }, `${i.votes} votes`), el("div", { class: "item-text" }, i.text),
        t ? el("div", { class: "muted" }, Object.entries(t.counts).map(([v, n]) => `${VERDICT_NAMES[v]} ${n}`).join(" · ")) : null,
        el("div", { class: "row" }, el("button", { type: "button", class: "secondary", "aria-label": `Hide: ${i.text.slice(0, 60)}`,
          onclick: () => act({ type: "hide", id: i.id }) }, "Hide")));
    })))));
}

function renderAgreement() {
  $("#agreement-card").classList.toggle("hidden", !state.draft);
  if (!state.draft) return;
  const votable = state.draft.filter((c) => c.votable);
  const deps = state.workshop.departments;
  replace($("#endorsement-chart"), votable.length ? barChart({
    title: "Support per clause, by department", series: deps.map(departmentName),
    rows: votable.map((c) => ({ label: c.text, values: deps.map((d) => (state.tallies.get(c.id)?.departments.find((r) => r.department === d)?.support) || 0) })),
  }) : null);
  const editable = state.workshop.phase === "agreement" && !state.workshop.ended;
  replace($("#agreement"), state.draft.map((c) => {
    const t = state.tallies.get(c.id);
    const id = `clause-${c.id}`;
    const input = el("textarea", { id, maxlength: 2000 });
    input.value = c.text;
    const others = state.draft.filter((o) => o.id !== c.id);
    const merge = el("select", { "aria-label": "Merge another clause into this one" }, el("option", { value: "" }, "Merge another clause into this…"),
      others.map((o) => el("option", { value: o.id }, o.text.slice(0, 60))));
    merge.addEventListener("change", () => { if (merge.value) act({ type: "merge_clauses", kept: c.id, absorbed: merge.value }); });
    const sourceRows = c.sources.map((s) => {
      const item = (state.reveal || []).find((i) => i.id === s);
      const move = el("select", { "aria-label": "Move this item to another clause" }, el("option", { value: "" }, "Move to…"),
        el("option", { value: "__new" }, "A clause of its own (split)"), others.map((o) => el("option", { value: o.id }, o.text.slice(0, 50))));
      move.addEventListener("change", () => { if (move.value) act({ type: "move_item", id: s, clause: move.value === "__new" ? null : move.value }); });
      return el("li", {}, item ? item.text : s, editable && c.sources.length > 1 || editable && others.length ? move : null);
    });
    return el("div", { class: "clause" },
      el("h3", {}, `${c.section.replaceAll("_", " ")} · confidence ${Math.round(c.confidence * 100)}% · ${c.reason}`),
      editable ? el("form", { onsubmit: (e) => { e.preventDefault(); act({ type: "edit_clause", clause: c.id, text: input.value }); } },
        el("label", { for: id }, "Clause text"), input, el("div", { class: "row" }, el("button", { type: "submit", class: "secondary" }, "Save wording"), merge))
        : el("div", { class: "item-text" }, c.text),
      sourceRows.length ? el("details", {}, el("summary", {}, `${c.sources.length} source item${c.sources.length === 1 ? "" : "s"}`), el("ul", {}, sourceRows)) : null,
      t ? el("p", { class: t.endorsed ? "endorsed" : "muted" }, (t.endorsed ? "Endorsed · " : "Not yet endorsed · ") +
        t.departments.map((r) => `${departmentName(r.department)} ${r.support} for, ${r.oppose} against, of ${r.members}`).join(" · ")) : null);
  }));
}

function renderPresent() {
  const box = $("#present");
  box.classList.toggle("hidden", !state.presentOpen);
  if (!state.presentOpen) return;
  const w = state.workshop;
  const select = $("#present-department");
  if (select.options.length !== w.departments.length + 1) {
    replace(select, el("option", { value: "" }, "All departments"), w.departments.map((d) => el("option", { value: d }, departmentName(d))));
  }
  select.value = state.presenting || "";
  const items = (state.reveal || []).filter((i) => !state.presenting || i.department === state.presenting);
  $("#present-title").textContent = state.reveal
    ? (state.presenting ? `${departmentName(state.presenting)}'s deliverables` : "Everyone's deliverables")
    : `${w.title}: join with code ${w.code}`;
  replace($("#present-items"), state.reveal ? items.map((i) => el("li", {}, `${i.text} `, el("span", { class: "tag" }, `about ${departmentName(i.target)}`)))
    : [el("li", {}, `Phase: ${PHASE_NAMES[w.phase]}`)]);
}

function renderExports() {
  const w = state.workshop;
  const attendance = $("#attendance").checked ? "&attendance=1" : "";
  replace($("#exports"), ["md", "html", "json", "csv"].map((f) => el("a", {
    class: "button secondary", href: `/api/workshops/${encodeURIComponent(w.id)}/export?format=${f}&token=${encodeURIComponent(token)}${attendance}`,
    download: `detente-${w.id}.${f}`,
  }, `Download ${f.toUpperCase()}`)));
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
$("#present-toggle").addEventListener("click", () => { state.presentOpen = true; render(); $("#present-close").focus(); });
$("#present-close").addEventListener("click", () => { state.presentOpen = false; render(); $("#present-toggle").focus(); });
$("#present-department").addEventListener("change", () => {
  const d = $("#present-department").value || null;
  if (state.reveal) act({ type: "present", department: d }); else { state.presenting = d; render(); }
});
document.addEventListener("keydown", (e) => { if (e.key === "Escape" && state.presentOpen) { state.presentOpen = false; render(); } });
setInterval(renderTimer, 1000);
