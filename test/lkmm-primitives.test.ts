// Every primitive of herd7's LKMM (tools/memory-model/linux-kernel.def of the current kernel),
// plus the old ones still found in published litmus collections, compiles and has its SC
// meaning. Each group asserts an outcome that a wrong semantics would change: exact values
// after a sequence of atomics, a final state a blocking primitive forbids, a grace period
// that waits only for its own SRCU domain, and so on.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CheckOptions, CheckResult } from "../src/check.js";
import { compileSource } from "../src/ir/compile.js";
import { symmetryGroups } from "../src/engine/symmetry.js";
import { run } from "./helpers.js";

const FULL = { por: false, symmetry: false } as CheckOptions;

/** Every name the test must use: linux-kernel.def's, then the older and extra ones. */
const NAMES = [
  // ONCE, release/acquire and friends
  "READ_ONCE", "WRITE_ONCE", "smp_store_release", "smp_load_acquire", "rcu_assign_pointer", "rcu_dereference", "smp_store_mb",
  // fences
  "smp_mb", "smp_rmb", "smp_wmb", "smp_mb__before_atomic", "smp_mb__after_atomic", "smp_mb__after_spinlock",
  "smp_mb__after_unlock_lock", "smp_mb__after_srcu_read_unlock", "barrier",
  // exchange
  "xchg", "xchg_relaxed", "xchg_release", "xchg_acquire", "cmpxchg", "cmpxchg_relaxed", "cmpxchg_acquire", "cmpxchg_release",
  // spinlocks
  "spin_lock", "spin_unlock", "spin_trylock", "spin_is_locked",
  // RCU
  "rcu_read_lock", "rcu_read_unlock", "synchronize_rcu", "synchronize_rcu_expedited",
  // SRCU
  "srcu_read_lock", "srcu_read_unlock", "srcu_down_read", "srcu_up_read", "synchronize_srcu", "synchronize_srcu_expedited",
  // atomic_t
  "atomic_read", "atomic_set", "atomic_read_acquire", "atomic_set_release",
  "atomic_add", "atomic_sub", "atomic_and", "atomic_or", "atomic_xor", "atomic_inc", "atomic_dec", "atomic_andnot",
  "atomic_add_return", "atomic_add_return_relaxed", "atomic_add_return_acquire", "atomic_add_return_release",
  "atomic_fetch_add", "atomic_fetch_add_relaxed", "atomic_fetch_add_acquire", "atomic_fetch_add_release",
  "atomic_fetch_and", "atomic_fetch_and_relaxed", "atomic_fetch_and_acquire", "atomic_fetch_and_release",
  "atomic_fetch_or", "atomic_fetch_or_relaxed", "atomic_fetch_or_acquire", "atomic_fetch_or_release",
  "atomic_fetch_xor", "atomic_fetch_xor_relaxed", "atomic_fetch_xor_acquire", "atomic_fetch_xor_release",
  "atomic_inc_return", "atomic_inc_return_relaxed", "atomic_inc_return_acquire", "atomic_inc_return_release",
  "atomic_fetch_inc", "atomic_fetch_inc_relaxed", "atomic_fetch_inc_acquire", "atomic_fetch_inc_release",
  "atomic_sub_return", "atomic_sub_return_relaxed", "atomic_sub_return_acquire", "atomic_sub_return_release",
  "atomic_fetch_sub", "atomic_fetch_sub_relaxed", "atomic_fetch_sub_acquire", "atomic_fetch_sub_release",
  "atomic_dec_return", "atomic_dec_return_relaxed", "atomic_dec_return_acquire", "atomic_dec_return_release",
  "atomic_fetch_dec", "atomic_fetch_dec_relaxed", "atomic_fetch_dec_acquire", "atomic_fetch_dec_release",
  "atomic_xchg", "atomic_xchg_relaxed", "atomic_xchg_release", "atomic_xchg_acquire",
  "atomic_cmpxchg", "atomic_cmpxchg_relaxed", "atomic_cmpxchg_acquire", "atomic_cmpxchg_release",
  "atomic_sub_and_test", "atomic_dec_and_test", "atomic_inc_and_test",
  "atomic_add_negative", "atomic_add_negative_relaxed", "atomic_add_negative_acquire", "atomic_add_negative_release",
  "atomic_fetch_andnot", "atomic_fetch_andnot_acquire", "atomic_fetch_andnot_release", "atomic_fetch_andnot_relaxed",
  "atomic_add_unless",
  // older primitives still in published tests, and kernel spellings herd7 never had
  "spin_unlock_wait", "smp_read_barrier_depends", "lockless_dereference", "rcu_read_lock_bh", "rcu_read_unlock_bh",
  "atomic_try_cmpxchg", "try_cmpxchg", "atomic64_inc", "atomic64_read", "atomic_long_add", "atomic_long_read",
];

const sources: string[] = [];
function check(src: string, opts: CheckOptions = {}): CheckResult {
  sources.push(src);
  return run(src, opts);
}
function pass(r: CheckResult): CheckResult {
  assert.equal(r.verdict, "pass", r.error?.formatted ?? r.violation?.message ?? r.incomplete?.limit);
  return r;
}
function observed(r: CheckResult, result: "Never" | "Sometimes" | "Always"): CheckResult {
  pass(r);
  assert.equal(r.observation?.result, result, JSON.stringify(r.finalStates));
  return r;
}
function violation(r: CheckResult, kind: string, msg?: RegExp): CheckResult {
  assert.equal(r.verdict, "violation", r.error?.formatted ?? `expected a ${kind} violation, got ${r.verdict}`);
  assert.equal(r.violation!.kind, kind, r.violation!.message);
  if (msg) assert.match(r.violation!.message, msg);
  return r;
}
function compileError(src: string, msg: RegExp): void {
  const r = check(src);
  assert.equal(r.verdict, "error", `expected a compile error, got ${r.verdict}`);
  assert.match(r.error!.message, msg);
}

// ---------------------------------------------------------------------------------------
describe("LKMM primitives: accesses, fences, exchange, atomics", () => {
  test("marked accesses read and write the location they name", () => {
    observed(
      check(`C lkmm-once
{ int x; int y = 7; }
P0(int *x, int *y)
{
	WRITE_ONCE(*x, 1);
	int r1 = READ_ONCE(*x);
	smp_store_release(x, 2);
	int r2 = smp_load_acquire(x);
	rcu_assign_pointer(*x, 3);
	int r3 = rcu_dereference(*x);
	smp_store_mb(*x, 4);
	int r4 = lockless_dereference(*x);
	int r5 = READ_ONCE(*y);
}
forall (0:r1=1 /\\ 0:r2=2 /\\ 0:r3=3 /\\ 0:r4=4 /\\ 0:r5=7 /\\ x=4)
`),
      "Always",
    );
  });

  test("fences are no steps under SC (one write: two states), and MP with fences is Never", () => {
    const r = pass(
      check(
        `C lkmm-fences
{}
P0(int *x)
{
	smp_mb(); smp_rmb(); smp_wmb(); smp_mb__before_atomic(); smp_mb__after_atomic();
	smp_mb__after_spinlock(); smp_mb__after_unlock_lock(); smp_mb__after_srcu_read_unlock();
	barrier(); smp_read_barrier_depends();
	WRITE_ONCE(*x, 1);
	smp_mb();
}
`,
        FULL,
      ),
    );
    assert.equal(r.stats.states, 2);
    observed(
      check(`C lkmm-mp-fences
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); smp_wmb(); WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { int r0 = READ_ONCE(*y); smp_rmb(); int r1 = READ_ONCE(*x); }
exists (1:r0=1 /\\ 1:r1=0)
`),
      "Never",
    );
  });

  test("xchg and cmpxchg (all orderings) return the old value; cmpxchg swaps only on a match", () => {
    observed(
      check(`C lkmm-xchg
{ int x; }
P0(int *x)
{
	int r1 = xchg(x, 1);
	int r2 = xchg_relaxed(x, 2);
	int r3 = xchg_acquire(x, 3);
	int r4 = xchg_release(x, 4);
	int r5 = cmpxchg(x, 4, 5);
	int r6 = cmpxchg_relaxed(x, 4, 6);
	int r7 = cmpxchg_acquire(x, 5, 7);
	int r8 = cmpxchg_release(x, 6, 8);
	int o = 7;
	int r9 = try_cmpxchg(x, &o, 9);
	int p = 0;
	int r10 = try_cmpxchg(x, &p, 10);
}
forall (0:r1=0 /\\ 0:r2=1 /\\ 0:r3=2 /\\ 0:r4=3 /\\ 0:r5=4 /\\ 0:r6=5 /\\ 0:r7=5 /\\ 0:r8=7 /\\ 0:r9=1 /\\ 0:o=7 /\\ 0:r10=0 /\\ 0:p=9 /\\ x=9)
`),
      "Always",
    );
  });

  test("xchg is one atomic step: two xchg-based test-and-set locks exclude each other", () => {
    observed(
      check(`C lkmm-xchg-mutex
{}
P0(int *l, int *x) { int r0 = xchg(l, 1); if (r0 == 0) { int t = READ_ONCE(*x); WRITE_ONCE(*x, t + 1); } }
P1(int *l, int *x) { int r0 = xchg_acquire(l, 1); if (r0 == 0) { int t = READ_ONCE(*x); WRITE_ONCE(*x, t + 1); } }
exists (0:r0=0 /\\ 1:r0=0)
`),
      "Never",
    );
  });

  test("atomic_t: every operation and ordering variant gives the kernel's value", () => {
    observed(
      check(`C lkmm-atomics
{ atomic_t v = ATOMIC_INIT(5); atomic64_t w; atomic_long_t l; }
P0(atomic_t *v, atomic64_t *w, atomic_long_t *l)
{
	int r1 = atomic_read(v);
	atomic_set(v, 7);
	int r2 = atomic_read_acquire(v);
	atomic_set_release(v, 1);
	atomic_add(2, v);
	atomic_sub(1, v);
	atomic_inc(v);
	atomic_dec(v);
	int r3 = atomic_add_return(3, v);
	int r4 = atomic_add_return_relaxed(1, v) + atomic_add_return_acquire(1, v) + atomic_add_return_release(-2, v);
	int r5 = atomic_sub_return_acquire(2, v);
	int r6 = atomic_inc_return_release(v);
	int r7 = atomic_dec_return(v);
	int r8 = atomic_fetch_add(2, v);
	int r9 = atomic_fetch_sub_release(1, v);
	int r10 = atomic_fetch_inc_acquire(v);
	int r11 = atomic_fetch_dec_relaxed(v);
	int r12 = atomic_xchg(v, 9);
	int r13 = atomic_xchg_acquire(v, 8);
	int r14 = atomic_cmpxchg(v, 8, 1);
	int r15 = atomic_cmpxchg_release(v, 8, 2);
	int r16 = atomic_sub_and_test(1, v);
	int r17 = atomic_inc_and_test(v);
	int r18 = atomic_dec_and_test(v);
	int r19 = atomic_add_negative(-1, v);
	int r20 = atomic_add_negative_relaxed(1, v);
	atomic_or(6, v);
	atomic_and(3, v);
	atomic_xor(3, v);
	atomic_andnot(1, v);
	int r21 = atomic_fetch_or(12, v);
	int r22 = atomic_fetch_and_acquire(10, v);
	int r23 = atomic_fetch_xor_release(9, v);
	int r24 = atomic_fetch_andnot_relaxed(1, v);
	int r25 = atomic_add_unless(v, 1, 0);
	int r26 = atomic_add_unless(v, 1, 5);
	int o = 1;
	int r27 = atomic_try_cmpxchg(v, &o, 4);
	int p = 0;
	int r28 = atomic_try_cmpxchg(v, &p, 7);
	atomic64_inc(w);
	int r29 = atomic64_read(w);
	atomic_long_add(2, l);
	int r30 = atomic_long_read(l);
}
forall (0:r1=5 /\\ 0:r2=7 /\\ 0:r3=5 /\\ 0:r4=18 /\\ 0:r5=3 /\\ 0:r6=4 /\\ 0:r7=3 /\\ 0:r8=3 /\\ 0:r9=5
	/\\ 0:r10=4 /\\ 0:r11=5 /\\ 0:r12=4 /\\ 0:r13=9 /\\ 0:r14=8 /\\ 0:r15=1 /\\ 0:r16=1 /\\ 0:r17=0 /\\ 0:r18=1
	/\\ 0:r19=1 /\\ 0:r20=0 /\\ 0:r21=0 /\\ 0:r22=12 /\\ 0:r23=8 /\\ 0:r24=1 /\\ 0:r25=0 /\\ 0:r26=1
	/\\ 0:r27=1 /\\ 0:o=1 /\\ 0:r28=0 /\\ 0:p=4 /\\ 0:r29=1 /\\ 0:r30=2 /\\ v=4)
`),
      "Always",
    );
  });

  test("the remaining ordering variants of the atomics compile to the same operation", () => {
    // Each line adds a known amount to v; a variant mapped to the wrong operation changes the sum.
    observed(
      check(`C lkmm-atomic-variants
{ atomic_t v; }
P0(atomic_t *v)
{
	atomic_fetch_add_relaxed(1, v); atomic_fetch_add_acquire(1, v); atomic_fetch_add_release(1, v);
	atomic_inc_return(v); atomic_inc_return_relaxed(v); atomic_inc_return_acquire(v); atomic_fetch_inc(v); atomic_fetch_inc_relaxed(v); atomic_fetch_inc_release(v);
	atomic_sub_return(1, v); atomic_sub_return_relaxed(1, v); atomic_sub_return_release(1, v);
	atomic_fetch_sub(1, v); atomic_fetch_sub_relaxed(1, v); atomic_fetch_sub_acquire(1, v);
	atomic_dec_return_relaxed(v); atomic_dec_return_acquire(v); atomic_dec_return_release(v);
	atomic_fetch_dec(v); atomic_fetch_dec_acquire(v); atomic_fetch_dec_release(v);
	int r1 = atomic_read(v);
	atomic_xchg_relaxed(v, 12); atomic_xchg_release(v, 12);
	atomic_cmpxchg_relaxed(v, 12, 13); atomic_cmpxchg_acquire(v, 13, 14);
	atomic_fetch_and(7, v); atomic_fetch_and_relaxed(7, v); atomic_fetch_and_release(7, v);
	int r2 = atomic_read(v);
	atomic_fetch_or_relaxed(8, v); atomic_fetch_or_acquire(16, v); atomic_fetch_or_release(32, v);
	atomic_fetch_xor(1, v); atomic_fetch_xor_relaxed(2, v); atomic_fetch_xor_acquire(4, v);
	atomic_fetch_andnot(8, v); atomic_fetch_andnot_acquire(16, v); atomic_fetch_andnot_release(1, v);
	int r3 = atomic_read(v);
	int r4 = atomic_add_negative_acquire(-33, v) + 2 * atomic_add_negative_release(1, v);
}
forall (0:r1=-3 /\\ 0:r2=6 /\\ 0:r3=32 /\\ 0:r4=1 /\\ v=0)
`),
      "Always",
    );
  });
});

// ---------------------------------------------------------------------------------------
describe("LKMM primitives: spinlocks", () => {
  test("spin_lock excludes; spin_is_locked and spin_trylock see the lock word", () => {
    observed(
      check(`C lkmm-spin
{ spinlock_t l; }
P0(spinlock_t *l, int *x) { spin_lock(l); int t = READ_ONCE(*x); WRITE_ONCE(*x, t + 1); spin_unlock(l); }
P1(spinlock_t *l, int *x) { spin_lock(l); int t = READ_ONCE(*x); WRITE_ONCE(*x, t + 1); spin_unlock(l); }
exists (x=1)
`),
      "Never",
    );
    observed(
      check(`C lkmm-trylock
{ spinlock_t l; }
P0(spinlock_t *l)
{
	spin_lock(l);
	int r1 = spin_is_locked(l);
	int r2 = spin_trylock(l);
	spin_unlock(l);
	int r3 = spin_is_locked(l);
	int r4 = spin_trylock(l);
	spin_unlock(l);
}
forall (0:r1=1 /\\ 0:r2=0 /\\ 0:r3=0 /\\ 0:r4=1)
`),
      "Always",
    );
  });

  const unlockWait = `C lkmm-spin-unlock-wait
{ spinlock_t l; }
P0(spinlock_t *l, int *x, int *f)
{
	spin_lock(l);
	WRITE_ONCE(*f, 1);
	WRITE_ONCE(*x, 1);
	spin_unlock(l);
}
P1(spinlock_t *l, int *x, int *f)
{
	int r1 = READ_ONCE(*f);
	spin_unlock_wait(l);
	int r0 = READ_ONCE(*x);
	spin_lock(l);
	spin_unlock(l);
}
`;
  test("spin_unlock_wait blocks while the lock is held, and does not take it", () => {
    // Having seen f=1, P1 knows P0 holds the lock (or has released it): if spin_unlock_wait did
    // not wait, P1 could still read x=0. Had it taken the lock, P1's spin_lock() would deadlock.
    observed(check(unlockWait + "exists (1:r1=1 /\\ 1:r0=0)\n"), "Never");
    observed(check(unlockWait + "exists (1:r1=0 /\\ 1:r0=0)\n"), "Sometimes");
    observed(check(unlockWait.replace("spin_unlock_wait(l);", "") + "exists (1:r1=1 /\\ 1:r0=0)\n"), "Sometimes");
  });

  test("spin_unlock_wait on a lock the caller holds is a self-deadlock (a finding in herd7 mode)", () => {
    const src = `C lkmm-unlock-wait-self\n{ spinlock_t l; }\nP0(spinlock_t *l, int *x) { spin_lock(l); spin_unlock_wait(l); spin_unlock(l); WRITE_ONCE(*x, 1); }\n`;
    violation(check(src), "deadlock", /spin_unlock_wait\(\) for l, which it holds itself/);
    const r = pass(check(src + "exists (x=1)\n"));
    assert.ok(r.warnings.some((w) => w.kind === "deadlock" && /spin_unlock_wait/.test(w.message)), JSON.stringify(r.warnings));
    assert.equal(r.observation?.result, "Never");
  });
});

// ---------------------------------------------------------------------------------------
describe("LKMM primitives: RCU", () => {
  test("synchronize_rcu_expedited waits for a _bh reader like synchronize_rcu", () => {
    const src = (sync: string) => `C lkmm-rcu
{}
P0(int *x, int *y) { rcu_read_lock_bh(); int r0 = READ_ONCE(*x); int r1 = READ_ONCE(*y); rcu_read_unlock_bh(); }
P1(int *x, int *y) { WRITE_ONCE(*x, 1); ${sync} WRITE_ONCE(*y, 1); }
exists (0:r0=0 /\\ 0:r1=1)
`;
    observed(check(src("synchronize_rcu_expedited();")), "Never");
    observed(check(src("synchronize_rcu();")), "Never");
    observed(check(src("")), "Sometimes");
    observed(check(src("").replace("rcu_read_lock_bh()", "rcu_read_lock()").replace("rcu_read_unlock_bh()", "rcu_read_unlock()")), "Sometimes");
  });
});

// ---------------------------------------------------------------------------------------
describe("SRCU", () => {
  test("the SRCU store-buffering example is Never under SC", () => {
    observed(
      check(`C SRCU-example
{}
P0(int *x, int *y, struct srcu_struct *s)
{
	int r0;
	int r1;
	r1 = srcu_read_lock(s);
	WRITE_ONCE(*x, 1);
	r0 = READ_ONCE(*y);
	srcu_read_unlock(s, r1);
}
P1(int *x, int *y, struct srcu_struct *s)
{
	int r0;
	WRITE_ONCE(*y, 1);
	synchronize_srcu(s);
	r0 = READ_ONCE(*x);
}
exists (0:r0=0 /\\ 1:r0=0)
`),
      "Never",
    );
  });

  // Deferred free: the reader sees the old x and the new y only if the grace period did not
  // wait for it.
  const deferred = (reader: string, readerDomain: string, sync: string) => `C srcu-deferred-free
{ struct srcu_struct s1; }
P0(int *x, int *y, struct srcu_struct *s1, struct srcu_struct *s2)
{
	${reader === "srcu" ? `int i = srcu_read_lock(${readerDomain});` : reader === "down" ? `int i = srcu_down_read(${readerDomain});` : reader === "rcu" ? "rcu_read_lock();" : ""}
	int r0 = READ_ONCE(*x);
	int r1 = READ_ONCE(*y);
	${reader === "srcu" ? `srcu_read_unlock(${readerDomain}, i);` : reader === "down" ? `srcu_up_read(${readerDomain}, i);` : reader === "rcu" ? "rcu_read_unlock();" : ""}
}
P1(int *x, int *y, struct srcu_struct *s1, struct srcu_struct *s2)
{
	WRITE_ONCE(*x, 1);
	${sync}
	WRITE_ONCE(*y, 1);
}
exists (0:r0=0 /\\ 0:r1=1)
`;

  test("synchronize_srcu waits for a pre-existing reader of its own srcu_struct", () => {
    observed(check(deferred("srcu", "s1", "synchronize_srcu(s1);")), "Never");
    observed(check(deferred("srcu", "s2", "synchronize_srcu_expedited(s2);")), "Never");
    observed(check(deferred("down", "s1", "synchronize_srcu(s1);")), "Never");
    observed(check(deferred("srcu", "s1", "")), "Sometimes");
  });

  test("a grace period waits only for its own domain: a reader of s1 does not delay synchronize_srcu(s2)", () => {
    // A merged domain (one set of readers for every srcu_struct) would forbid this outcome.
    observed(check(deferred("srcu", "s1", "synchronize_srcu(s2);")), "Sometimes");
    observed(check(deferred("down", "s2", "synchronize_srcu(s1);")), "Sometimes");
  });

  test("SRCU and RCU are separate: neither's grace period waits for the other's readers", () => {
    observed(check(deferred("rcu", "s1", "synchronize_srcu(s1);")), "Sometimes");
    observed(check(deferred("srcu", "s1", "synchronize_rcu();")), "Sometimes");
    observed(check(deferred("rcu", "s1", "synchronize_rcu();")), "Never");
  });

  test("nested srcu_read_lock: the grace period waits for the outermost unlock", () => {
    observed(
      check(`C srcu-nested
{}
P0(int *x, int *y, struct srcu_struct *s)
{
	int i = srcu_read_lock(s);
	int r0 = READ_ONCE(*x);
	int j = srcu_read_lock(s);
	srcu_read_unlock(s, j);
	int r1 = READ_ONCE(*y);
	srcu_read_unlock(s, i);
}
P1(int *x, int *y, struct srcu_struct *s) { WRITE_ONCE(*x, 1); synchronize_srcu(s); WRITE_ONCE(*y, 1); }
exists (0:r0=0 /\\ 0:r1=1)
`),
      "Never",
    );
  });

  test("srcu_read_lock returns the index 0; srcu_down_read returns its reader's name (process + 1)", () => {
    observed(check(`C srcu-index\n{}\nP0(struct srcu_struct *s) { int i = srcu_read_lock(s); srcu_read_unlock(s, i); int j = srcu_down_read(s); srcu_up_read(s, j); }\nP1(struct srcu_struct *s) { int k = srcu_down_read(s); srcu_up_read(s, k); }\nforall (0:i=0 /\\ 0:j=1 /\\ 1:k=2)\n`), "Always");
  });

  test("srcu_up_read in another process releases the srcu_down_read reader it is given (as the kernel allows)", () => {
    // P0's reader is handed to P1, which releases it; the grace period of P2 waits for that release.
    const src = `C srcu-up-read-elsewhere-ok
(* Expect: clean *)
{}
P0(struct srcu_struct *s, int *idx, int *y) { int i = srcu_down_read(s); int r0 = READ_ONCE(*y); WRITE_ONCE(*idx, i); }
P1(struct srcu_struct *s, int *idx, int *x) { int i; while ((i = READ_ONCE(*idx)) == 0) ; int r1 = READ_ONCE(*x); srcu_up_read(s, i); }
P2(struct srcu_struct *s, int *x, int *y) { WRITE_ONCE(*y, 1); synchronize_srcu(s); WRITE_ONCE(*x, 1); }
exists (1:r1=1 /\\ 0:r0=0)
`;
    const r = check(src);
    assert.equal(r.verdict, "pass", r.violation?.message);
    assert.equal(r.observation?.result, "Never"); // the grace period covers P0's reader until P1's up_read
    const full = check(src, FULL);
    assert.equal(full.observation?.result, "Never");
    assert.deepEqual(new Set(r.finalStates.map((f) => JSON.stringify(f))), new Set(full.finalStates.map((f) => JSON.stringify(f))));
  });

  test("the srcu_struct may be chosen at run time, be an array element or a struct field", () => {
    // P0 picks its domain from y: ss[0] when y=0 (the domain P1 waits for), ss[1] when y=1.
    const dyn = (y: number) => `C srcu-dynamic
{ struct srcu_struct ss[2]; int y = ${y}; }
P0(int *x, int *y, int *z)
{
	int k = READ_ONCE(*y);
	struct srcu_struct *sp = &ss[k];
	int i = srcu_read_lock(sp);
	int r0 = READ_ONCE(*x);
	int r1 = READ_ONCE(*z);
	srcu_read_unlock(sp, i);
}
P1(int *x, int *z)
{
	WRITE_ONCE(*x, 1);
	synchronize_srcu(&ss[0]);
	WRITE_ONCE(*z, 1);
}
exists (0:r0=0 /\\ 0:r1=1)
`;
    observed(check(dyn(0)), "Never");
    observed(check(dyn(1)), "Sometimes");
    observed(
      check(`C srcu-field
{ }
struct dev { int x; struct srcu_struct srcu; int y; };
P0(struct dev *d)
{
	int i = srcu_read_lock(&d->srcu);
	int r0 = READ_ONCE(d->x);
	int r1 = READ_ONCE(d->y);
	srcu_read_unlock(&d->srcu, i);
}
P1(struct dev *d) { WRITE_ONCE(d->x, 1); synchronize_srcu(&d->srcu); WRITE_ONCE(d->y, 1); }
exists (0:r0=0 /\\ 0:r1=1)
`),
      "Never",
    );
  });

  test("synchronize_srcu inside one's own read-side section on the same srcu_struct is a self-deadlock", () => {
    violation(
      check(`C srcu-self\n{}\nP0(struct srcu_struct *s) { int i = srcu_read_lock(s); synchronize_srcu(s); srcu_read_unlock(s, i); }\n`),
      "deadlock",
      /synchronize_srcu\(\) on s inside its own SRCU read-side critical section/,
    );
    // Another domain, or RCU, is no self-deadlock.
    pass(check(`C srcu-self-other\n{}\nP0(struct srcu_struct *s, struct srcu_struct *t) { int i = srcu_read_lock(s); synchronize_srcu(t); srcu_read_unlock(s, i); rcu_read_lock(); synchronize_srcu(s); rcu_read_unlock(); i = srcu_read_lock(s); synchronize_rcu(); srcu_read_unlock(s, i); }\n`));
  });

  test("srcu_read_unlock without srcu_read_lock is a bug; so is srcu_up_read with an index that names no reader", () => {
    violation(check(`C srcu-unbalanced\n{}\nP0(struct srcu_struct *s) { srcu_read_unlock(s, 0); }\n`), "bug", /srcu_read_unlock\(\) on s without srcu_read_lock\(\)/);
    violation(check(`C srcu-unbalanced-other\n{}\nP0(struct srcu_struct *s, struct srcu_struct *t) { int i = srcu_read_lock(s); srcu_read_unlock(t, i); }\n`), "bug", /on t without/);
    violation(check(`C srcu-up-read-elsewhere\n{}\nP0(struct srcu_struct *s, int *x) { int i = srcu_down_read(s); WRITE_ONCE(*x, 1); }\nP1(struct srcu_struct *s, int *x) { while (READ_ONCE(*x) == 0) ; srcu_up_read(s, 0); }\n`), "bug", /srcu_up_read\(\) on s with an index that names no reader/);
  });

  test("a process that ends inside its SRCU read-side section blocks grace periods for ever (as with RCU)", () => {
    violation(check(`C srcu-ends-inside\n{}\nP0(struct srcu_struct *s) { srcu_read_lock(s); }\nP1(struct srcu_struct *s) { synchronize_srcu(s); }\n`), "deadlock", /P1 blocked forever/);
    violation(check(`C rcu-ends-inside\n{}\nP0(int *x) { rcu_read_lock(); }\nP1(int *x) { synchronize_rcu(); }\n`), "deadlock", /P1 blocked forever/);
  });

  test("in herd7 mode (a final condition, no Expect: line) SRCU misuse is a finding beside the answer, as RCU's", () => {
    const r = pass(
      check(`C srcu-self-herd7
{}
P0(struct srcu_struct *s, int *x) { int i = srcu_read_lock(s); WRITE_ONCE(*x, 1); synchronize_srcu(s); srcu_read_unlock(s, i); }
P1(struct srcu_struct *s, int *y) { srcu_read_unlock(s, 0); WRITE_ONCE(*y, 1); }
exists (x=1 /\\ y=1)
`),
    );
    assert.equal(r.mode, "herd7");
    assert.ok(r.warnings.some((w) => w.kind === "deadlock" && /synchronize_srcu\(\) on s inside its own SRCU read-side critical section/.test(w.message)), JSON.stringify(r.warnings));
    assert.ok(r.warnings.some((w) => w.kind === "bug" && /srcu_read_unlock\(\) on s without srcu_read_lock\(\)/.test(w.message)), JSON.stringify(r.warnings));
    assert.equal(r.observation?.result, "Never"); // P0 never gets past its own grace period
  });

  test("SRCU readers are interchangeable: symmetry renames their per-process cells and wait-mask bits", () => {
    const p = (i: number) => `P${i}(struct srcu_struct *s, int *x, int *y) { int k = srcu_read_lock(s); int r = READ_ONCE(*x); int q = READ_ONCE(*y); srcu_read_unlock(s, k); WRITE_ONCE(*y, r + q); }\n`;
    const src = `C srcu-sym\n(* Expect: clean *)\n{}\n${p(0)}${p(1)}${p(2)}P3(struct srcu_struct *s, int *x, int *y) { WRITE_ONCE(*x, 1); synchronize_srcu(s); WRITE_ONCE(*y, 5); }\nlocations [x; y]\n`;
    const { model } = compileSource("sym.litmus", src);
    assert.deepEqual(symmetryGroups(model), [[0, 1, 2]]);
    assert.equal(model.srcuStructs.length, 1);
    assert.equal(model.cells.filter((c) => c.name.startsWith("s.srcu_")).length, 2 * 4);
    const sym = check(src, { por: false });
    const full = check(src, { por: false, symmetry: false });
    assert.equal(sym.verdict, "pass");
    assert.deepEqual(new Set(sym.finalStates.map((f) => JSON.stringify(f))), new Set(full.finalStates.map((f) => JSON.stringify(f))));
    assert.ok(sym.stats.states * 2 < full.stats.states, `${sym.stats.states} vs ${full.stats.states}`);
  });

  test("struct srcu_struct is opaque, and the SRCU primitives need one", () => {
    compileError(`C srcu-field-access\n{}\nP0(struct srcu_struct *s) { int r = s->completed; }\n`, /struct srcu_struct is opaque/);
    compileError(`C srcu-int\n{}\nP0(int *s) { int i = srcu_read_lock(s); srcu_read_unlock(s, i); }\n`, /'srcu_read_lock' takes a pointer to a struct srcu_struct/);
    compileError(`C srcu-init\n{ struct srcu_struct s = { 1 }; }\nP0(struct srcu_struct *s) { synchronize_srcu(s); }\n`, /takes no initialiser/);
    compileError(`C srcu-redefined\n{}\nstruct srcu_struct { int c; };\nP0(struct srcu_struct *s) { synchronize_srcu(s); }\n`, /built in/);
    violation(check(`C srcu-null\n{}\nP0(int *x) { struct srcu_struct *sp = NULL; if (READ_ONCE(*x) == 0) synchronize_srcu(sp); }\n`), "bug", /NULL/);
  });
});

test("every LKMM primitive name is exercised above", () => {
  const all = sources.join("\n");
  const missing = NAMES.filter((n) => !new RegExp(`\\b${n}\\s*\\(`).test(all));
  assert.deepEqual(missing, []);
});
