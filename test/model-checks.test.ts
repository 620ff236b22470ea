// Model-level checks (docs/format.md, Checks): each with its kind, a clear message and a
// position. Calling an undefined function (an error at the call), unlocking a lock the process
// does not hold, ending while holding a lock, a double put_page through the kernel model; and the
// documented semantics of local overflow (wraps at the declared width) and uninitialised locals (0).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { CheckResult } from "../src/check.js";
import { run } from "./helpers.js";

function violation(r: CheckResult, kind: string, message: RegExp, proc: string): CheckResult {
  assert.equal(r.verdict, "violation", r.error?.formatted ?? JSON.stringify(r.incomplete));
  assert.equal(r.violation!.kind, kind);
  assert.match(r.violation!.message, message);
  assert.equal(r.violation!.process, proc);
  return r;
}

describe("model-level checks", () => {
  test("calling an undefined function: error at the call", () => {
    const r = run("C e\n{}\nP0(int *x) {\n\tWRITE_ONCE(*x, 1);\n\tfrob(x);\n}\n");
    assert.equal(r.verdict, "error");
    assert.match(r.error!.message, /undefined function 'frob'/);
    assert.deepEqual([r.error!.line, r.error!.col], [5, 2]);
    assert.match(r.error!.formatted, /^test\.litmus:5:2: error: .*\n.*frob\(x\);\n \^$/);
  });

  test("unlocking a lock the process does not hold: bug", () => {
    const r = violation(run("C e\n{ spinlock_t s; }\nP0(spinlock_t *s) { spin_lock(s); spin_unlock(s); }\nP1(spinlock_t *s) {\n\tspin_unlock(s);\n}\n"), "bug", /^P1 unlocks s, which it does not hold$/, "P1");
    assert.equal(r.violation!.trace.violationSite?.line, 5);
  });

  test("a lock held at process exit: bug naming the lock and the process", () => {
    const r = violation(
      run("C e\n{ spinlock_t s; int x; }\nP0(spinlock_t *s, int *x) {\n\tspin_lock(s);\n\tWRITE_ONCE(*x, 1);\n}\nP1(int *x) { WRITE_ONCE(*x, 2); }\n"),
      "bug",
      /^P0 ends holding s$/,
      "P0",
    );
    // The acquire joins the store after it (merged lock operations): one step, both shown.
    assert.deepEqual(
      r.violation!.trace.steps.map((s) => [s.proc, s.site.text, (s.then ?? []).map((t) => t.text)]),
      [[0, "spin_lock(s)", ["WRITE_ONCE(*x, 1)"]]],
    );
  });

  test("a lock held at exit on one path only (forgotten unlock in an error branch)", () => {
    violation(
      run(`C e
{ struct mutex m; int x; }
P0(struct mutex *m, int *x) {
	mutex_lock(m);
	if (READ_ONCE(*x) == 1)
		return;
	mutex_unlock(m);
}
P1(int *x) { WRITE_ONCE(*x, 1); }
`),
      "bug",
      /^P0 ends holding m(\.__lock)?$/,
      "P0",
    );
  });

  test("a lock in a struct field, released on every path: pass", () => {
    const r = run(`C e
{ struct obj o; }
struct obj { spinlock_t lock; int v; };
P0(struct obj *o) { int ok = spin_trylock(&o->lock); if (ok) { o->v = 1; spin_unlock(&o->lock); } }
P1(struct obj *o) { spin_lock(&o->lock); o->v = 2; spin_unlock(&o->lock); }
`);
    assert.equal(r.verdict, "pass", r.error?.formatted ?? r.violation?.message);
  });

  test("a lock in a struct field held at exit names the field", () => {
    violation(run("C e\n{ struct obj o; }\nstruct obj { spinlock_t lock; };\nP0(struct obj *o) { spin_lock(&o->lock); }\n"), "bug", /^P0 ends holding o\.lock$/, "P0");
  });

  test("a field read through a NULL pointer is a NULL pointer dereference, under SC and lkmm", () => {
    // The field's address is not 0 + its offset (which is some other cell's address).
    const src = `C e
{ struct node a; struct node b = { .next = &a }; int x; }
struct node { struct node *next; int val; };
P0(struct node *b, int *x) {
	struct node *n = READ_ONCE(b->next);
	struct node *m = READ_ONCE(n->next);
	int r = READ_ONCE(m->val);
}
P1(int *x) { WRITE_ONCE(*x, 1); }
`;
    violation(run(src), "bug", /^NULL pointer dereference$/, "P0");
    const lk = run(src, { model: "lkmm" });
    assert.equal(lk.verdict, "violation", JSON.stringify(lk.incomplete));
    assert.equal(lk.violation!.message, "NULL pointer dereference");
  });

  test("double free through the kernel model: the second put_page is a use-after-free", () => {
    const r = run(`C e
(* Kernel: v5.7 *)
#include <linux/mm.h>
{ struct page page = { ._refcount = 1 }; }
P0(struct page *page) {
	put_page(page);
	put_page(page);
}
`);
    assert.equal(r.verdict, "violation", r.error?.formatted);
    assert.equal(r.violation!.kind, "use-after-free");
  });

  test("a declared-width local wraps silently (u8 255 + 1 == 0, int overflow wraps)", () => {
    const r = run(`C e
{ x = 0; }
P0(int *x) {
	u8 a = 255;
	int b = 2147483647;
	a = a + 1;
	b = b + 1;
	WRITE_ONCE(*x, 1);
}
exists (0:a=0 /\\ 0:b=-2147483648)
`);
    assert.equal(r.verdict, "pass", r.error?.formatted ?? r.violation?.message);
    assert.equal(r.observation!.result, "Always");
  });

  test("an initialiser may call a function whose body is one return (the kernel model's mk_pte)", () => {
    const src = `C e
{ int page; x = mk(&page, 3); y = pick(2, 7); }
#define SHIFT 4
static inline unsigned long pfn(int *p) { return (unsigned long)p; }
static inline unsigned long mk(int *p, unsigned long prot) { return (pfn(p) << SHIFT) | prot; }
static inline int pick(int a, int b) { return a > b ? a : b; }
P0(int *x, int *y, int *page) {
	int r = READ_ONCE(*x) == (((unsigned long)page << SHIFT) | 3);
	int s = READ_ONCE(*y);
}
exists (0:r=1 /\\ 0:s=7)
`;
    const r = run(src);
    assert.equal(r.verdict, "pass", r.error?.formatted ?? r.violation?.message);
    assert.equal(r.observation!.result, "Always");
  });

  test("an uninitialised local reads 0 (herd7's registers)", () => {
    const r = run("C e\n{ x = 5; }\nP0(int *x) {\n\tint r;\n\tint s = r + 1;\n\tWRITE_ONCE(*x, s);\n}\nexists (x=1 /\\ 0:s=1)\n");
    assert.equal(r.verdict, "pass", r.error?.formatted ?? r.violation?.message);
    assert.equal(r.observation!.result, "Always");
  });
});
