// The one state model of every live page (participant, facilitator console, projector view):
// `applyFrame(state, frame)` is pure — it never mutates `state`, touches no DOM and returns the
// same object when a frame changes nothing, so pages re-render only on change. It runs under
// `node --test` (Tests/browser/reducer.test.mjs).

/// The state before the first welcome.
export function initialState() {
  return {
    role: null, workshop: null, you: null, items: {}, myVotes: [], votesRemaining: 3, approval: null, myApproval: false,
    prompt: null, reveal: null, reactions: {}, myReactions: {}, draft: null, tallies: {}, assignments: {}, myEndorsements: {},
    chat: [], readyCheck: false, myReady: false, presence: null, timer: null, presenting: null, focus: null,
    progress: null, ready: null, notes: [], delegate: null, departmentProgress: null, lastError: null,
  };
}

const byKey = (list, key) => Object.fromEntries((list || []).map((x) => [x[key], x]));
const without = (object, key) => { const { [key]: _, ...rest } = object; return rest; };

function welcome(state, f) {
  const participant = f.role === "participant";
  return {
    ...initialState(),
    role: f.role, workshop: f.workshop, timer: f.timer, presence: f.presence, readyCheck: !!f.ready_check,
    chat: participant ? interleave(f.chat || [], f.items.filter((i) => i.mine), f.my_chat_positions || {}) : (f.chat || []).map((text) => ({ who: "bot", text })),
    you: participant ? f.you : null,
    items: participant ? byKey(f.items, "id") : {},
    myVotes: participant ? f.my_votes.items : [], votesRemaining: participant ? f.my_votes.remaining : 3,
    approval: participant ? f.approval : null, myApproval: participant ? f.my_approval : false,
    prompt: participant ? f.prompt : null,
    myReactions: participant ? byKey(f.my_reactions, "id") : {},
    myEndorsements: participant ? Object.fromEntries(f.my_endorsements.map((e) => [e.clause, e.support])) : {},
    myReady: participant ? f.my_ready : false,
    departmentProgress: f.department_progress || null,
    reveal: f.reveal ? f.reveal.items : null,
    reactions: byKey(f.reactions, "id"),
    presenting: f.presenting || null, focus: f.focus || null,
    draft: f.draft ? f.draft.clauses : null, suggestions: f.draft ? f.draft.suggestions || [] : [],
    tallies: byKey(f.draft ? f.draft.tallies : [], "clause"),
    assignments: byKey(f.draft ? f.draft.assignments : [], "clause"),
    progress: f.progress || null, ready: f.ready || null, notes: f.notes || [], delegate: f.delegate || null,
  };
}

/// The chat with one's own answers in it. The server keeps no order of them (ids are random by
/// design), so the page remembers after how many bot lines each answer came (`positions`, item id
/// → count); answers it does not know of follow the bot's lines.
export function interleave(lines, mine, positions) {
  const at = (i) => (Number.isInteger(positions[i.id]) ? Math.min(positions[i.id], lines.length) : lines.length);
  const sorted = [...mine].sort((a, b) => at(a) - at(b));
  const chat = [];
  let next = 0;
  lines.forEach((text, index) => {
    while (next < sorted.length && at(sorted[next]) === index) chat.push({ who: "me", text: sorted[next++].text });
    chat.push({ who: "bot", text });
  });
  while (next < sorted.length) chat.push({ who: "me", text: sorted[next++].text });
  return chat;
}

/// How many bot lines the chat holds: the position a new answer is remembered at.
export const botLines = (state) => state.chat.filter((l) => l.who === "bot").length;

/// A participant's own new item also appears in the chat thread, as their answer.
function item(state, f) {
  const isNew = !state.items[f.item.id];
  const chat = isNew && f.item.mine ? [...state.chat, { who: "me", text: f.item.text }] : state.chat;
  return { ...state, items: { ...state.items, [f.item.id]: f.item }, chat };
}

function itemRemoved(state, f) {
  return {
    ...state, items: without(state.items, f.id),
    reveal: state.reveal ? state.reveal.filter((i) => i.id !== f.id) : null,
    focus: state.focus === f.id ? null : state.focus,
  };
}

function draft(state, f) {
  return {
    ...state, draft: f.clauses, suggestions: f.suggestions || [],
    tallies: { ...state.tallies, ...byKey(f.tallies, "clause") },
    assignments: f.assignments ? byKey(f.assignments, "clause") : state.assignments,
  };
}

const HANDLERS = {
  welcome,
  error: (s, f) => ({ ...s, lastError: f }),
  phase: (s, f) => ({ ...s, workshop: { ...s.workshop, phase: f.phase, suggested_minutes: f.suggested_minutes ?? null }, timer: f.timer, readyCheck: false, myReady: false }),
  timer: (s, f) => ({ ...s, timer: f.timer }),
  bot: (s, f) => ({ ...s, chat: [...s.chat, { who: "bot", text: f.text }] }),
  item,
  item_removed: itemRemoved,
  votes: (s, f) => (s.items[f.id] ? { ...s, items: { ...s.items, [f.id]: { ...s.items[f.id], votes: f.votes } } } : s),
  my_votes: (s, f) => ({ ...s, myVotes: f.items, votesRemaining: f.remaining }),
  approval: (s, f) => ({ ...s, approval: f }),
  my_approval: (s, f) => ({ ...s, myApproval: f.approved }),
  department_progress: (s, f) => ({ ...s, departmentProgress: f }),
  prompt: (s, f) => ({ ...s, prompt: f }),
  reveal: (s, f) => ({ ...s, reveal: f.items }),
  presenting: (s, f) => ({ ...s, presenting: f.department }),
  focus: (s, f) => ({ ...s, focus: f.id }),
  reactions: (s, f) => ({ ...s, reactions: { ...s.reactions, [f.id]: f } }),
  my_reaction: (s, f) => ({ ...s, myReactions: { ...s.myReactions, [f.id]: f } }),
  draft,
  tally: (s, f) => ({ ...s, tallies: { ...s.tallies, [f.clause]: f } }),
  assignment: (s, f) => ({ ...s, assignments: { ...s.assignments, [f.clause]: f } }),
  my_endorsement: (s, f) => ({ ...s, myEndorsements: { ...s.myEndorsements, [f.clause]: f.support } }),
  ready_check: (s, f) => ({ ...s, readyCheck: f.open, myReady: false }),
  my_ready: (s) => ({ ...s, myReady: true }),
  ready: (s, f) => ({ ...s, ready: f }),
  presence: (s, f) => ({ ...s, presence: f }),
  progress: (s, f) => ({ ...s, progress: f }),
  joining: (s, f) => ({ ...s, workshop: { ...s.workshop, joining_locked: f.locked } }),
  role: (s, f) => ({ ...s, you: { ...s.you, delegate: f.delegate } }),
  delegate: (s, f) => ({ ...s, delegate: f.participant }),
  note: (s, f) => ({ ...s, notes: [...s.notes, f.text] }),
  ended: (s) => ({ ...s, workshop: { ...s.workshop, ended: true } }),
};

/// Folds one server frame into the state. Frames that need a workshop are ignored before the
/// welcome; unknown frame types return `state` itself.
export function applyFrame(state, frame) {
  const handler = frame && HANDLERS[frame.type];
  if (!handler) return state;
  if (frame.type !== "welcome" && frame.type !== "error" && !state.workshop) return state;
  if (frame.type === "welcome" && state.role && frame.role !== state.role) return state;
  return handler(state, frame);
}

// ---- derived values, shared by the pages ----------------------------------------------------

/// Approval text for a participant's department, always from the latest counts.
export function approvalText(approval) {
  if (!approval) return "";
  return `${approval.approvals} of ${approval.members} in your department approved${approval.approved ? " — released for the reveal." : "."}`;
}

/// "1 vote", "2 votes".
export const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/// Revealed items about `department` that `myReactions` has no answer for yet.
export function owedReactions(state, department) {
  return (state.reveal || []).filter((i) => i.target === department && !state.myReactions[i.id]);
}

/// Per-department support rows of a clause's tally, as fractions for bars.
export function endorsementBars(tally, departments) {
  return departments.map((d) => {
    const row = tally ? tally.departments.find((r) => r.department === d) : null;
    const members = row ? row.members : 0;
    return { department: d, support: row ? row.support : 0, oppose: row ? row.oppose : 0, members, share: members ? (row.support / members) : 0 };
  });
}
