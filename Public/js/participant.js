// The participant page: join with a code, then one chat with the facilitator bot, the
// department's items, the reveal, reactions and the agreement vote.
import { Connection } from "./connection.js";
import { $, el, replace, showStatus, PHASE_NAMES, VERDICT_NAMES, departmentName, formatRemaining } from "./dom.js";

const params = new URLSearchParams(location.search);
const codeParam = (params.get("code") || "").toUpperCase();
const departmentParam = params.get("department") || "";
const seatKey = (code) => `detente.seat.${code}`;

const state = {
  workshop: null, you: null, items: new Map(), myVotes: new Set(), votesRemaining: 3, approval: null, myApproval: false,
  prompt: null, reveal: null, reactions: new Map(), myReactions: new Map(), draft: null, tallies: new Map(),
  myEndorsements: new Map(), chat: [], readyCheck: false, myReady: false, presence: null, timer: null, presenting: null,
};

let connection = null;

function setStatus(s) {
  showStatus($("#status"), s);
  $("#send").disabled = false;
}

function showError(message) {
  $("#error").textContent = message || "";
}

// The same seat was opened elsewhere (another tab or device, or someone with this link): stop
// reconnecting, or the two would take the seat from each other forever.
function seatTaken() {
  connection.stop();
  showStatus($("#status"), "Disconnected");
  $("#send").disabled = true;
  showError("Your seat was opened in another tab or on another device, so this page was disconnected. If that was not you, tell the facilitator. Reload this page to continue here; the other one will then be disconnected.");
}

// ---- joining ------------------------------------------------------------

async function prepareJoin() {
  $("#join-code").value = codeParam;
  $("#join-card").classList.remove("hidden");
  $("#workshop").classList.add("hidden");
  if (codeParam) await loadDepartments(codeParam);
  $("#join-code").addEventListener("change", () => loadDepartments($("#join-code").value.trim().toUpperCase()));
  $("#join-form").addEventListener("submit", join);
  ($("#join-code").value ? $("#join-name") : $("#join-code")).focus();
}

async function loadDepartments(code) {
  const select = $("#join-department");
  if (!code) return;
  try {
    const response = await fetch(`/api/join/${encodeURIComponent(code)}`);
    if (!response.ok) { $("#join-error").textContent = "No workshop with that join code."; return; }
    const info = await response.json();
    $("#title").textContent = info.title;
    document.title = `${info.title} — Detente`;
    replace(select, info.departments.map((d) => el("option", { value: d, selected: d === departmentParam }, departmentName(d))));
    $("#join-error").textContent = info.locked ? "Joining is locked by the facilitator." : "";
  } catch {
    $("#join-error").textContent = "Could not reach the server; check your connection.";
  }
}

async function join(event) {
  event.preventDefault();
  const code = $("#join-code").value.trim().toUpperCase();
  const name = $("#join-name").value.trim();
  const department = $("#join-department").value;
  if (!code || !name || !department) { $("#join-error").textContent = "Fill in the code, your name and your department."; return; }
  $("#join-button").disabled = true;
  if (!connection) start(null);
  const reply = await connection.send({ type: "join", code, name, department });
  $("#join-button").disabled = false;
  if (reply.type === "error") { $("#join-error").textContent = reply.message; return; }
  localStorage.setItem(seatKey(code), JSON.stringify({ token: reply.token, workshop: reply.workshop }));
  localStorage.setItem("detente.lastCode", code);
  connection.token = reply.token;
  if (!params.get("code")) history.replaceState(null, "", `?code=${encodeURIComponent(code)}`);
}

// ---- frames ---------------------------------------------------------------

function onFrame(f) {
  switch (f.type) {
    case "welcome": applyWelcome(f); break;
    case "seat_taken": seatTaken(); return;
    case "error":
      if (f.code === "unauthorised" && !state.you) {
        // The seat is gone (workshop purged or token wrong): offer to join again.
        localStorage.removeItem(seatKey(codeParam));
        prepareJoin();
      } else showError(f.message);
      return;
    case "phase": state.workshop.phase = f.phase; state.timer = f.timer; break;
    case "timer": state.timer = f.timer; break;
    case "bot": state.chat.push(f.text); break;
    case "item": state.items.set(f.item.id, f.item); break;
    case "item_removed": state.items.delete(f.id); if (state.reveal) state.reveal = state.reveal.filter((i) => i.id !== f.id); break;
    case "votes": if (state.items.has(f.id)) state.items.get(f.id).votes = f.votes; break;
    case "my_votes": state.myVotes = new Set(f.items); state.votesRemaining = f.remaining; break;
    case "approval": state.approval = f; break;
    case "my_approval": state.myApproval = f.approved; break;
    case "prompt": state.prompt = f; break;
    case "reveal": state.reveal = f.items; break;
    case "presenting": state.presenting = f.department; break;
    case "reactions": state.reactions.set(f.id, f); break;
    case "my_reaction": state.myReactions.set(f.id, f); break;
    case "draft": state.draft = f.clauses; for (const t of f.tallies) state.tallies.set(t.clause, t); break;
    case "tally": state.tallies.set(f.clause, f); break;
    case "my_endorsement": state.myEndorsements.set(f.clause, f.support); break;
    case "ready_check": state.readyCheck = f.open; state.myReady = false; break;
    case "my_ready": state.myReady = true; break;
    case "presence": state.presence = f; break;
    case "joining": state.workshop.joining_locked = f.locked; break;
    case "role": state.you.delegate = f.delegate; break;
    case "ended": state.workshop.ended = true; break;
    default: return;
  }
  render();
}

function applyWelcome(w) {
  if (w.role !== "participant") return;
  state.workshop = w.workshop;
  state.you = w.you;
  state.items = new Map(w.items.map((i) => [i.id, i]));
  state.myVotes = new Set(w.my_votes.items);
  state.votesRemaining = w.my_votes.remaining;
  state.approval = w.approval;
  state.myApproval = w.my_approval;
  state.prompt = w.prompt;
  state.reveal = w.reveal ? w.reveal.items : null;
  state.reactions = new Map((w.reactions || []).map((r) => [r.id, r]));
  state.myReactions = new Map(w.my_reactions.map((r) => [r.id, r]));
  state.draft = w.draft ? w.draft.clauses : null;
  state.tallies = new Map((w.draft ? w.draft.tallies : []).map((t) => [t.clause, t]));
  state.myEndorsements = new Map(w.my_endorsements.map((e) => [e.clause, e.support]));
  state.chat = w.chat;
  state.readyCheck = w.ready_check;
  state.myReady = w.my_ready;
  state.presence = w.presence;
  state.timer = w.timer;
  state.presenting = w.presenting || null;
  $("#join-card").classList.add("hidden");
  $("#workshop").classList.remove("hidden");
  // A draft sent just before a drop may have arrived: if it is among our items, clear it.
  const draft = $("#compose-text").value.trim();
  if (draft && [...state.items.values()].some((i) => i.mine && i.text === draft)) clearDraft();
  render();
}

// ---- rendering ---------------------------------------------------------------

const draftKey = () => state.workshop ? `detente.draft.${state.workshop.id}.${state.workshop.phase}` : null;

function clearDraft() {
  $("#compose-text").value = "";
  if (draftKey()) localStorage.removeItem(draftKey());
}

function composeKind() {
  return { outmodel: "outmodel", requirements: "requirement", reactions: "offer" }[state.workshop.phase] || null;
}

function render() {
  const w = state.workshop;
  if (!w) return;
  $("#title").textContent = w.title;
  document.title = `${w.title} — Detente`;
  $("#phase").textContent = PHASE_NAMES[w.phase] + (w.ended ? " (ended)" : "");
  renderTimer();
  renderChat();
  renderCompose();
  renderItems();
  renderReveal();
  renderAgreement();
  renderPresence();
  const ready = $("#ready");
  ready.classList.toggle("hidden", !state.readyCheck);
  ready.disabled = state.myReady;
  ready.textContent = state.myReady ? "Ready ✓" : "I'm ready";
  const approve = $("#approve");
  approve.classList.toggle("hidden", w.phase !== "review");
  approve.setAttribute("aria-pressed", String(state.myApproval));
  approve.textContent = state.myApproval ? "Approved — press to withdraw approval" : "Approve our set for release";
  const a = state.approval;
  $("#approval").textContent = a && w.phase === "review"
    ? `${a.approvals} of ${a.members} in your department approved${a.approved ? " — released for the reveal." : "."}` : "";
}

function renderTimer() {
  $("#timer").textContent = state.timer ? `⏱ ${formatRemaining(state.timer)}` : "";
}

let renderedChat = 0;
function renderChat() {
  const chat = $("#chat");
  if (state.chat.length < renderedChat) { replace(chat); renderedChat = 0; }
  for (const line of state.chat.slice(renderedChat)) chat.append(el("li", {}, el("span", { class: "who" }, "Facilitator bot"), line));
  renderedChat = state.chat.length;
  chat.scrollTop = chat.scrollHeight;
  const last = [...state.chat].reverse().find((l) => l.trim().endsWith("?"));
  $("#question").textContent = state.workshop.phase === "outmodel" && last ? last : "";
}

function renderCompose() {
  const w = state.workshop;
  const kind = composeKind();
  const form = $("#compose");
  form.classList.toggle("hidden", !kind || w.ended);
  if (!kind) return;
  const others = w.departments.filter((d) => d !== state.you.department);
  const target = $("#compose-target");
  const showTarget = others.length > 1;
  target.classList.toggle("hidden", !showTarget);
  $("#compose-target-label").classList.toggle("hidden", !showTarget);
  if (target.options.length !== others.length) replace(target, others.map((d) => el("option", { value: d }, departmentName(d))));
  const about = departmentName(showTarget ? target.value : others[0]);
  $("#compose-label").textContent = { outmodel: `How does ${about} do things around here to succeed?`,
    requirement: `What do you require of ${about}? (one per message)`, offer: `What can your department offer ${about} in return?` }[kind];
  $("#compose-hint").textContent = kind === "outmodel" && state.prompt ? `Question ${Math.min(state.prompt.index + 1, state.prompt.count)} of ${state.prompt.count}` : "";
  $("#next-question").classList.toggle("hidden", kind !== "outmodel" || (state.prompt && state.prompt.index >= state.prompt.count));
  const text = $("#compose-text");
  if (!text.value && draftKey()) text.value = localStorage.getItem(draftKey()) || "";
}

function itemNode(item) {
  const w = state.workshop;
  const sealed = ["outmodel", "requirements", "review"].includes(w.phase);
  const li = el("li", { class: item.mine ? "mine" : "" },
    el("span", { class: "tag" }, item.kind === "outmodel" ? "Outmodel" : item.kind === "requirement" ? "Requirement" : "Offer"),
    el("span", { class: "tag" }, `about ${departmentName(item.target)}`),
    item.mine ? el("span", { class: "tag" }, "yours") : null,
    el("div", { class: "item-text" }, item.text));
  if (item.mine && item.anonymised !== item.text) {
    li.append(el("div", { class: "preview" }, el("strong", {}, "Others will see: "), item.anonymised,
      el("ul", {}, item.replacements.map((r) => el("li", {}, `“${r.original}” → ${r.placeholder} (${r.rule})`)))));
  } else if (item.mine) {
    li.append(el("div", { class: "preview muted" }, "Others will see it exactly as written: nothing identifying was found."));
  }
  const row = el("div", { class: "row" });
  if (w.phase === "review") {
    const voted = state.myVotes.has(item.id);
    row.append(el("button", { type: "button", class: "secondary", "aria-pressed": String(voted),
      "aria-label": `${voted ? "Remove vote from" : "Vote for"}: ${item.text.slice(0, 60)}`,
      disabled: !voted && state.votesRemaining <= 0, onclick: () => act({ type: "vote", id: item.id, on: !voted }) },
    `${voted ? "★" : "☆"} ${item.votes} vote${item.votes === 1 ? "" : "s"}`));
    const others = [...state.items.values()].filter((o) => o.id !== item.id && o.kind === item.kind && o.target === item.target);
    if (others.length) {
      const select = el("select", { "aria-label": "Merge a duplicate into this item" },
        el("option", { value: "" }, "Merge a duplicate into this…"), others.map((o) => el("option", { value: o.id }, o.text.slice(0, 70))));
      select.addEventListener("change", () => { if (select.value) act({ type: "merge", kept: item.id, absorbed: select.value }); });
      row.append(select);
    }
  }
  if (item.mine && sealed) {
    row.append(el("button", { type: "button", class: "secondary", onclick: () => editItem(li, item) }, "Edit"),
      el("button", { type: "button", class: "secondary", onclick: () => act({ type: "withdraw", id: item.id }) }, "Withdraw"));
  }
  if (row.childElementCount) li.append(row);
  return li;
}

function editItem(li, item) {
  const id = `edit-${item.id}`;
  const area = el("textarea", { id, maxlength: 2000 });
  area.value = item.text;
  const form = el("form", {}, el("label", { for: id }, "Edit your item"), area,
    el("div", { class: "row" }, el("button", { type: "submit" }, "Save"),
      el("button", { type: "button", class: "secondary", onclick: () => render() }, "Cancel")));
  form.addEventListener("submit", (e) => { e.preventDefault(); act({ type: "edit", id: item.id, text: area.value }); });
  li.replaceChildren(form);
  area.focus();
}

function renderItems() {
  const items = [...state.items.values()];
  replace($("#items"), items.length ? items.map(itemNode) : [el("li", { class: "muted" }, "Nothing yet.")]);
  $("#votes-left").textContent = state.workshop.phase === "review" ? `You have ${state.votesRemaining} of 3 votes left.` : "";
}

function reactionForm(item) {
  const mine = state.myReactions.get(item.id);
  const verdicts = item.kind === "outmodel" ? ["accurate", "partly", "wrong"] : ["accept", "conditional", "cannot"];
  const name = `verdict-${item.id}`;
  const commentId = `comment-${item.id}`;
  const comment = el("input", { type: "text", id: commentId, maxlength: 2000, value: mine ? mine.comment : "" });
  const form = el("form", { class: "no-print" },
    el("fieldset", {}, el("legend", {}, item.kind === "outmodel" ? "Is this accurate about us?" : "Can we do this?"),
      verdicts.map((v) => el("label", {}, el("input", { type: "radio", name, value: v, checked: mine && mine.verdict === v }), " ", VERDICT_NAMES[v]))),
    el("label", { for: commentId }, item.kind === "outmodel" ? "Why?" : "Comment or condition"), comment,
    el("div", { class: "row" }, el("button", { type: "submit" }, mine ? "Update reaction" : "Save reaction")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const chosen = form.querySelector(`input[name="${name}"]:checked`);
    if (!chosen) { showError("Choose a reaction first."); return; }
    act({ type: "react", id: item.id, verdict: chosen.value, comment: comment.value });
  });
  return form;
}

function tallyText(id) {
  const t = state.reactions.get(id);
  if (!t) return null;
  const counts = Object.entries(t.counts).map(([v, n]) => `${VERDICT_NAMES[v]}: ${n}`).join(", ");
  return el("div", { class: "muted" }, counts, t.comments.length ? el("ul", {}, t.comments.map((c) => el("li", {}, `${VERDICT_NAMES[c.verdict]} — ${c.text}`))) : null);
}

function renderReveal() {
  const card = $("#reveal-card");
  card.classList.toggle("hidden", !state.reveal);
  if (!state.reveal) return;
  const w = state.workshop;
  $("#presenting").textContent = state.presenting ? `The facilitator is presenting ${departmentName(state.presenting)}'s deliverables.` : "";
  const sections = w.departments.map((d) => {
    const items = state.reveal.filter((i) => i.department === d);
    return el("section", {}, el("h3", {}, `${departmentName(d)} wrote`),
      el("ul", { class: "items" }, items.map((i) => el("li", {},
        el("span", { class: "tag" }, i.kind === "outmodel" ? "Outmodel" : "Requirement"),
        el("span", { class: "tag" }, `about ${departmentName(i.target)}`), el("span", { class: "tag" }, `${i.votes} votes`),
        el("div", { class: "item-text" }, i.text), tallyText(i.id),
        w.phase === "reactions" && i.target === state.you.department ? reactionForm(i) : null))));
  });
  replace($("#reveal"), sections);
}

function renderAgreement() {
  const card = $("#agreement-card");
  card.classList.toggle("hidden", !state.draft);
  if (!state.draft) return;
  const canVote = state.workshop.phase === "agreement" && !state.workshop.ended;
  replace($("#agreement"), state.draft.map((c) => {
    const t = state.tallies.get(c.id);
    const mine = state.myEndorsements.get(c.id);
    return el("div", { class: "clause" }, el("h3", {}, c.section.replaceAll("_", " ")), el("div", { class: "item-text" }, c.text),
      t ? el("p", { class: t.endorsed ? "endorsed" : "muted" }, (t.endorsed ? "Endorsed · " : "") +
        t.departments.map((r) => `${departmentName(r.department)} ${r.support}/${r.members}`).join(" · ")) : null,
      c.votable && canVote ? el("div", { class: "row" },
        el("button", { type: "button", class: "secondary", "aria-pressed": String(mine === true), onclick: () => act({ type: "endorse", clause: c.id, support: true }) }, "Support"),
        el("button", { type: "button", class: "secondary", "aria-pressed": String(mine === false), onclick: () => act({ type: "endorse", clause: c.id, support: false }) }, "Oppose")) : null);
  }));
}

function renderPresence() {
  const p = state.presence;
  if (!p) return;
  replace($("#presence"), el("ul", {}, p.departments.map((d) => el("li", {},
    `${departmentName(d.department)}: ${d.online} online of ${d.members}`,
    d.people ? el("ul", {}, d.people.map((x) => el("li", {}, `${x.name}${x.online ? "" : " (away)"}`))) : null))));
}

async function act(message) {
  showError("");
  const reply = await connection.send(message);
  if (reply.type === "error") showError(reply.message);
  return reply;
}

// ---- wiring -------------------------------------------------------------------

function start(token) {
  connection = new Connection({ token, onFrame, onStatus: setStatus });
  connection.open();
}

$("#compose").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = $("#compose-text").value.trim();
  if (!text) { showError("Write something first."); return; }
  const kind = composeKind();
  const others = state.workshop.departments.filter((d) => d !== state.you.department);
  const target = others.length > 1 ? $("#compose-target").value : others[0];
  $("#send").disabled = true;
  const reply = await act({ type: "submit", kind, text, target });
  $("#send").disabled = false;
  if (reply.type === "ack") clearDraft();
  $("#compose-text").focus();
});
$("#compose-text").addEventListener("input", () => { if (draftKey()) localStorage.setItem(draftKey(), $("#compose-text").value); });
$("#compose-target").addEventListener("change", renderCompose);
$("#next-question").addEventListener("click", () => act({ type: "next_prompt" }));
$("#ready").addEventListener("click", () => act({ type: "ready" }));
$("#approve").addEventListener("click", () => act({ type: "approve", on: !state.myApproval }));
setInterval(renderTimer, 1000);

const saved = codeParam ? localStorage.getItem(seatKey(codeParam)) : null;
if (saved) {
  start(JSON.parse(saved).token);
} else {
  start(null);
  prepareJoin();
}
