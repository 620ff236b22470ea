// goto out of an __atomic block ends the block (one step), goto into one is an error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run } from "./helpers.js";

test("goto leaving __atomic: the decision and the write are one step, the jump ends the block", () => {
  const r = run(`C goto-out
{ x = 0; y = 0; }
P0(int *x, int *y)
{
L0:	__atomic { if (READ_ONCE(*x) == 0) { WRITE_ONCE(*y, 1); goto L0; } }
	WRITE_ONCE(*x, 2);
}
P1(int *x) { WRITE_ONCE(*x, 1); }
exists (x=2 /\\ y=1)
`);
  assert.equal(r.verdict, "pass");
  // P0 ends only after seeing x = 1, then writes 2; y = 1 only if it spun at least once.
  assert.equal(r.observation?.result, "Sometimes");
  assert.equal(r.stats.states, 8);
});

test("goto into an __atomic block is an error at the goto", () => {
  const r = run(`C goto-in
{ x = 0; }
P0(int *x)
{
	goto L1;
	__atomic { L1: WRITE_ONCE(*x, 1); }
}
`);
  assert.equal(r.verdict, "error");
  assert.equal(r.error?.line, 5);
  assert.match(r.error!.message, /goto into an __atomic block/);
});
