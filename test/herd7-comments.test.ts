// herd7 accepts (* comments *) anywhere outside C bodies, e.g. after the final condition
// (the kernel's tools/memory-model/litmus-tests write `exists (...) (* Bad outcome. *)`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run } from "./helpers.js";

test("(* comments *) after the final condition and the locations line", () => {
  const r = run(`C MP+comments
(* Result: Never *)
{}
(* between the init block and the processes *)
P0(int *x, int *y) { WRITE_ONCE(*x, 1); WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { int r0 = READ_ONCE(*y); int r1 = READ_ONCE(*x); }
locations [x; y] (* Debug aid *)
exists (1:r0=1 /\\ 1:r1=0) (* Bad outcome. *)
`);
  assert.equal(r.verdict, "pass");
  assert.equal(r.observation?.result, "Never");
});

test("inside a C body (*p) is a dereference, not a comment", () => {
  const r = run(`C deref
{ x = 1; }
P0(int *x) { int r0 = (*x); (*x)++; }
exists (0:r0=1 /\\ x=2)
`);
  assert.equal(r.observation?.result, "Always");
});

test("an unterminated (* comment is an error at its start", () => {
  const r = run(`C bad
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
exists (x=1) (* no end
`);
  assert.equal(r.verdict, "error");
  assert.equal(r.error?.line, 4);
  assert.equal(r.error?.col, 14);
});
