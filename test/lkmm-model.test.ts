// --model lkmm: known answers of the Linux-kernel memory model on the classic shapes, with and
// without each kind of barrier (the answers are those of tools/memory-model's litmus tests and
// Documentation/explanation.txt), the axiom that forbids each forbidden one, herd7's Observation
// counts, findings, loops and the refusals. Every test is written here, not copied.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CheckOptions, CheckResult, checkFile } from "../src/check.js";
import { observationLine, formatText } from "../src/report/text.js";
import { renderHtml } from "../src/report/html.js";
import { run } from "./helpers.js";

const lk = (src: string, opts: CheckOptions = {}): CheckResult => run(src, { model: "lkmm", ...opts });
const answer = (r: CheckResult) => (r.verdict === "error" ? `error: ${r.error!.message}` : r.observation?.result ?? r.verdict);

// The shapes, with a hole for what stands between the two accesses of each process.
type Hole = { w?: string; r?: string; a?: string; b?: string };
const sb = (a = "", b = "", wa = "WRITE_ONCE(*x, 1);", wb = "WRITE_ONCE(*y, 1);") => `C SB
{}
P0(int *x, int *y) { ${wa} ${a} int r0 = READ_ONCE(*y); }
P1(int *x, int *y) { ${wb} ${b} int r0 = READ_ONCE(*x); }
exists (0:r0=0 /\\ 1:r0=0)`;
const mp = (h: Hole) => `C MP
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); ${h.a ?? ""} ${h.w ?? "WRITE_ONCE(*y, 1);"} }
P1(int *x, int *y) { int r0 = ${h.r ?? "READ_ONCE(*y)"}; ${h.b ?? ""} int r1 = READ_ONCE(*x); }
exists (1:r0=1 /\\ 1:r1=0)`;
const lb = (p0: string, p1: string) => `C LB
{}
P0(int *x, int *y) { ${p0} }
P1(int *x, int *y) { ${p1} }
exists (0:r0=1 /\\ 1:r0=1)`;
const wrc = (p1: string, p2: string) => `C WRC
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
P1(int *x, int *y) { int r0 = READ_ONCE(*x); ${p1} }
P2(int *x, int *y) { int r0 = READ_ONCE(*y); ${p2} int r1 = READ_ONCE(*x); }
exists (1:r0=1 /\\ 2:r0=1 /\\ 2:r1=0)`;
const iriw = (f: string) => `C IRIW
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
P1(int *x, int *y) { int r0 = READ_ONCE(*x); ${f} int r1 = READ_ONCE(*y); }
P2(int *y) { WRITE_ONCE(*y, 1); }
P3(int *x, int *y) { int r0 = READ_ONCE(*y); ${f} int r1 = READ_ONCE(*x); }
exists (1:r0=1 /\\ 1:r1=0 /\\ 3:r0=1 /\\ 3:r1=0)`;
const w22 = (f: string) => `C 2+2W
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); ${f} WRITE_ONCE(*y, 2); }
P1(int *x, int *y) { WRITE_ONCE(*y, 1); ${f} WRITE_ONCE(*x, 2); }
exists (x=1 /\\ y=1)`;
const r = (f0: string, f1: string) => `C R
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); ${f0} WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { WRITE_ONCE(*y, 2); ${f1} int r0 = READ_ONCE(*x); }
exists (y=2 /\\ 1:r0=0)`;
const s = (f0: string, p1: string) => `C S
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 2); ${f0} WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { ${p1} }
exists (x=2 /\\ 1:r0=1)`;

const CASES: [string, string, "Never" | "Sometimes", string?][] = [
  ["SB", sb(), "Sometimes"],
  ["SB+mbs", sb("smp_mb();", "smp_mb();"), "Never", "propagation"],
  ["SB+mb+po", sb("smp_mb();", ""), "Sometimes"],
  ["SB+wmbs", sb("smp_wmb();", "smp_wmb();"), "Sometimes"],
  ["SB+rmbs", sb("smp_rmb();", "smp_rmb();"), "Sometimes"],
  ["SB+release+acquire", sb("", "", "smp_store_release(x, 1);", "smp_store_release(y, 1);").replace(/READ_ONCE\(\*(\w)\)/g, "smp_load_acquire($1)"), "Sometimes"],
  ["SB+syncs", sb("synchronize_rcu();", "synchronize_rcu();"), "Never", "propagation"],
  // atomic_t.txt: value-returning RMWs are fully ordered, void ones and _relaxed ones are not.
  ["SB+atomic_inc_returns", sb("atomic_inc_return(z);", "atomic_inc_return(z);").replace(/int \*y\)/g, "int *y, atomic_t *z)"), "Never"],
  ["SB+atomic_incs", sb("atomic_inc(z);", "atomic_inc(z);").replace(/int \*y\)/g, "int *y, atomic_t *z)"), "Sometimes"],
  ["SB+atomic_inc_return_relaxeds", sb("atomic_inc_return_relaxed(z);", "atomic_inc_return_relaxed(z);").replace(/int \*y\)/g, "int *y, atomic_t *z)"), "Sometimes"],
  ["SB+atomic_inc+after_atomics", sb("atomic_inc(z); smp_mb__after_atomic();", "atomic_inc(z); smp_mb__after_atomic();").replace(/int \*y\)/g, "int *y, atomic_t *z)"), "Never"],
  ["SB+before_atomic+atomic_incs (the fence orders what precedes it with what follows the RMW)", sb("smp_mb__before_atomic(); atomic_inc(z);", "smp_mb__before_atomic(); atomic_inc(z);").replace(/int \*y\)/g, "int *y, atomic_t *z)"), "Never"],
  ["SB+xchgs", sb("xchg(z, 1);", "xchg(z, 2);").replace(/int \*y\)/g, "int *y, int *z)"), "Never"],
  ["MP", mp({}), "Sometimes"],
  ["MP+wmb+rmb", mp({ a: "smp_wmb();", b: "smp_rmb();" }), "Never", "happens-before"],
  ["MP+wmb", mp({ a: "smp_wmb();" }), "Sometimes"],
  ["MP+rmb", mp({ b: "smp_rmb();" }), "Sometimes"],
  ["MP+release+acquire", mp({ w: "smp_store_release(y, 1);", r: "smp_load_acquire(y)" }), "Never", "happens-before"],
  ["MP+release+once", mp({ w: "smp_store_release(y, 1);" }), "Sometimes"],
  ["MP+mbs", mp({ a: "smp_mb();", b: "smp_mb();" }), "Never"],
  ["MP+wmb+ctrl (a control dependency does not order reads)", mp({ a: "smp_wmb();", b: "if (r0) { int r9 = 0; }" }).replace("int r1 = READ_ONCE(*x); }", "int r1 = 0; if (r0) r1 = READ_ONCE(*x); }"), "Sometimes"],
  ["LB", lb("int r0 = READ_ONCE(*x); WRITE_ONCE(*y, 1);", "int r0 = READ_ONCE(*y); WRITE_ONCE(*x, 1);"), "Sometimes"],
  ["LB+ctrls", lb("int r0 = READ_ONCE(*x); if (r0) WRITE_ONCE(*y, 1);", "int r0 = READ_ONCE(*y); if (r0) WRITE_ONCE(*x, 1);"), "Never", "happens-before"],
  ["LB+datas", lb("int r0 = READ_ONCE(*x); WRITE_ONCE(*y, r0);", "int r0 = READ_ONCE(*y); WRITE_ONCE(*x, r0);"), "Never"],
  ["LB+mbs", lb("int r0 = READ_ONCE(*x); smp_mb(); WRITE_ONCE(*y, 1);", "int r0 = READ_ONCE(*y); smp_mb(); WRITE_ONCE(*x, 1);"), "Never"],
  ["LB+acquire+release", lb("int r0 = smp_load_acquire(x); WRITE_ONCE(*y, 1);", "int r0 = READ_ONCE(*y); smp_store_release(x, 1);"), "Never"],
  ["LB+ctrl+po", lb("int r0 = READ_ONCE(*x); if (r0) WRITE_ONCE(*y, 1);", "int r0 = READ_ONCE(*y); WRITE_ONCE(*x, 1);"), "Sometimes"],
  ["WRC", wrc("WRITE_ONCE(*y, 1);", ""), "Sometimes"],
  ["WRC+release+rmb (release is A-cumulative)", wrc("smp_store_release(y, 1);", "smp_rmb();"), "Never"],
  ["WRC+wmb+rmb (smp_wmb() is not)", wrc("smp_wmb(); WRITE_ONCE(*y, 1);", "smp_rmb();"), "Sometimes"],
  ["WRC+mb+rmb", wrc("smp_mb(); WRITE_ONCE(*y, 1);", "smp_rmb();"), "Never"],
  ["IRIW", iriw(""), "Sometimes"],
  ["IRIW+mbs", iriw("smp_mb();"), "Never", "propagation"],
  ["IRIW+rmbs", iriw("smp_rmb();"), "Sometimes"],
  ["2+2W", w22(""), "Sometimes"],
  ["2+2W+mbs", w22("smp_mb();"), "Never", "propagation"],
  ["R", r("", ""), "Sometimes"],
  ["R+mbs", r("smp_mb();", "smp_mb();"), "Never", "propagation"],
  ["R+wmb+mb", r("smp_wmb();", "smp_mb();"), "Sometimes"],
  ["S", s("", "int r0 = READ_ONCE(*y); WRITE_ONCE(*x, 1);"), "Sometimes"],
  ["S+wmb+acquire", s("smp_wmb();", "int r0 = smp_load_acquire(y); WRITE_ONCE(*x, 1);"), "Never"],
  ["S+wmb+data", s("smp_wmb();", "int r0 = READ_ONCE(*y); WRITE_ONCE(*x, r0);"), "Never"],
  ["S+mb+po", s("smp_mb();", "int r0 = READ_ONCE(*y); WRITE_ONCE(*x, 1);"), "Sometimes"],
];

describe("LKMM: the classic shapes with and without barriers", () => {
  for (const [name, src, want, axiom] of CASES)
    test(`${name}: ${want}`, () => {
      const res = lk(src);
      assert.equal(answer(res), want, formatText(res));
      if (axiom) {
        // The witness of a Never answer is a forbidden execution that satisfies the condition.
        assert.equal(res.lkmm!.witness!.status, "forbidden");
        assert.equal(res.lkmm!.witness!.axiom, axiom);
      }
    });
  test("under SC the same SB is Never: the model matters", () => {
    assert.equal(answer(run(sb())), "Never");
    assert.equal(answer(lk(sb())), "Sometimes");
  });
});

describe("LKMM: RCU, SRCU and locks", () => {
  const rcuMp = (writer: string, reader: [string, string]) => `C MP+rcu
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); ${writer} WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { ${reader[0]} int r0 = READ_ONCE(*y); int r1 = READ_ONCE(*x); ${reader[1]} }
exists (1:r0=1 /\\ 1:r1=0)`;
  test("RCU's guarantee: a grace period outlasts a read-side critical section (MP+synchronize_rcu)", () => {
    const res = lk(rcuMp("synchronize_rcu();", ["rcu_read_lock();", "rcu_read_unlock();"]));
    assert.equal(answer(res), "Never");
    assert.equal(res.lkmm!.witness!.axiom, "rcu");
  });
  test("without the grace period, or without the reader's critical section, the outcome is allowed", () => {
    assert.equal(answer(lk(rcuMp("", ["rcu_read_lock();", "rcu_read_unlock();"]))), "Sometimes");
    assert.equal(answer(lk(rcuMp("synchronize_rcu();", ["", ""]))), "Sometimes");
  });
  test("SRCU: the grace period orders only readers of the same srcu_struct", () => {
    const src = (s2: string) => `C MP+srcu
{}
P0(int *x, int *y, struct srcu_struct *s) { WRITE_ONCE(*x, 1); synchronize_srcu(s); WRITE_ONCE(*y, 1); }
P1(int *x, int *y, struct srcu_struct *s, struct srcu_struct *t) { int i = srcu_read_lock(${s2}); int r0 = READ_ONCE(*y); int r1 = READ_ONCE(*x); srcu_read_unlock(${s2}, i); }
exists (1:r0=1 /\\ 1:r1=0)`;
    assert.equal(answer(lk(src("s"))), "Never");
    assert.equal(answer(lk(src("t"))), "Sometimes");
  });
  const lockMp = (reader: [string, string]) => `C MP+locks
{}
P0(int *x, int *y, spinlock_t *l) { WRITE_ONCE(*x, 1); spin_lock(l); WRITE_ONCE(*y, 1); spin_unlock(l); }
P1(int *x, int *y, spinlock_t *l) { ${reader[0]} int r0 = READ_ONCE(*y); ${reader[1]} int r1 = READ_ONCE(*x); }
exists (1:r0=1 /\\ 1:r1=0)`;
  test("lock-based MP: the lock orders the reader after the writer's critical section", () => {
    assert.equal(answer(lk(lockMp(["spin_lock(l);", "spin_unlock(l);"]))), "Never");
    assert.equal(answer(lk(lockMp(["", ""]))), "Sometimes");
  });
  test("po-unlock-lock-po is A-cumulative: a third CPU with smp_mb() sees the first section's writes", () => {
    // The shape of the kernel's ISA2+pooncelock+pooncelock+pombonce (Result: Never): P1's
    // section follows P0's, and P0's write of x reaches P2 before P1's write of z does, because
    // cumul-fence has po-unlock-lock-po. Without the critical sections the outcome is allowed.
    const isa2 = (lock: string, unlock: string) => `C ISA2+locks
{}
P0(int *x, int *y, spinlock_t *l) { ${lock} WRITE_ONCE(*x, 1); WRITE_ONCE(*y, 1); ${unlock} }
P1(int *y, int *z, spinlock_t *l) { ${lock} int r0 = READ_ONCE(*y); WRITE_ONCE(*z, 1); ${unlock} }
P2(int *x, int *z) { int r2 = READ_ONCE(*z); smp_mb(); int r1 = READ_ONCE(*x); }
exists (1:r0=1 /\\ 2:r2=1 /\\ 2:r1=0)`;
    const locked = lk(isa2("spin_lock(l);", "spin_unlock(l);"));
    assert.equal(answer(locked), "Never");
    assert.equal(locked.observation!.negative, 7);
    assert.equal(answer(lk(isa2("", ""))), "Sometimes");
  });
  test("spin_trylock may fail; two critical sections never overlap", () => {
    const res = lk(`C trylock
{}
P0(int *x, spinlock_t *l) { int r0 = spin_trylock(l); if (r0) { WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 2); spin_unlock(l); } }
P1(int *x, spinlock_t *l) { spin_lock(l); int r1 = READ_ONCE(*x); spin_unlock(l); }
exists (1:r1=1)`);
    assert.equal(answer(res), "Never");
    const fails = lk(`C trylock-fails
{}
P0(spinlock_t *l) { int r0 = spin_trylock(l); if (r0) spin_unlock(l); }
P1(spinlock_t *l) { spin_lock(l); spin_unlock(l); }
exists (0:r0=0)`);
    assert.equal(answer(fails), "Sometimes");
  });
  // Documentation/atomic_bitops.txt: test_and_set_bit_lock() is an ACQUIRE when it takes the bit,
  // clear_bit_unlock() a RELEASE; a test_and_{set,clear}_bit() that leaves the bit as it was is
  // unordered. (linux-kernel.def has no bit operations, so these answers come from that text.)
  const bitLockMp = (unlock: string, lock: string) => `C MP+bitlock
{}
P0(int *x, unsigned long *f) { WRITE_ONCE(*x, 1); ${unlock}; }
P1(int *x, unsigned long *f) { int r0 = ${lock}; int r1 = READ_ONCE(*x); }
exists (1:r0=0 /\\ 1:r1=0)`;
  test("a bit lock orders like a lock: clear_bit_unlock() releases, test_and_set_bit_lock() acquires", () => {
    // f starts held (bit 0 set by the init below); P1 takes it only after P0's unlock.
    const held = (src: string) => src.replace("{}", "{ f = 1; }");
    assert.equal(answer(lk(held(bitLockMp("clear_bit_unlock(0, f)", "test_and_set_bit_lock(0, f)")))), "Never");
    assert.equal(answer(lk(held(bitLockMp("clear_bit(0, f)", "test_and_set_bit_lock(0, f)")))), "Sometimes");
    assert.equal(answer(lk(held(bitLockMp("clear_bit_unlock(0, f)", "READ_ONCE(*f) & 1")))), "Sometimes");
    // The v5.7 and v6.15 page unlocks are releases too.
    assert.equal(answer(lk(held(bitLockMp("clear_bit_unlock_is_negative_byte(0, f)", "test_and_set_bit_lock(0, f)")))), "Never");
    assert.equal(answer(lk(held(bitLockMp("xor_unlock_is_negative_byte(1, f)", "test_and_set_bit_lock(0, f)")))), "Never");
  });
  test("test_and_set_bit() is a full barrier when it sets the bit, none when the bit was already set", () => {
    const sbTas = (f0: number) => `C SB+test_and_set_bit
{ f = ${f0}; }
P0(int *x, int *y, unsigned long *f) { WRITE_ONCE(*x, 1); int r2 = test_and_set_bit(0, f); int r0 = READ_ONCE(*y); }
P1(int *x, int *y) { WRITE_ONCE(*y, 1); smp_mb(); int r0 = READ_ONCE(*x); }
exists (0:r0=0 /\\ 1:r0=0)`;
    assert.equal(answer(lk(sbTas(0))), "Never");
    assert.equal(answer(lk(sbTas(1))), "Sometimes");
  });
});

describe("LKMM: plain accesses, findings, counts", () => {
  const race = `C race
{}
P0(int *x) { *x = 1; }
P1(int *x) { int r0 = *x; }
exists (1:r0=1)`;
  test("a plain-access race is a data-race finding beside herd7's answer", () => {
    const res = lk(race);
    assert.equal(answer(res), "Sometimes");
    assert.ok(res.warnings.some((w) => w.kind === "data-race"), JSON.stringify(res.warnings));
  });
  test("marked accesses do not race; in strict mode a race is a violation of kind data-race", () => {
    assert.ok(!lk(race.replace("*x = 1", "WRITE_ONCE(*x, 1)").replace("= *x", "= READ_ONCE(*x)")).warnings.length);
    const strict = lk(race.replace("C race\n", "C race\n(* Expect: data-race *)\n"));
    assert.equal(strict.verdict, "violation");
    assert.equal(strict.violation!.kind, "data-race");
    assert.equal(strict.expectation!.met, true);
  });
  test("ordered plain accesses do not race (release/acquire message passing)", () => {
    const res = lk(`C mp-plain
{}
P0(int *x, int *y) { *x = 1; smp_store_release(y, 1); }
P1(int *x, int *y) { int r0 = smp_load_acquire(y); int r1 = 0; if (r0) r1 = *x; }
exists (1:r0=1 /\\ 1:r1=0)`);
    assert.equal(answer(res), "Never");
    assert.deepEqual(res.warnings.map((w) => w.kind), []);
  });
  test("a dependency carries through a plain store and load of the same process (linux-kernel.bell's carry-dep)", () => {
    const src = (p0: string) => `C carry
{}
P0(int *x, int *y, int *t) { ${p0} }
P1(int *x, int *y) { int r = smp_load_acquire(y); smp_store_release(x, r); }
exists (x=1 /\\ y=1)`;
    assert.equal(answer(lk(src("int a = READ_ONCE(*x); *t = a; if (*t == 1) WRITE_ONCE(*y, 1);"))), "Never");
    // Without the round trip through *t there is no dependency at all.
    assert.equal(answer(lk(src("int a = READ_ONCE(*x); *t = 1; if (*t == 1) WRITE_ONCE(*y, 1);"))), "Sometimes");
  });
  test("herd7's Observation line counts executions, not final states", () => {
    assert.equal(observationLine(lk(sb())), "Observation SB Sometimes 1 3");
    // Two writes to x from two processes: two coherence orders, so executions outnumber states.
    const res = lk(`C CoWW2
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
P1(int *x) { WRITE_ONCE(*x, 2); int r0 = READ_ONCE(*x); }
exists (x=2)`);
    // co 1->2 with r0=2 ends with x=2; co 2->1 with r0=2 or r0=1 ends with x=1.
    assert.equal(observationLine(res), "Observation CoWW2 Sometimes 1 2");
    assert.equal(res.lkmm!.executions, 3);
    assert.equal(res.finalStates.length, 2);
  });
  test("assert() under LKMM: violated only in an execution the model allows", () => {
    const src = (a: string, b: string) => `C mp-assert
(* Expect: ${a ? "clean" : "assert"} *)
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); ${a} WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { int r0 = READ_ONCE(*y); ${b} int r1 = READ_ONCE(*x); assert(!(r0 == 1 && r1 == 0)); }`;
    const weak = lk(src("", ""));
    assert.equal(weak.verdict, "violation");
    assert.equal(weak.violation!.kind, "assert");
    assert.equal(weak.lkmm!.witness!.status, "allowed");
    assert.equal(lk(src("smp_wmb();", "smp_rmb();")).verdict, "pass");
    assert.equal(run(src("", "")).verdict, "pass", "under SC no interleaving violates it");
  });
  test("the witness is a graph: events per process with rf, co and fr edges (JSON)", () => {
    const g = lk(mp({})).lkmm!.witness!;
    assert.equal(g.status, "allowed");
    const rels = new Set(g.edges.map((e) => e.rel));
    for (const rel of ["po", "rf", "co", "fr"]) assert.ok(rels.has(rel), rel);
    assert.deepEqual([...new Set(g.events.map((e) => e.proc))], ["init", "P0", "P1"]);
    assert.ok(g.events.some((e) => e.text === "R[once] y=1"));
  });
});

describe("LKMM: reports", () => {
  test("the HTML report draws the execution as SVG, with the forbidden cycle", () => {
    const src = mp({ a: "smp_wmb();", b: "smp_rmb();" });
    const html = renderHtml(lk(src), src);
    assert.match(html, /<svg[^>]*class="execution"/);
    assert.match(html, /forbidden: the happens-before axiom fails/);
    assert.match(html, /stroke-width="3"/, "the cycle's edges are drawn thick");
  });
  test("the text report shows the execution, not an interleaving", () => {
    const text = formatText(lk(mp({})));
    assert.match(text, /an execution the LKMM allows/);
    assert.match(text, /^\s+rf: /m);
    assert.match(text, /Observation MP Sometimes 1 3/);
  });
});

describe("LKMM: the kernel model's use-after-free", () => {
  test("an access the execution does not order before the free is a use after free", () => {
    const r = checkFile("scenarios/next/thp-tail-raw-ref.litmus", { model: "lkmm" });
    assert.equal(r.verdict, "violation");
    assert.equal(r.violation!.kind, "use-after-free");
  });
  test("get_page_unless_zero checks the page itself, atomically: no finding (as under SC)", () => {
    const r = checkFile("scenarios/next/put-vs-speculative-get-unless-zero.litmus", { model: "lkmm" });
    assert.equal(r.verdict, "pass", formatText(r));
  });
});

describe("LKMM: loops, the Model: line, refusals", () => {
  const spin = (wait: string) => `C spin
{}
P0(int *x, int *y) { WRITE_ONCE(*y, 1); smp_store_release(x, 1); }
P1(int *x, int *y) { ${wait} int r1 = READ_ONCE(*y); }
exists (1:r1=0)`;
  test("a spin loop is cut by the unroll bound: the verdict is incomplete, never pass", () => {
    const res = lk(spin("int n = 0; while (!smp_load_acquire(x)) n++;"));
    assert.equal(res.verdict, "incomplete");
    assert.equal(res.incomplete!.limit, "unroll");
    assert.ok(res.lkmm!.cut > 0);
    assert.equal(res.observation, undefined);
    // The message counts what was cut and what ended within the bound (no SC search levels).
    assert.match(res.incomplete!.detail!, /^\d+ allowed executions? runs? a loop past the bound of 2 iterations \(P1 at test\.litmus:4\); the \d+ that end within it have no finding; raise --unroll$/);
    // A path the bound cuts inside an RCU read-side critical section has not ended in it.
    const inRcu = lk(spin("int n = 0; rcu_read_lock(); while (!smp_load_acquire(x)) n++; rcu_read_unlock();"));
    assert.equal(inRcu.incomplete?.limit, "unroll");
    assert.deepEqual(inRcu.warnings ?? [], []);
    const forever = lk(spin("for (;;) { }"));
    assert.equal(forever.verdict, "incomplete");
    // Every path of P1 is cut, so no execution can end within the bound: said without a search.
    assert.match(forever.incomplete!.detail!, /^every path of P1 runs a loop past the bound of 2 iterations \(test\.litmus:\d+\), so no execution ends within it; .*for \(;;\)/);
    assert.equal(forever.lkmm!.candidates, 0);
  });
  test("await() needs no bound: executions where the condition is false do not complete", () => {
    const res = lk(spin("await(smp_load_acquire(x));"));
    assert.equal(res.verdict, "pass");
    assert.equal(answer(res), "Never");
    assert.equal(res.lkmm!.cut, 0);
    assert.equal(answer(lk(spin("await(READ_ONCE(*x));"))), "Sometimes");
  });
  test("a spin loop whose iterations change nothing needs no bound, as await() does", () => {
    // The lowering turns a loop with an empty body into await() (busy-wait.test.ts). These it
    // does not: a failed iteration only reads x (relaxed: READ_ONCE, a failed add_unless) and
    // leaves the process as it was, so going round again is dropped, not cut (paths.ts).
    for (const [wait, want] of [
      ["int t = 0; do { t = READ_ONCE(*x); } while (t == 0);", "Sometimes"],
      // A failed add_unless orders nothing; the one that succeeds is fully ordered.
      ["while (!atomic_add_unless((atomic_t *)x, 1, 0)) cpu_relax();", "Never"],
    ] as const) {
      const res = lk(spin(wait));
      assert.equal(res.lkmm!.cut, 0, wait);
      assert.equal(answer(res), want, wait);
    }
    // Iterations that change something are still cut: an acquire read (it orders what follows),
    // a fence, a write, a register counting the iterations.
    for (const wait of [
      "int t = 0; do { t = smp_load_acquire(x); } while (t == 0);",
      "int t = 0; do { t = READ_ONCE(*x); smp_mb(); } while (t == 0);",
      "int t = 0; do { t = READ_ONCE(*x); WRITE_ONCE(*y, 2); } while (t == 0);",
      "int n = 0; int t = 0; do { t = READ_ONCE(*x); n++; } while (t == 0);",
    ]) {
      const res = lk(spin(wait));
      assert.equal(res.verdict, "incomplete", wait);
      assert.equal(res.incomplete!.limit, "unroll", wait);
    }
  });
  test("--unroll N: a counted loop is complete once N covers it", () => {
    const src = `C loop
{}
P0(int *x) { for (int i = 0; i < 3; i++) WRITE_ONCE(*x, i + 1); }
P1(int *x) { int r0 = READ_ONCE(*x); }
exists (1:r0=3)`;
    assert.equal(lk(src, { unroll: 1 }).verdict, "incomplete");
    const full = lk(src, { unroll: 4 });
    assert.equal(answer(full), "Sometimes");
    assert.equal(full.lkmm!.unroll, 4);
  });
  test("a Model: lkmm header line selects the model; --model overrides it", () => {
    const src = sb().replace("C SB\n", "C SB\n(* Model: lkmm *)\n");
    assert.equal(answer(run(src)), "Sometimes");
    assert.equal(answer(run(src, { model: "sc" })), "Never");
  });
  test("an unknown Model: value is an error at its position", () => {
    const res = run(sb().replace("C SB\n", "C SB\n(* Model: tso *)\n"));
    assert.equal(res.verdict, "error");
    assert.equal(res.error!.line, 2);
    assert.equal(res.error!.col, 11);
    assert.match(res.error!.message, /unknown model 'tso'/);
  });
  test("PROGRESS()/GOAL() under lkmm are refused with a clear message", () => {
    const res = lk(`C live
{}
P0(int *x) { while (READ_ONCE(*x) == 0) { PROGRESS(); } }
P1(int *x) { WRITE_ONCE(*x, 1); }`);
    assert.equal(res.verdict, "error");
    assert.match(res.error!.message, /liveness is checked under sequential consistency only/);
    assert.equal(res.error!.line, 3);
  });
});

describe("LKMM: relations", () => {
  test("a cycle is found even when an event after it has no successor on it", async () => {
    const { Rel } = await import("../src/lkmm/rel.js");
    const r = new Rel(40);
    // 35 -> 36 -> 35 is the cycle; 36 -> 39 leads out of it, 2 -> 35 into it.
    for (const [i, j] of [[35, 36], [36, 35], [36, 39], [2, 35]]) r.add(i, j);
    const c = r.cycle()!;
    assert.equal(c.length, 2);
    for (let k = 0; k < c.length; k++) assert.ok(r.has(c[k], c[(k + 1) % c.length]), `${c}`);
    r.a.fill(0);
    r.add(1, 2);
    assert.equal(r.cycle(), null);
  });
});
