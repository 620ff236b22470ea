import { test } from "node:test";
import assert from "node:assert/strict";
import { run } from "./helpers.js";

const MP = `C MP
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); smp_wmb(); WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { int r0 = READ_ONCE(*y); smp_rmb(); int r1 = READ_ONCE(*x); }
exists (1:r0=1 /\\ 1:r1=0)
`;

test("message passing is Never under SC", () => {
  const r = run(MP);
  assert.equal(r.verdict, "pass");
  assert.equal(r.observation?.result, "Never");
  assert.equal(r.observation?.negative, 3);
});
