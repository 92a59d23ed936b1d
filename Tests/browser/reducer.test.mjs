// The pages' one state model, without a browser: `node --test Tests/browser/reducer.test.mjs`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyFrame, initialState, approvalText, plural, owedReactions, endorsementBars, interleave, botLines } from "../../Public/js/reducer.js";

const participantWelcome = {
  type: "welcome", role: "participant",
  workshop: { id: "w_1", title: "T", departments: ["dev", "ops", "dba"], phase: "outmodel", code: "ABC", joining_locked: false, ended: false },
  timer: null, you: { participant: "p_1", department: "dev", target: "ops", delegate: false },
  items: [{ id: "i_b", mine: false, text: "theirs", votes: 0 }, { id: "i_a", mine: true, text: "mine", votes: 1 }],
  my_votes: { items: [], remaining: 3 }, approval: { department: "dev", approvals: 0, members: 1, approved: false }, my_approval: false,
  prompt: { index: 0, count: 6 }, my_reactions: [], my_endorsements: [], my_ready: false, ready_check: false,
  presence: { departments: [] }, chat: ["Welcome", "Question?"],
};

const welcomed = () => applyFrame(initialState(), participantWelcome);

test("a welcome replaces everything and puts own answers after the bot's lines", () => {
  const s = welcomed();
  assert.equal(s.workshop.phase, "outmodel");
  assert.deepEqual(Object.keys(s.items).sort(), ["i_a", "i_b"]);
  assert.deepEqual(s.chat.map((l) => l.who), ["bot", "bot", "me"]);
});

test("applyFrame never mutates the state it is given", () => {
  const s = welcomed();
  const frozen = JSON.stringify(s);
  const frames = [
    { type: "votes", id: "i_a", votes: 2 }, { type: "item", item: { id: "i_c", mine: true, text: "new" } },
    { type: "item_removed", id: "i_b" }, { type: "approval", department: "dev", approvals: 1, members: 2, approved: false },
    { type: "phase", phase: "review", timer: null }, { type: "bot", text: "hi" },
  ];
  let t = s;
  for (const f of frames) t = applyFrame(t, f);
  assert.equal(JSON.stringify(s), frozen);
  assert.equal(t.items.i_a.votes, 2);
  assert.equal(t.items.i_b, undefined);
  assert.equal(t.workshop.phase, "review");
});

test("unknown frames and frames before the welcome return the same state object", () => {
  const s = welcomed();
  assert.equal(applyFrame(s, { type: "no_such_frame" }), s);
  const empty = initialState();
  assert.equal(applyFrame(empty, { type: "votes", id: "x", votes: 1 }), empty);
});

test("a new own item joins the chat once; an edit of it does not repeat it", () => {
  let s = welcomed();
  s = applyFrame(s, { type: "item", item: { id: "i_c", mine: true, text: "first" } });
  s = applyFrame(s, { type: "item", item: { id: "i_c", mine: true, text: "first, edited" } });
  s = applyFrame(s, { type: "item", item: { id: "i_d", mine: false, text: "a colleague's" } });
  assert.deepEqual(s.chat.filter((l) => l.who === "me").map((l) => l.text), ["mine", "first"]);
  assert.equal(s.items.i_c.text, "first, edited");
});

test("approval counts follow the latest frame, so a colleague joining later updates earlier joiners", () => {
  let s = welcomed();
  assert.equal(approvalText(s.approval), "0 of 1 in your department approved.");
  s = applyFrame(s, { type: "approval", department: "dev", approvals: 1, members: 2, approved: false });
  assert.equal(approvalText(s.approval), "1 of 2 in your department approved.");
});

test("plural says 1 vote and 2 votes", () => {
  assert.equal(plural(1, "vote"), "1 vote");
  assert.equal(plural(0, "vote"), "0 votes");
  assert.equal(plural(2, "vote"), "2 votes");
});

test("owed reactions are the revealed items about us without our reaction", () => {
  let s = applyFrame(welcomed(), { type: "reveal", items: [
    { id: "r1", target: "dev" }, { id: "r2", target: "dev" }, { id: "r3", target: "ops" }] });
  s = applyFrame(s, { type: "my_reaction", id: "r1", verdict: "accurate", comment: "" });
  assert.deepEqual(owedReactions(s, "dev").map((i) => i.id), ["r2"]);
});

test("focus, assignments and tallies land where the projector reads them; hiding the focused item clears focus", () => {
  let s = applyFrame(welcomed(), { type: "reveal", items: [{ id: "r1", target: "dev" }] });
  s = applyFrame(s, { type: "focus", id: "r1" });
  assert.equal(s.focus, "r1");
  s = applyFrame(s, { type: "draft", clauses: [{ id: "c1" }], tallies: [], assignments: [{ clause: "c1", owner: "ops", due: "2026-12-31" }] });
  assert.equal(s.assignments.c1.due, "2026-12-31");
  s = applyFrame(s, { type: "assignment", clause: "c1", owner: null, due: null });
  assert.equal(s.assignments.c1.owner, null);
  s = applyFrame(s, { type: "tally", clause: "c1", departments: [{ department: "dev", support: 1, oppose: 0, members: 2 }], endorsed: false });
  assert.deepEqual(endorsementBars(s.tallies.c1, ["dev", "ops"]).map((b) => b.share), [0.5, 0]);
  s = applyFrame(s, { type: "item_removed", id: "r1", hidden: true });
  assert.equal(s.focus, null);
});

test("a facilitator welcome is ignored by a page already showing a participant", () => {
  const s = welcomed();
  assert.equal(applyFrame(s, { ...participantWelcome, role: "facilitator" }), s);
});

test("own answers go back where they were in the chat; unknown ones follow the bot's lines", () => {
  const chat = interleave(["q1", "reply", "q2", "reply 2"], [{ id: "b", text: "B" }, { id: "a", text: "A" }, { id: "c", text: "C" }], { a: 1, b: 3 });
  assert.deepEqual(chat.map((l) => l.text), ["q1", "A", "reply", "q2", "B", "reply 2", "C"]);
  const s = applyFrame(initialState(), { ...participantWelcome, my_chat_positions: { i_a: 1 } });
  assert.deepEqual(s.chat.map((l) => l.text), ["Welcome", "mine", "Question?"]);
  assert.equal(botLines(s), 2);
});
