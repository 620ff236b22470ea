// Known answers for liveness: starvation and non-progress cycles under each fairness.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkFile, checkSource } from "../src/check.js";
import { formatText } from "../src/report/text.js";

const F = "test/fixtures/";

test("a starvation-prone lock: P0 starves without fairness and with weak fairness, not with strong", () => {
  for (const [fairness, verdict] of [["none", "violation"], ["weak", "violation"], ["strong", "pass"]] as const) {
    const r = checkFile(F + "liveness-starvation-prone-lock.litmus", { fairness });
    assert.equal(r.verdict, verdict, fairness);
    if (verdict === "violation") {
      assert.equal(r.violation!.kind, "starvation");
      const t = r.violation!.trace;
      assert.equal(t.cycleStart, 0);
      // The cycle is P1 taking and releasing the lock for ever; P0 never moves.
      assert.deepEqual(t.steps.map((s) => s.procName), ["P1", "P1"]);
    }
  }
});

test("Peterson's lock is starvation-free under weak fairness, not without fairness", () => {
  assert.equal(checkFile(F + "liveness-peterson.litmus", { fairness: "weak" }).verdict, "pass");
  assert.equal(checkFile(F + "liveness-peterson.litmus", { fairness: "strong" }).verdict, "pass");
  const r = checkFile(F + "liveness-peterson.litmus", { fairness: "none" });
  assert.equal(r.violation?.kind, "starvation");
  assert.ok(r.violation!.trace.steps.every((s) => s.procName === "P1"));
});

test("a non-progress cycle: the reader never sees the writer's 1", () => {
  const r = checkFile(F + "liveness-nonprogress.litmus");
  assert.equal(r.violation?.kind, "livelock");
  assert.equal(r.liveness?.fairness, "weak");
  const text = formatText(r);
  assert.match(text, /cycle: steps 1\.\.3 repeat for ever/);
  assert.match(text, /partial-order and symmetry reduction are off/);
});

test("a loop that does progress is clean; blocking is not progress and not spinning", () => {
  // P0 blocks until P1 publishes, then makes progress; P1 loops publishing. A blocked
  // waiter is disabled, so weak fairness does not force it, but it is enabled for ever once
  // x = 1, so it must move: clean.
  const src = `C waits
{ x = 0; }
P0(int *x) { for (;;) { await(READ_ONCE(*x) == 1); PROGRESS(); } }
P1(int *x) { WRITE_ONCE(*x, 1); }
`;
  const r = checkSource(src, "waits.litmus");
  assert.equal(r.verdict, "pass");
  // Without P1's write, P0 is blocked for ever: that is a deadlock, not a livelock.
  const blocked = checkSource(src.replace("WRITE_ONCE(*x, 1);", "WRITE_ONCE(*x, 2);"), "blocked.litmus");
  assert.equal(blocked.violation?.kind, "deadlock");
});

test("a progress label (SPIN convention) counts as a progress point", () => {
  const src = `C label
{ x = 0; }
P0(int *x) { for (;;) { progress_loop: WRITE_ONCE(*x, 1); } }
`;
  assert.equal(checkSource(src, "label.litmus").verdict, "pass");
});

test("a process that reaches its goal and then ends is not starved", () => {
  const src = `C goal-then-end
{ x = 0; y = 0; }
P0(int *x, int *y) { WRITE_ONCE(*y, 1); GOAL(); }
P1(int *x) { for (;;) { WRITE_ONCE(*x, 1); } }
`;
  assert.equal(checkSource(src, "goal-then-end.litmus").verdict, "pass");
});
