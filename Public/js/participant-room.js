// The participant's view of the room after the reveal: what the room wrote (a board with a column
// per department), what is owed (reactions to items about us, first on a phone) and the
// agreement with endorsement and ownership. Rendered from the reducer's state by keyed patches.
import { $, el, VERDICT_NAMES, departmentName } from "./dom.js";
import { patch, clean } from "./morph.js";
import { plural, owedReactions } from "./reducer.js";

/// The state being rendered and the page's actions ({act, showError}), set by `renderRoom`.
let state = null;
let io = null;

export function renderRoom(current, actions) {
  state = current;
  io = actions;
  renderOwed();
  renderReveal();
  renderAgreement();
}

function reactionForm(item) {
  const mine = state.myReactions[item.id];
  const verdicts = item.kind === "outmodel" ? ["accurate", "partly", "wrong"] : ["accept", "conditional", "cannot"];
  const name = `verdict-${item.id}`;
  const commentId = `comment-${item.id}`;
  return el("form", { class: "no-print reaction-form", onsubmit: async (e) => {
    e.preventDefault();
    const form = e.target;
    const chosen = form.querySelector(`input[name="${name}"]:checked`);
    if (!chosen) { io.showError("Choose a reaction first."); return; }
    const reply = await io.act({ type: "react", id: item.id, verdict: chosen.value, comment: form.querySelector(`#${commentId}`).value });
    if (reply.type === "ack") clean(form);
  } },
  el("fieldset", {}, el("legend", {}, item.kind === "outmodel" ? "Is this accurate about us?" : "Can we do this?"),
    verdicts.map((v) => el("label", {}, el("input", { type: "radio", name, value: v, checked: !!mine && mine.verdict === v }), " ", VERDICT_NAMES[v]))),
  el("label", { for: commentId }, item.kind === "outmodel" ? "Why?" : "Comment or condition"),
  el("input", { type: "text", id: commentId, maxlength: 2000, value: mine ? mine.comment : "" }),
  el("div", { class: "row" }, el("button", { type: "submit" }, mine ? "Update reaction" : "Save reaction")));
}

function tallyText(id) {
  const t = state.reactions[id];
  if (!t) return null;
  const counts = Object.entries(t.counts).map(([v, n]) => `${VERDICT_NAMES[v]}: ${n}`).join(", ");
  return el("div", { class: "muted" }, counts, t.comments.length ? el("ul", {}, t.comments.map((c) => el("li", {}, `${VERDICT_NAMES[c.verdict]} — ${c.text}`))) : null);
}

function revealedNode(i, withForm) {
  return el("li", { "data-key": i.id, class: `kind-${i.kind}${state.focus === i.id ? " focused" : ""}` },
    el("span", { class: "tag" }, i.kind === "outmodel" ? "Outmodel" : "Requirement"),
    el("span", { class: "tag" }, `about ${departmentName(i.target)}`), el("span", { class: "tag" }, plural(i.votes, "vote")),
    el("div", { class: "item-text" }, i.text), tallyText(i.id), withForm ? reactionForm(i) : null);
}

/// In the reactions phase, what the room wrote about us comes first: that is what we owe.
function renderOwed() {
  const card = $("#owed-card");
  const show = state.workshop.phase === "reactions" && !!state.reveal;
  card.classList.toggle("hidden", !show);
  if (!show) return;
  const mine = state.you.department;
  const about = state.reveal.filter((i) => i.target === mine);
  const owed = owedReactions(state, mine).length;
  $("#owed-count").textContent = owed ? `${plural(owed, "item")} still waiting for your reaction.` : "You have reacted to everything about your department.";
  patch($("#owed"), about.map((i) => revealedNode(i, true)));
}

function renderReveal() {
  const card = $("#reveal-card");
  card.classList.toggle("hidden", !state.reveal);
  if (!state.reveal) return;
  const w = state.workshop;
  const focused = state.focus && state.reveal.find((i) => i.id === state.focus);
  $("#presenting").textContent = focused ? `In focus: “${focused.text.slice(0, 120)}”`
    : state.presenting ? `The facilitator is presenting ${departmentName(state.presenting)}'s deliverables.` : "";
  const reacting = w.phase === "reactions";
  patch($("#reveal"), w.departments.map((d) => {
    const items = state.reveal.filter((i) => i.department === d && !(reacting && i.target === state.you.department));
    return el("section", { "data-key": d }, el("h3", {}, `${departmentName(d)} wrote`),
      el("ul", { class: "items" }, items.map((i) => revealedNode(i, false))));
  }));
}

function assignmentText(clauseID) {
  const a = state.assignments[clauseID];
  if (!a || (!a.owner && !a.due)) return null;
  return el("p", { class: "assignment" }, [a.owner ? `Owner: ${departmentName(a.owner)}` : null, a.due ? `Due: ${a.due}` : null].filter(Boolean).join(" · "));
}

/// A department proposes itself as the owner of a clause, with a due date; the facilitator can change it.
function ownForm(c) {
  const a = state.assignments[c.id] || {};
  const mine = state.you.department;
  if (a.owner && a.owner !== mine) return null;
  const dueId = `own-due-${c.id}`;
  return el("form", { class: "assign-form row", onsubmit: async (e) => {
    e.preventDefault();
    const form = e.target;
    const due = form.querySelector("input").value || null;
    const reply = await io.act({ type: "assign_clause", clause: c.id, owner: mine, due });
    if (reply.type === "ack") clean(form);
  } },
  el("label", { for: dueId }, `Propose ${departmentName(mine)} as owner, due`), el("input", { type: "date", id: dueId, value: a.due || "" }),
  el("button", { type: "submit", class: "secondary" }, a.owner === mine ? "Change our date" : "We'll own this"));
}

function renderAgreement() {
  const card = $("#agreement-card");
  card.classList.toggle("hidden", !state.draft);
  if (!state.draft) return;
  const canVote = state.workshop.phase === "agreement" && !state.workshop.ended;
  patch($("#agreement"), state.draft.map((c) => {
    const t = state.tallies[c.id];
    const mine = state.myEndorsements[c.id];
    return el("div", { class: "clause", "data-key": c.id }, el("h3", {}, c.section.replaceAll("_", " ")), el("div", { class: "item-text" }, c.text),
      assignmentText(c.id), c.votable && canVote ? ownForm(c) : null,
      t ? el("p", { class: t.endorsed ? "endorsed" : "muted" }, (t.endorsed ? "Endorsed · " : "") +
        t.departments.map((r) => `${departmentName(r.department)} ${r.support}/${r.members}`).join(" · ")) : null,
      c.votable && canVote ? el("div", { class: "row" },
        el("button", { type: "button", class: "secondary", "aria-pressed": String(mine === true), onclick: () => io.act({ type: "endorse", clause: c.id, support: true }) }, "Support"),
        el("button", { type: "button", class: "secondary", "aria-pressed": String(mine === false), onclick: () => io.act({ type: "endorse", clause: c.id, support: false }) }, "Oppose")) : null);
  }));
}

