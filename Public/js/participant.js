// The participant page: join with a code, then one chat with the facilitator bot and the
// department's items; after the reveal, participant-room.js draws the board, reactions and agreement.
import { Connection } from "./connection.js";
import { $, el, replace, showStatus, PHASE_NAMES, departmentName, formatRemaining } from "./dom.js";
import { patch, trackDirty } from "./morph.js";
import { applyFrame, initialState, approvalText, plural, botLines } from "./reducer.js";
import { dragAndDrop, dragHandle } from "./drag.js";
import { renderRoom } from "./participant-room.js";

const params = new URLSearchParams(location.search);
const codeParam = (params.get("code") || "").toUpperCase();
const departmentParam = params.get("department") || "";
const seatKey = (code) => `detente.seat.${code}`;

let state = initialState();
/// What only this page knows: which of the participant's items have an open edit form.
const ui = { editing: new Set() };

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
  if (f.type === "welcome" && f.role !== "participant") return;
  if (f.type === "seat_taken") { seatTaken(); return; }
  if (f.type === "error") {
    if (f.code === "unauthorised" && !state.you) {
      // The seat is gone (workshop purged or token wrong): offer to join again.
      localStorage.removeItem(seatKey(codeParam));
      prepareJoin();
    } else showError(f.message);
    return;
  }
  if (f.type === "item" && f.item.mine && state.workshop && !state.items[f.item.id]) rememberChatPosition(f.item.id);
  const next = applyFrame(state, f.type === "welcome" ? { ...f, my_chat_positions: chatPositions(f.workshop.id) } : f);
  if (next === state) return;
  state = next;
  if (f.type === "welcome") onWelcome();
  if (f.type === "item_removed") ui.editing.delete(f.id);
  render();
}

// Where one's own answers sat in the chat, kept in this browser only (the server keeps no order).
const positionsKey = (workshop) => `detente.chat.${workshop}`;

function chatPositions(workshop) {
  try { return JSON.parse(localStorage.getItem(positionsKey(workshop)) || "{}"); } catch { return {}; }
}

function rememberChatPosition(itemID) {
  const positions = chatPositions(state.workshop.id);
  positions[itemID] = botLines(state);
  localStorage.setItem(positionsKey(state.workshop.id), JSON.stringify(positions));
}

function onWelcome() {
  $("#join-card").classList.add("hidden");
  $("#workshop").classList.remove("hidden");
  // A draft sent just before a drop may have arrived: if it is among our items, clear it.
  const draft = $("#compose-text").value.trim();
  if (draft && Object.values(state.items).some((i) => i.mine && i.text === draft)) clearDraft();
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
  renderProgress();
  renderItems();
  renderRoom(state, { act, showError });
  renderPresence();
  const ready = $("#ready");
  ready.classList.toggle("hidden", !state.readyCheck);
  ready.disabled = state.myReady;
  ready.textContent = state.myReady ? "Ready ✓" : "I'm ready";
  const approve = $("#approve");
  approve.classList.toggle("hidden", w.phase !== "review");
  approve.setAttribute("aria-pressed", String(state.myApproval));
  approve.textContent = state.myApproval ? "Approved — press to withdraw approval" : "Approve our set for release";
  $("#approval").textContent = w.phase === "review" ? approvalText(state.approval) : "";
  $("#workshop").dataset.phase = w.phase;
  $("#checkin-card").classList.toggle("hidden", !["lobby", "check_in"].includes(w.phase));
}

function renderTimer() {
  $("#timer").textContent = state.timer ? `⏱ ${formatRemaining(state.timer)}` : "";
}

function renderChat() {
  const chat = $("#chat");
  const atBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 40;
  const before = chat.childElementCount;
  patch(chat, state.chat.map((line, i) => el("li", { class: line.who === "me" ? "me" : "", "data-key": `${i}:${line.who}` },
    el("span", { class: "who" }, line.who === "me" ? "You" : "Facilitator bot"), line.text)));
  if (atBottom || chat.childElementCount !== before) chat.scrollTop = chat.scrollHeight;
  renderQuestion();
}

function targets() {
  return state.workshop.departments.filter((d) => d !== state.you.department);
}

function chosenTarget() {
  const others = targets();
  return others.length > 1 ? ($("#compose-target").value || state.you.target) : others[0];
}

function renderCompose() {
  const w = state.workshop;
  const kind = composeKind();
  const form = $("#compose");
  form.classList.toggle("hidden", !kind || w.ended);
  if (!kind) return;
  const others = targets();
  const target = $("#compose-target");
  const showTarget = others.length > 1;
  target.classList.toggle("hidden", !showTarget);
  $("#compose-target-label").classList.toggle("hidden", !showTarget);
  if (target.options.length !== others.length) {
    // The bot's guided questions are about the department's default target: start there.
    replace(target, others.map((d) => el("option", { value: d, selected: d === state.you.target }, departmentName(d))));
  }
  const about = departmentName(chosenTarget());
  $("#compose-label").textContent = { outmodel: `How does ${about} do things around here to succeed?`,
    requirement: `What do you require of ${about}? (one per message)`, offer: `What can your department offer ${about} in return?` }[kind];
  $("#compose-hint").textContent = kind === "outmodel" && state.prompt ? `Question ${Math.min(state.prompt.index + 1, state.prompt.count)} of ${state.prompt.count} · about ${about}` : "";
  renderQuestion();
  $("#next-question").classList.toggle("hidden", kind !== "outmodel" || (state.prompt && state.prompt.index >= state.prompt.count));
  const text = $("#compose-text");
  if (!text.value && draftKey() && document.activeElement !== text) text.value = localStorage.getItem(draftKey()) || "";
}

/// The guided question, about the department the compose box is set to: the server words it for
/// the default target, so another choice is named in its place.
function renderQuestion() {
  const question = state.workshop.phase === "outmodel" && state.prompt && state.prompt.question;
  const chosen = question && targets().length > 1 ? chosenTarget() : null;
  $("#question").textContent = !question ? "" : chosen && chosen !== state.you.target
    ? question.replaceAll(departmentName(state.you.target), departmentName(chosen)) : question;
}

/// "4 of 6 in Dev have written" while the department writes and reviews.
function renderProgress() {
  const p = state.departmentProgress;
  const w = state.workshop;
  const show = p && ["outmodel", "requirements", "review"].includes(w.phase);
  $("#department-progress").textContent = show ? `${p.contributors} of ${p.members} in ${departmentName(p.department)} have written` : "";
  $("#sealed-note").classList.toggle("hidden", !!state.reveal);
}

function itemNode(item) {
  const w = state.workshop;
  const sealed = ["outmodel", "requirements", "review"].includes(w.phase);
  const editable = item.mine && (sealed || (item.kind === "offer" && w.phase === "reactions"));
  const editing = ui.editing.has(item.id) && editable;
  const mergeable = w.phase === "review" && !editing;
  const li = el("li", { class: `kind-${item.kind}${item.mine ? " mine" : ""}`, "data-key": item.id,
    "data-kind": item.kind, "data-target": item.target },
    mergeable ? dragHandle(el, "Drag onto a duplicate to merge them") : null,
    el("span", { class: "tag" }, item.kind === "outmodel" ? "Outmodel" : item.kind === "requirement" ? "Requirement" : "Offer"),
    el("span", { class: "tag" }, `about ${departmentName(item.target)}`),
    item.mine ? el("span", { class: "tag" }, "yours") : null,
    editing ? editForm(item) : el("div", { class: "item-text" }, item.text));
  if (editing) { /* the form replaces the text and its preview until saved or cancelled */ } else if (item.mine && item.anonymised !== item.text) {
    li.append(el("div", { class: "preview" }, el("strong", {}, "Others will see: "), item.anonymised,
      el("ul", {}, item.replacements.map((r) => el("li", {}, `“${r.original}” → ${r.placeholder} (${r.rule})`)))));
  } else if (item.mine) {
    li.append(el("div", { class: "preview muted" }, "Others will see it exactly as written: nothing identifying was found."));
  }
  const row = el("div", { class: "row" });
  if (w.phase === "review") {
    const voted = state.myVotes.includes(item.id);
    row.append(el("button", { type: "button", class: "secondary vote", "aria-pressed": String(voted),
      "aria-label": `${voted ? "Remove vote from" : "Vote for"}: ${item.text.slice(0, 60)}`,
      disabled: !voted && state.votesRemaining <= 0, onclick: () => act({ type: "vote", id: item.id, on: !voted }) },
    `${voted ? "★" : "☆"} ${plural(item.votes, "vote")}`));
    const others = Object.values(state.items).filter((o) => o.id !== item.id && o.kind === item.kind && o.target === item.target);
    if (others.length) {
      const select = el("select", { "aria-label": "Merge a duplicate into this item", "data-track-ignore": "1",
        onchange: (e) => { if (e.target.value) act({ type: "merge", kept: item.id, absorbed: e.target.value }); } },
      el("option", { value: "" }, "Merge a duplicate into this…"), others.map((o) => el("option", { value: o.id }, o.text.slice(0, 70))));
      row.append(select);
    }
  }
  if (editable && !editing) {
    row.append(el("button", { type: "button", class: "secondary", "aria-label": `Edit: ${item.text.slice(0, 60)}`, onclick: () => startEdit(item.id) }, "Edit"),
      el("button", { type: "button", class: "secondary", onclick: () => act({ type: "withdraw", id: item.id }) }, "Withdraw"));
  }
  if (row.childElementCount) li.append(row);
  return li;
}

function startEdit(id) {
  ui.editing.add(id);
  render();
  const area = document.getElementById(`edit-${id}`);
  if (area) area.focus();
}

function editForm(item) {
  const id = `edit-${item.id}`;
  return el("form", { class: "edit-form", onsubmit: async (e) => {
    e.preventDefault();
    const reply = await act({ type: "edit", id: item.id, text: e.target.querySelector("textarea").value });
    if (reply.type === "ack") { ui.editing.delete(item.id); render(); }
  } },
  el("label", { for: id }, "Edit your item"), el("textarea", { id, maxlength: 2000, value: item.text }),
  el("div", { class: "row" }, el("button", { type: "submit" }, "Save"),
    el("button", { type: "button", class: "secondary", onclick: () => { ui.editing.delete(item.id); render(); } }, "Cancel")));
}

function renderItems() {
  const items = Object.values(state.items).sort((a, b) => (a.id < b.id ? -1 : 1));
  patch($("#items"), items.length ? items.map(itemNode) : [el("li", { class: "muted", "data-key": "empty" }, "Nothing yet.")]);
  $("#votes-left").textContent = state.workshop.phase === "review" ? `You have ${state.votesRemaining} of 3 votes left.` : "";
}

function renderPresence() {
  const p = state.presence;
  if (!p) return;
  patch($("#presence"), el("ul", {}, p.departments.map((d) => el("li", { "data-key": d.department },
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
  const target = chosenTarget();
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
trackDirty($("#workshop"));
// Review: drop an item on a duplicate (same kind, same target) to merge it in; the menu on each
// item does the same from the keyboard.
dragAndDrop($("#items"), {
  source: "li[data-kind]", target: "li[data-kind]",
  accepts: (from, to) => from.dataset.kind === to.dataset.kind && from.dataset.target === to.dataset.target,
  drop: (from, to) => act({ type: "merge", kept: to.dataset.key, absorbed: from.dataset.key }),
});

const saved = codeParam ? localStorage.getItem(seatKey(codeParam)) : null;
if (saved) {
  start(JSON.parse(saved).token);
} else {
  start(null);
  prepareJoin();
}
