// Known answers: classic concurrency patterns whose outcome under sequential consistency is
// textbook, plus exact state counts checked against an independent brute-force enumerator
// (test/bruteforce.ts) over hand-written transition systems.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { CheckOptions, CheckResult } from "../src/check.js";
import { run } from "./helpers.js";
import { BModel, BProc, StepFn, enumerate } from "./bruteforce.js";

/** No reduction (partial-order, symmetry, merged releases): the full interleaving graph, whose size the brute force counts. */
const FULL = { por: false, symmetry: false, mergeLocks: false } as Record<string, unknown> as CheckOptions;

function pass(r: CheckResult): CheckResult {
  assert.equal(r.verdict, "pass", r.error?.formatted ?? r.violation?.message ?? r.incomplete?.limit);
  return r;
}

function violation(r: CheckResult, kind: string): CheckResult {
  assert.equal(r.verdict, "violation", r.error?.formatted ?? `expected a ${kind} violation, got ${r.verdict}`);
  assert.equal(r.violation!.kind, kind, r.violation!.message);
  return r;
}

function observed(r: CheckResult, result: "Never" | "Sometimes" | "Always"): CheckResult {
  pass(r);
  assert.equal(r.observation?.result, result, JSON.stringify(r.finalStates));
  return r;
}

// ---------------------------------------------------------------------------------------
describe("classic patterns under SC", () => {
  test("store buffering (SB) is Never", () => {
    const r = run(`C SB
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); int r0 = READ_ONCE(*y); }
P1(int *x, int *y) { WRITE_ONCE(*y, 1); int r0 = READ_ONCE(*x); }
exists (0:r0=0 /\\ 1:r0=0)
`);
    observed(r, "Never");
    assert.equal(r.observation!.negative, 3); // (0,1) (1,0) (1,1)
  });

  test("message passing (MP) is Never, and its converse outcome is reachable", () => {
    const mp = (cond: string) => `C MP
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); smp_wmb(); WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { int r0 = READ_ONCE(*y); smp_rmb(); int r1 = READ_ONCE(*x); }
exists (${cond})
`;
    observed(run(mp("1:r0=1 /\\ 1:r1=0")), "Never");
    observed(run(mp("1:r0=0 /\\ 1:r1=1")), "Sometimes");
  });

  test("lost update with a plain read-modify-write is Sometimes", () => {
    const r = run(`C lost-update
{ int x = 0; }
P0(int *x) { *x = *x + 1; }
P1(int *x) { *x = *x + 1; }
exists (x=1)
`);
    observed(r, "Sometimes");
    assert.deepEqual(r.finalStates.map((f) => f.values.x).sort(), ["1", "2"]);
  });

  test("lost update with atomic_inc is Never", () => {
    const r = run(`C atomic-update
{ atomic_t x = ATOMIC_INIT(0); }
P0(atomic_t *x) { atomic_inc(x); }
P1(atomic_t *x) { atomic_inc(x); }
exists (x=1)
`);
    observed(r, "Never");
    assert.deepEqual(r.finalStates.map((f) => f.values.x), ["2"]);
  });

  test("a spinlock-protected counter is Always incremented twice", () => {
    const r = run(`C spinlock-counter
{ spinlock_t s; int x = 0; }
P0(spinlock_t *s, int *x) { spin_lock(s); int r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); spin_unlock(s); }
P1(spinlock_t *s, int *x) { spin_lock(s); int r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); spin_unlock(s); }
exists (x=2)
`);
    observed(r, "Always");
  });

  test("the same counter without the lock loses an update", () => {
    observed(
      run(`C no-lock-counter
{ int x = 0; }
P0(int *x) { int r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); }
P1(int *x) { int r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); }
exists (x=2)
`),
      "Sometimes",
    );
  });

  test("ABBA lock order deadlocks, with a shortest trace and both processes blocked", () => {
    const r = violation(
      run(`C ABBA
{ spinlock_t a; spinlock_t b; }
P0(spinlock_t *a, spinlock_t *b) { spin_lock(a); spin_lock(b); spin_unlock(b); spin_unlock(a); }
P1(spinlock_t *a, spinlock_t *b) { spin_lock(b); spin_lock(a); spin_unlock(a); spin_unlock(b); }
`),
      "deadlock",
    );
    assert.equal(r.violation!.trace.steps.length, 2);
    assert.deepEqual(r.violation!.trace.blocked.map((b) => b.proc).sort(), ["P0", "P1"]);
    assert.match(r.violation!.message, /P0, P1/);
  });

  test("the same locks taken in one order never deadlock", () => {
    pass(
      run(`C AB-AB
{ spinlock_t a; spinlock_t b; }
P0(spinlock_t *a, spinlock_t *b) { spin_lock(a); spin_lock(b); spin_unlock(b); spin_unlock(a); }
P1(spinlock_t *a, spinlock_t *b) { spin_lock(a); spin_lock(b); spin_unlock(b); spin_unlock(a); }
`),
    );
  });

  test("taking a spinlock the process already holds is a deadlock", () => {
    const r = violation(run(`C AA\n{ spinlock_t a; }\nP0(spinlock_t *a) { spin_lock(a); spin_lock(a); }\n`), "deadlock");
    assert.match(r.violation!.message, /already holds/);
  });

  test("spin_unlock of a lock not held is a bug", () => {
    violation(run(`C unlock\n{ spinlock_t a; }\nP0(spinlock_t *a) { spin_unlock(a); }\n`), "bug");
  });

  // (The winner unlocks: ending with a lock held is a bug.)
  test("spin_trylock: two contenders never both fail", () => {
    observed(
      run(`C trylock
{ spinlock_t a; }
P0(spinlock_t *a) { int ok = spin_trylock(a); if (ok) spin_unlock(a); }
P1(spinlock_t *a) { int ok = spin_trylock(a); if (ok) spin_unlock(a); }
exists (0:ok=0 /\\ 1:ok=0)
`),
      "Never",
    );
  });

  const peterson = (swapped: boolean) => {
    const entry = (me: number, other: number) =>
      swapped ? `WRITE_ONCE(*turn, ${other});\n\t\tWRITE_ONCE(*flag${me}, 1);` : `WRITE_ONCE(*flag${me}, 1);\n\t\tWRITE_ONCE(*turn, ${other});`;
    const proc = (me: number, other: number) => `P${me}(int *flag0, int *flag1, int *turn, atomic_t *cs)
{
	while (1) {
		${entry(me, other)}
		while (READ_ONCE(*flag${other}) && READ_ONCE(*turn) == ${other})
			;
		atomic_inc(cs);
		assert(atomic_read(cs) == 1);
		atomic_dec(cs);
		WRITE_ONCE(*flag${me}, 0);
	}
}
`;
    return `C peterson${swapped ? "-swapped" : ""}\n{}\n${proc(0, 1)}\n${proc(1, 0)}`;
  };

  test("Peterson's lock, looping forever, is clean (no deadlock, no assert)", () => {
    const r = pass(run(peterson(false)));
    assert.equal(r.observation, undefined);
    assert.ok(r.stats.states > 10);
  });

  test("Peterson's lock with the flag and turn writes swapped breaks mutual exclusion", () => {
    const r = violation(run(peterson(true)), "assert");
    assert.match(r.violation!.message, /atomic_read\(cs\) == 1/);
    // Both processes must be in the critical section: the trace has both atomic_inc steps.
    const incs = r.violation!.trace.steps.filter((s) => s.site.text.startsWith("atomic_inc"));
    assert.deepEqual(incs.map((s) => s.procName).sort(), ["P0", "P1"]);
  });

  test("a lock-free cmpxchg retry loop with goto again never loses an increment", () => {
    observed(
      run(`C cmpxchg-retry
{ int x = 0; }
P0(int *x)
{
	int old;
again:
	old = READ_ONCE(*x);
	if (cmpxchg(x, old, old + 1) != old)
		goto again;
}
P1(int *x)
{
	int old;
again:
	old = READ_ONCE(*x);
	if (cmpxchg(x, old, old + 1) != old)
		goto again;
}
exists (x=2)
`),
      "Always",
    );
  });
});

// ---------------------------------------------------------------------------------------
describe("RCU", () => {
  const deferredFree = (readerLocks: boolean, sync: boolean) => `C rcu-deferred-free
{}
P0(int *x, int *y)
{
	${readerLocks ? "rcu_read_lock();" : ""}
	int r0 = READ_ONCE(*x);
	int r1 = READ_ONCE(*y);
	${readerLocks ? "rcu_read_unlock();" : ""}
}
P1(int *x, int *y)
{
	WRITE_ONCE(*x, 1);
	${sync ? "synchronize_rcu();" : ""}
	WRITE_ONCE(*y, 1);
}
exists (0:r0=0 /\\ 0:r1=1)
`;

  test("synchronize_rcu waits for a pre-existing reader: RCU deferred free is Never", () => {
    observed(run(deferredFree(true, true)), "Never");
  });

  test("without synchronize_rcu, or without the read-side critical section, the reader can see both", () => {
    observed(run(deferredFree(true, false)), "Sometimes");
    observed(run(deferredFree(false, true)), "Sometimes");
  });

  test("a reader that starts after the grace period does not delay it", () => {
    // P1's grace period cannot wait for a reader that has not started, and P0 spins until
    // the grace period has ended: no deadlock, and P0 always sees y=1.
    observed(
      run(`C rcu-late-reader
{}
P0(int *x, int *y)
{
	while (READ_ONCE(*x) == 0)
		;
	rcu_read_lock();
	int r0 = READ_ONCE(*y);
	while (READ_ONCE(*y) == 0)
		;
	rcu_read_unlock();
}
P1(int *x, int *y)
{
	synchronize_rcu();
	WRITE_ONCE(*x, 1);
	synchronize_rcu();
	WRITE_ONCE(*y, 1);
}
exists (0:r0=0)
`),
      "Sometimes",
    );
  });

  test("synchronize_rcu inside the caller's own read-side critical section deadlocks", () => {
    violation(run(`C rcu-self\n{}\nP0(int *x) { rcu_read_lock(); synchronize_rcu(); rcu_read_unlock(); }\n`), "deadlock");
  });

  test("nested rcu_read_lock: the grace period waits for the outermost unlock", () => {
    observed(
      run(`C rcu-nested
{}
P0(int *x, int *y)
{
	rcu_read_lock();
	int r0 = READ_ONCE(*x);
	rcu_read_lock();
	rcu_read_unlock();
	int r1 = READ_ONCE(*y);
	rcu_read_unlock();
}
P1(int *x, int *y) { WRITE_ONCE(*x, 1); synchronize_rcu(); WRITE_ONCE(*y, 1); }
exists (0:r0=0 /\\ 0:r1=1)
`),
      "Never",
    );
  });

  test("rcu_read_unlock without rcu_read_lock is a bug", () => {
    violation(run(`C rcu-unbalanced\n{}\nP0(int *x) { rcu_read_unlock(); }\n`), "bug");
  });
});

// ---------------------------------------------------------------------------------------
describe("checks: WARN_ON, BUG_ON, assert", () => {
  const warnSrc = `C warn
{}
P0(int *x, int *y)
{
	if (WARN_ON(READ_ONCE(*x) == 1))
		WRITE_ONCE(*y, 1);
}
P1(int *x) { WRITE_ONCE(*x, 1); }
exists (y=1)
`;

  test("a WARN_ON that fires is a warn violation by default", () => {
    const r = violation(run(warnSrc), "warn");
    assert.equal(r.violation!.process, "P0");
    assert.equal(r.violation!.trace.steps.length, 2);
  });

  test("--warn=report: pass, the WARN listed with its trace, and WARN_ON returns its condition", () => {
    const r = pass(run(warnSrc, { warn: "report" }));
    assert.equal(r.warnings.length, 1);
    assert.equal(r.warnings[0].process, "P0");
    assert.match(r.warnings[0].message, /WARN_ON/);
    assert.equal(r.warnings[0].trace.steps.length, 2);
    // y=1 only when the WARN_ON fired (returned true), y=0 otherwise: both happen.
    assert.equal(r.observation?.result, "Sometimes");
  });

  test("WARN_ON returns false when its condition does not hold", () => {
    const r = pass(
      run(`C warn-false
{}
P0(int *y) { int w = WARN_ON(0); int v = WARN_ON_ONCE(5); if (!WARN_ON(w)) WRITE_ONCE(*y, 1); }
exists (y=1 /\\ 0:w=0 /\\ 0:v=1)
`, { warn: "report" }),
    );
    assert.equal(r.observation?.result, "Always");
    assert.equal(r.warnings.length, 1); // only WARN_ON_ONCE(5)
  });

  // The WARN fires, then the await blocks the rest of the atomic step. --warn=report used to
  // hold such a warning back and pin it on the next step that ran (here P1's, where x=1).
  test("a WARN before an await that blocks its atomic step is reported from that state, as --warn=violation does", () => {
    const src = `C warn-then-block
{}
P0(int *x, int *y) { __atomic { WARN_ON(READ_ONCE(*x) == 0); await(READ_ONCE(*y) == 1); } }
P1(int *x, int *y) { WRITE_ONCE(*x, 1); WRITE_ONCE(*y, 1); }
`;
    const v = violation(run(src), "warn");
    assert.deepEqual(v.violation!.trace.steps.map((s) => s.procName), ["P0"]);
    for (const opts of [{}, { por: false, symmetry: false }, { exact: true }]) {
      const r = pass(run(src, { warn: "report", ...opts }));
      assert.equal(r.warnings.length, 1);
      assert.deepEqual(r.warnings[0].trace.steps.map((s) => s.procName), ["P0"]);
    }
  });

  test("BUG_ON gives a violation of kind bug", () => {
    const r = violation(
      run(`C bug
{}
P0(int *x) { int r = READ_ONCE(*x); BUG_ON(r != 0); }
P1(int *x) { WRITE_ONCE(*x, 1); }
`),
      "bug",
    );
    assert.equal(r.violation!.process, "P0");
    assert.deepEqual(r.violation!.trace.steps.map((s) => s.procName), ["P1", "P0"]);
  });

  test("BUG_ON whose condition cannot hold passes", () => {
    pass(run(`C bug-never\n{}\nP0(int *x) { int r = READ_ONCE(*x); BUG_ON(r > 1); }\nP1(int *x) { WRITE_ONCE(*x, 1); }\n`));
  });

  test("assert failure and division by zero are assert violations", () => {
    violation(run(`C a\n{}\nP0(int *x) { int r = READ_ONCE(*x); assert(r == 1); }\n`), "assert");
    violation(run(`C div\n{}\nP0(int *x) { int r = READ_ONCE(*x); int q = 10 / r; }\n`), "assert");
  });
});

// ---------------------------------------------------------------------------------------
describe("language", () => {
  test("while, for, do, goto again, switch with fallthrough, break and continue compute the known result", () => {
    const r = run(`C control-flow
{}
P0(int *x)
{
	int sum = 0;
	int i;
	for (i = 0; i < 6; i++) {
		if (i == 1)
			continue;
		if (i == 4)
			break;
		sum += i;
	}
	int j = 0;
	do {
		j++;
	} while (j < 3);
	int k = 0;
again:
	k++;
	if (k < 4)
		goto again;
	int w = 0;
	while (1) {
		w += 2;
		if (w >= 6)
			break;
	}
	int s = 0;
	switch (k) {
	case 1:
		s = 10;
		break;
	case 4:
		s = 40;
	case 5:
		s += 1;
		break;
	default:
		s = 99;
	}
	int t = 0;
	switch (j) {
	case 1:
		t = 1;
		break;
	default:
		t = 7;
	}
	WRITE_ONCE(*x, sum);
}
exists (0:sum=5 /\\ 0:j=3 /\\ 0:k=4 /\\ 0:w=6 /\\ 0:s=41 /\\ 0:t=7 /\\ x=5)
`);
    observed(r, "Always");
    assert.equal(r.finalStates.length, 1);
  });

  test("local loops make no states: only the shared write is a step", () => {
    const r = run(`C local-loop
{}
P0(int *x) { int i; int s = 0; for (i = 0; i < 100; i++) s += i; WRITE_ONCE(*x, s); }
exists (x=4950)
`, FULL);
    observed(r, "Always");
    assert.equal(r.stats.states, 2);
  });

  test("a loop with a shared access in the condition: a spin-wait", () => {
    observed(
      run(`C spin-wait
{}
P0(int *x, int *flag) { WRITE_ONCE(*x, 1); smp_store_release(flag, 1); }
P1(int *x, int *flag) { while (!smp_load_acquire(flag)) cpu_relax(); int r1 = READ_ONCE(*x); }
exists (1:r1=0)
`),
      "Never",
    );
  });

  const tryGetPage = (init: number) => `C try_get_page
{
	struct page pg = { ._refcount = ${init} };
}

struct page {
	atomic_t _refcount;
};

static inline struct page *compound_head(struct page *page)
{
	return page;
}

static inline int page_ref_count(struct page *page)
{
	return atomic_read(&page->_refcount);
}

static inline void page_ref_inc(struct page *page)
{
	atomic_inc(&page->_refcount);
}

static inline __must_check bool try_get_page(struct page *page)
{
	page = compound_head(page);
	if (WARN_ON_ONCE(page_ref_count(page) <= 0))
		return false;
	page_ref_inc(page);
	return true;
}

P0(struct page *pg)
{
	bool ok = try_get_page(pg);
}

P1(struct page *pg)
{
	atomic_dec(&pg->_refcount);
}

exists (0:ok=1)
`;

  test("helper functions are inlined: v5.7 try_get_page as the kernel writes it", () => {
    // refcount 2: P1's put leaves a reference, try_get_page always succeeds.
    const ok = observed(run(tryGetPage(2)), "Always");
    assert.deepEqual(ok.finalStates.map((f) => f.values["0:ok"]), ["1"]);
    // refcount 1: the put can drop the last reference first: the WARN_ON_ONCE fires...
    const bad = violation(run(tryGetPage(1)), "warn");
    assert.match(bad.violation!.message, /WARN_ON_ONCE\(page_ref_count\(page\) <= 0\)/);
    // ...and the trace shows the scenario's call site, then the primitive inside the helper.
    const last = bad.violation!.trace.steps.at(-1)!;
    assert.equal(last.procName, "P0");
    assert.equal(last.calls[0]?.text, "try_get_page(pg)");
    assert.match(last.site.text, /atomic_read/);
    // ...and with --warn=report, try_get_page returns false in that case.
    const rep = observed(run(tryGetPage(1), { warn: "report" }), "Sometimes");
    assert.equal(rep.warnings.length, 1);
    assert.deepEqual(rep.finalStates.map((f) => f.values["0:ok"]).sort(), ["0", "1"]);
  });

  test("unsigned and narrow locals wrap around", () => {
    const r = run(`C wrap
{}
P0(int *x)
{
	u8 c = 250;
	c += 10;
	u8 m = 255;
	m++;
	unsigned int u = 0;
	u--;
	int big = u > 5;
	int sbig = -1 > 5;
	short sh = 32767;
	sh++;
	s8 n = 127;
	n++;
	bool b = 7;
	unsigned int q = u / 2;
	u16 h = 65535;
	h = h + 2;
	WRITE_ONCE(*x, c);
}
exists (0:c=4 /\\ 0:m=0 /\\ 0:u=4294967295 /\\ 0:big=1 /\\ 0:sbig=0 /\\ 0:sh=-32768 /\\ 0:n=-128 /\\ 0:b=1 /\\ 0:q=2147483647 /\\ 0:h=1 /\\ x=4)
`);
    observed(r, "Always");
  });

  test("short-circuit and ternary skip the shared access they do not evaluate", () => {
    // Each skipped access would be a NULL dereference (a bug violation).
    const r = run(`C short-circuit
{}
P0(int *x)
{
	int *p = NULL;
	int a = p != NULL && READ_ONCE(*p) == 1;
	int b = p == NULL || READ_ONCE(*p) == 1;
	int c = p ? READ_ONCE(*p) : 7;
	int d = 1 ? READ_ONCE(*x) : READ_ONCE(*p);
}
P1(int *x) { WRITE_ONCE(*x, 3); }
exists (0:a=0 /\\ 0:b=1 /\\ 0:c=7 /\\ 0:d=3)
`, FULL);
    observed(r, "Sometimes");
    // One step in P0 (the read of x), one in P1: 5 states (init, P0 done, P1 done, both done x2).
    assert.equal(r.stats.states, 5);
    // The access is made when evaluated: here it is, and p is NULL.
    const bug = violation(run(`C sc-null\n{}\nP0(int *x) { int *p = NULL; int a = p == NULL && READ_ONCE(*p) == 1; }\n`), "bug");
    assert.match(bug.violation!.message, /NULL/);
  });

  test("left-to-right flattening: an expression with two reads is two steps", () => {
    const r = run(`C two-reads
{}
P0(int *x, int *y) { int r = READ_ONCE(*x) + READ_ONCE(*y); }
P1(int *x, int *y) { WRITE_ONCE(*y, 1); WRITE_ONCE(*x, 1); }
exists (0:r=1)
`);
    // x then y: r=1 needs x=0 read before P1's x write and y=1 after P1's y write: possible.
    observed(r, "Sometimes");
    const r2 = run(`C two-reads-mp
{}
P0(int *x, int *y) { int r = READ_ONCE(*y) + 2 * READ_ONCE(*x); }
P1(int *x, int *y) { WRITE_ONCE(*x, 1); WRITE_ONCE(*y, 1); }
exists (0:r=1)
`);
    // y first then x: reading y=1 but x=0 would be an MP violation: Never.
    observed(r2, "Never");
  });
});

// ---------------------------------------------------------------------------------------
describe("limits", () => {
  // 5 processes x 4 steps each: > 5000 states without reduction.
  const big = `C big
{}
${[0, 1, 2, 3, 4].map((i) => `P${i}(int *x${i}, int *y) { WRITE_ONCE(*x${i}, 1); WRITE_ONCE(*x${i}, 2); int r = READ_ONCE(*y); WRITE_ONCE(*y, r + 1); }`).join("\n")}
exists (y=5)
`;

  test("the big model is big and complete without limits", () => {
    const r = observed(run(big, FULL), "Sometimes");
    assert.ok(r.stats.states > 5000, `${r.stats.states} states`);
  });

  test("maxStates: 10 on a big model gives incomplete (max-states), never pass", () => {
    for (const opts of [{ maxStates: 10 }, { ...FULL, maxStates: 10 }]) {
      const r = run(big, opts);
      assert.equal(r.verdict, "incomplete");
      assert.equal(r.incomplete?.limit, "max-states");
      assert.equal(r.observation, undefined);
      assert.equal(r.expectation, undefined);
    }
  });

  test("maxStates: 10 on a model of 59 states gives incomplete, never pass", () => {
    const src = `C lu3
{}
P0(int *x) { int r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); }
P1(int *x) { int r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); }
P2(int *x) { int r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); }
exists (x=3)
`;
    for (const opts of [{ maxStates: 10 }, { ...FULL, maxStates: 10 }]) {
      const r = run(src, opts);
      assert.equal(r.verdict, "incomplete");
      assert.equal(r.incomplete?.limit, "max-states");
      assert.ok(r.stats.states <= 10 + 3, `${r.stats.states} states`); // at most one expansion past the budget
    }
  });

  test("an incomplete run does not meet a stated expectation", () => {
    const r = run(`C big-expect\n(* Expect: clean *)\n` + big.slice(big.indexOf("{")), { maxStates: 10 });
    assert.equal(r.verdict, "incomplete");
    assert.equal(r.expectation?.met, false);
  });

  test("timeoutMs: 0 on a big model gives incomplete (timeout)", () => {
    // 6 processes, 4 steps each: far too many states to finish before the first timeout poll.
    const huge = `C huge
{}
${[0, 1, 2, 3, 4, 5].map((i) => `P${i}(int *x${i}, int *y) { WRITE_ONCE(*x${i}, 1); WRITE_ONCE(*x${i}, 2); int r = READ_ONCE(*y); WRITE_ONCE(*y, r + 1); }`).join("\n")}
exists (y=6)
`;
    const r = run(huge, { ...FULL, timeoutMs: 0 });
    assert.equal(r.verdict, "incomplete");
    assert.equal(r.incomplete?.limit, "timeout");
  });
});

// ---------------------------------------------------------------------------------------
// Exact state counts against the brute-force enumerator.

const W = (loc: string, v: number, next: number): StepFn => (sh) => ((sh[loc] = v), next);
const R = (loc: string, reg: string, next: number): StepFn => (sh, r) => ((r[reg] = sh[loc]), next);

function proc(steps: StepFn[], live: string[][]): BProc {
  return { steps, live };
}

interface CountCase {
  name: string;
  src: string;
  model: BModel;
}

const incThenWrite = (reg: string): BProc =>
  proc([R("x", reg, 1), (sh, r) => ((sh.x = r[reg] + 1), 2)], [[], [reg], []]);

const rcuReader = (pid: number): BProc =>
  proc(
    [
      (sh) => (sh[`n${pid}`]++, 1),
      R("x", "r0", 2),
      R("y", "r1", 3),
      (sh) => {
        if (--sh[`n${pid}`] === 0) for (const k of Object.keys(sh)) if (k.startsWith("w")) sh[k] &= ~(1 << pid);
        return 4;
      },
    ],
    [[], [], ["r0"], ["r0", "r1"], ["r0", "r1"]],
  );

const rcuUpdater = (pid: number, nProcs: number): BProc =>
  proc(
    [
      W("x", 1, 1),
      (sh) => {
        let m = 0;
        for (let q = 0; q < nProcs; q++) if (sh[`n${q}`] !== 0) m |= 1 << q;
        sh[`w${pid}`] = m;
        return 2;
      },
      (sh) => (sh[`w${pid}`] === 0 ? 3 : null),
      W("y", 1, 4),
    ],
    [[], [], [], [], []],
  );

const lock = (next: number): StepFn => (sh, _r, pid) => (sh.s !== 0 ? null : ((sh.s = pid + 1), next));
const unlock = (next: number): StepFn => (sh) => ((sh.s = 0), next);

const COUNT_CASES: CountCase[] = [
  {
    name: "MP",
    src: `C MP
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { int r0 = READ_ONCE(*y); int r1 = READ_ONCE(*x); }
exists (1:r0=1 /\\ 1:r1=0)
`,
    model: {
      shared: { x: 0, y: 0 },
      procs: [proc([W("x", 1, 1), W("y", 1, 2)], [[], [], []]), proc([R("y", "r0", 1), R("x", "r1", 2)], [[], ["r0"], ["r0", "r1"]])],
      final: (_sh, r) => r[1].r0 === 1 && r[1].r1 === 0,
      observed: (_sh, r) => [r[1].r0, r[1].r1],
    },
  },
  {
    name: "SB",
    src: `C SB
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); int r0 = READ_ONCE(*y); }
P1(int *x, int *y) { WRITE_ONCE(*y, 1); int r0 = READ_ONCE(*x); }
exists (0:r0=0 /\\ 1:r0=0)
`,
    model: {
      shared: { x: 0, y: 0 },
      procs: [proc([W("x", 1, 1), R("y", "r0", 2)], [[], [], ["r0"]]), proc([W("y", 1, 1), R("x", "r0", 2)], [[], [], ["r0"]])],
      final: (_sh, r) => r[0].r0 === 0 && r[1].r0 === 0,
      observed: (_sh, r) => [r[0].r0, r[1].r0],
    },
  },
  {
    name: "lost update, 2 processes (register dead after the write)",
    src: `C LU2
{}
P0(int *x) { int r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); }
P1(int *x) { int r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); }
exists (x=1)
`,
    model: { shared: { x: 0 }, procs: [incThenWrite("r"), incThenWrite("r")], final: (sh) => sh.x === 1, observed: (sh) => [sh.x] },
  },
  {
    name: "lost update, 3 processes",
    src: `C LU3
{}
P0(int *x) { int r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); }
P1(int *x) { int r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); }
P2(int *x) { int r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); }
exists (x=3)
`,
    model: { shared: { x: 0 }, procs: [incThenWrite("r"), incThenWrite("r"), incThenWrite("r")], final: (sh) => sh.x === 3, observed: (sh) => [sh.x] },
  },
  {
    name: "atomic_inc, 3 processes",
    src: `C INC3
{ atomic_t x = ATOMIC_INIT(0); }
P0(atomic_t *x) { atomic_inc(x); }
P1(atomic_t *x) { atomic_inc(x); }
P2(atomic_t *x) { atomic_inc(x); }
exists (x=3)
`,
    model: {
      shared: { x: 0 },
      procs: [0, 1, 2].map(() => proc([(sh) => (sh.x++, 1)], [[], []])),
      final: (sh) => sh.x === 3,
      observed: (sh) => [sh.x],
    },
  },
  {
    name: "spinlock-protected counter",
    src: `C lock-counter
{ spinlock_t s; int x = 0; }
P0(spinlock_t *s, int *x) { spin_lock(s); int r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); spin_unlock(s); }
P1(spinlock_t *s, int *x) { spin_lock(s); int r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); spin_unlock(s); }
exists (x=2)
`,
    model: {
      shared: { x: 0, s: 0 },
      procs: [0, 1].map(() => proc([lock(1), R("x", "r", 2), (sh, r) => ((sh.x = r.r + 1), 3), unlock(4)], [[], [], ["r"], [], []])),
      final: (sh) => sh.x === 2,
      observed: (sh) => [sh.x],
    },
  },
  {
    name: "spin-wait loop (the read of flag loops back to the same state)",
    src: `C spin-wait
{}
P0(int *x, int *flag) { WRITE_ONCE(*x, 1); WRITE_ONCE(*flag, 1); }
P1(int *x, int *flag) { while (READ_ONCE(*flag) == 0) ; int r1 = READ_ONCE(*x); }
exists (1:r1=0)
`,
    model: {
      shared: { x: 0, flag: 0 },
      procs: [proc([W("x", 1, 1), W("flag", 1, 2)], [[], [], []]), proc([(sh) => (sh.flag === 0 ? 0 : 1), R("x", "r1", 2)], [[], [], ["r1"]])],
      final: (_sh, r) => r[1].r1 === 0,
      observed: (_sh, r) => [r[1].r1],
    },
  },
  {
    name: "a for loop whose counter is live across steps",
    src: `C for-writer
{}
P0(int *x) { int i; for (i = 0; i < 3; i++) WRITE_ONCE(*x, i); }
P1(int *x) { int r0 = READ_ONCE(*x); int r1 = READ_ONCE(*x); }
exists (1:r0=2 /\\ 1:r1=1)
`,
    model: {
      shared: { x: 0 },
      procs: [
        proc([(sh, r) => ((sh.x = r.i ?? 0), (r.i = (r.i ?? 0) + 1), r.i < 3 ? 0 : 1)], [["i"], []]),
        proc([R("x", "r0", 1), R("x", "r1", 2)], [[], ["r0"], ["r0", "r1"]]),
      ],
      final: (_sh, r) => r[1].r0 === 2 && r[1].r1 === 1,
      observed: (_sh, r) => [r[1].r0, r[1].r1],
    },
  },
  {
    name: "IRIW, 4 processes",
    src: `C IRIW
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
P1(int *y) { WRITE_ONCE(*y, 1); }
P2(int *x, int *y) { int r0 = READ_ONCE(*x); int r1 = READ_ONCE(*y); }
P3(int *x, int *y) { int r0 = READ_ONCE(*y); int r1 = READ_ONCE(*x); }
exists (2:r0=1 /\\ 2:r1=0 /\\ 3:r0=1 /\\ 3:r1=0)
`,
    model: {
      shared: { x: 0, y: 0 },
      procs: [
        proc([W("x", 1, 1)], [[], []]),
        proc([W("y", 1, 1)], [[], []]),
        proc([R("x", "r0", 1), R("y", "r1", 2)], [[], ["r0"], ["r0", "r1"]]),
        proc([R("y", "r0", 1), R("x", "r1", 2)], [[], ["r0"], ["r0", "r1"]]),
      ],
      final: (_sh, r) => r[2].r0 === 1 && r[2].r1 === 0 && r[3].r0 === 1 && r[3].r1 === 0,
      observed: (_sh, r) => [r[2].r0, r[2].r1, r[3].r0, r[3].r1],
    },
  },
  {
    name: "RCU deferred free (read-side nesting and grace-period wait state)",
    src: `C rcu
{}
P0(int *x, int *y) { rcu_read_lock(); int r0 = READ_ONCE(*x); int r1 = READ_ONCE(*y); rcu_read_unlock(); }
P1(int *x, int *y) { WRITE_ONCE(*x, 1); synchronize_rcu(); WRITE_ONCE(*y, 1); }
exists (0:r0=0 /\\ 0:r1=1)
`,
    model: {
      shared: { x: 0, y: 0, n0: 0, n1: 0, w0: 0, w1: 0 },
      procs: [rcuReader(0), rcuUpdater(1, 2)],
      final: (_sh, r) => r[0].r0 === 0 && r[0].r1 === 1,
      observed: (_sh, r) => [r[0].r0, r[0].r1],
    },
  },
];

describe("exact state counts (brute force)", () => {
  for (const c of COUNT_CASES) {
    test(c.name, () => {
      const b = enumerate(c.model);
      assert.equal(b.violation, null);
      assert.equal(b.deadlock, false);
      const r = run(c.src, FULL);
      pass(r);
      assert.equal(r.stats.states, b.states, `pageproof ${r.stats.states} states, brute force ${b.states}`);
      const positive = [...b.finals.values()].filter((v) => v).length;
      assert.equal(r.observation?.positive, positive, "final states satisfying the condition");
      assert.equal(r.observation?.negative, b.finals.size - positive, "final states not satisfying it");
    });
  }

  test("the brute force itself: MP has 13 states, counted by hand", () => {
    // P0's pc a in 0..2 fixes x = (a >= 1) and y = (a >= 2); P0 can always still advance.
    // P1 at pc0: a = 0, 1, 2 (3 states). At pc1 (r0 live): r0=0 with a = 0, 1, 2; r0=1 with
    // a = 2 (4 states). At its end (r0, r1 live): (0,0) with a = 0, 1, 2; (0,1) with a = 1, 2;
    // (1,1) with a = 2; (1,0) is the forbidden MP outcome (6 states). 3 + 4 + 6 = 13.
    assert.equal(enumerate(COUNT_CASES[0].model).states, 13);
  });

  test("with reductions (default), pageproof never explores more states and finds the same final states", () => {
    for (const c of COUNT_CASES) {
      const full = run(c.src, FULL);
      const red = run(c.src);
      pass(red);
      assert.ok(red.stats.states <= full.stats.states, c.name);
      assert.deepEqual(red.observation, full.observation, c.name);
      assert.deepEqual(
        red.finalStates.map((f) => JSON.stringify(f)).sort(),
        full.finalStates.map((f) => JSON.stringify(f)).sort(),
        c.name,
      );
    }
  });
});
