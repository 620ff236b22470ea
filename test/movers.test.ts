// Merged lock releases (src/ir/movers.ts): a release that is a left mover runs in the step
// before it. Checked against the search without it: the same verdict, violation kind, final
// states and Observation, never more states; and each construct that makes a release
// observable keeps it a step, with the reason and the construct named in the report.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkSource, CheckResult } from "../src/check.js";
import { formatText } from "../src/report/text.js";
import { rng } from "./difftest/gen.js";

const finals = (r: CheckResult) => new Set(r.finalStates.map((f) => JSON.stringify(f)));

function agree(name: string, src: string, opts: Record<string, unknown> = {}): { merged: CheckResult; plain: CheckResult } {
  const merged = checkSource(src, name, opts);
  const plain = checkSource(src, name, { ...opts, mergeLocks: false });
  assert.notEqual(plain.verdict, "error", `${name}: ${plain.error?.formatted}`);
  assert.equal(merged.verdict, plain.verdict, `${name}: verdict`);
  assert.equal(merged.violation?.kind, plain.violation?.kind, `${name}: violation kind`);
  if (plain.verdict === "pass") {
    assert.deepEqual(finals(merged), finals(plain), `${name}: final states`);
    assert.equal(merged.observation?.result, plain.observation?.result, `${name}: observation`);
    // (At a violation the search stops part-way through a level: its counts are not comparable.)
    assert.ok(merged.stats.states <= plain.stats.states, `${name}: merged ${merged.stats.states} > ${plain.stats.states}`);
  }
  return { merged, plain };
}

/**
 * Processes written the way kernel code takes locks: critical sections on one or two locks
 * (so ABBA deadlocks happen), early exits that unlock in a branch, a mutex, checks inside
 * and outside the sections, and lost updates where a section is missing.
 */
function lockProgram(seed: number): string {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const section = () =>
    pick([
      "\tspin_lock(a);\n\tWRITE_ONCE(*x, READ_ONCE(*x) + 1);\n\tspin_unlock(a);",
      "\tspin_lock(a);\n\tif (READ_ONCE(*y) == 1) {\n\t\tspin_unlock(a);\n\t\treturn;\n\t}\n\tWRITE_ONCE(*x, 2);\n\tspin_unlock(a);",
      "\tspin_lock(b);\n\tr0 = READ_ONCE(*x);\n\tWRITE_ONCE(*y, r0);\n\tspin_unlock(b);",
      "\tspin_lock(a);\n\tspin_lock(b);\n\tWRITE_ONCE(*y, 1);\n\tspin_unlock(b);\n\tspin_unlock(a);",
      "\tspin_lock(b);\n\tspin_lock(a);\n\tWRITE_ONCE(*y, 2);\n\tspin_unlock(a);\n\tspin_unlock(b);",
      "\tmutex_lock(m);\n\tr1 = READ_ONCE(*y);\n\tmutex_unlock(m);\n\tWRITE_ONCE(*x, r1);",
      "\tWRITE_ONCE(*x, READ_ONCE(*x) + 1);",
      "\tspin_lock(a);\n\tBUG_ON(READ_ONCE(*x) > 2);\n\tspin_unlock(a);",
      "\tspin_lock(a);\n\twhile (READ_ONCE(*y) == 3)\n\t\tcpu_relax();\n\tspin_unlock(a);",
    ]);
  const n = 2 + Math.floor(r() * 2);
  const procs: string[] = [];
  for (let p = 0; p < n; p++) {
    const body = Array.from({ length: 1 + Math.floor(r() * 3) }, section).join("\n");
    procs.push(`P${p}(spinlock_t *a, spinlock_t *b, struct mutex *m, int *x, int *y)\n{\n\tint r0 = 0;\n\tint r1 = 0;\n${body}\n}`);
  }
  return `C locks-${seed}\n{ spinlock_t a; spinlock_t b; struct mutex m; int x = 0; int y = 0; }\n\n${procs.join("\n\n")}\n\nexists (x=1 /\\ y=0)\n`;
}

test("merged releases: 120 generated lock programs agree with the search that keeps each release a step", () => {
  let merged = 0;
  let violations = 0;
  for (let seed = 1; seed <= 120; seed++) {
    const src = lockProgram(seed);
    const name = `locks-${seed}`;
    const a = agree(name, src);
    // The same with the other reductions off, so that merging alone is compared.
    agree(name, src, { por: false, symmetry: false });
    if (a.merged.reductions!.locks.applied) merged++;
    if (a.plain.verdict === "violation") violations++;
  }
  assert.ok(merged >= 100, `${merged} programs had releases merged`);
  assert.ok(violations >= 10, `${violations} programs deadlock or fail a check`);
});

const TWO = `C two-sections
{ spinlock_t l; int x = 0; int y = 0; }
P0(spinlock_t *l, int *x, int *y) { spin_lock(l); WRITE_ONCE(*x, 1); spin_unlock(l); }
P1(spinlock_t *l, int *x, int *y) { spin_lock(l); int r0 = READ_ONCE(*x); spin_unlock(l); WRITE_ONCE(*y, r0); }
exists (y=1)
`;

test("merged releases: fewer states, the reductions line counts them, and a trace shows the release in its step", () => {
  const { merged, plain } = agree("two", TWO, { por: false });
  assert.ok(merged.stats.states < plain.stats.states, `${merged.stats.states} < ${plain.stats.states}`);
  assert.deepEqual(merged.reductions!.locks, { applied: true, releases: 2, acquires: 2, note: null, site: null });
  assert.equal(plain.reductions!.locks.note, "switched off (--no-merge-locks)");
  assert.match(formatText(merged), /2 lock releases and 2 lock acquires merged with the step before \/ after/);
  // A violation's trace: the read and the release are one step, and both are shown.
  const bad = checkSource(TWO.replace("exists (y=1)", "").replace("WRITE_ONCE(*y, r0);", "BUG_ON(r0 == 1);"), "bad");
  assert.equal(bad.violation?.kind, "bug");
  // Each critical section is one step now: the acquire, its access, the release.
  const steps = bad.violation!.trace.steps;
  assert.deepEqual(steps.map((s) => [s.procName, s.site.text, (s.then ?? []).map((t) => t.text)]), [
    ["P0", "spin_lock(l)", ["WRITE_ONCE(*x, 1)", "spin_unlock(l)"]],
    ["P1", "spin_lock(l)", ["int r0 = READ_ONCE(*x)", "spin_unlock(l)"]],
  ]);
  assert.match(formatText(bad), /P1  spin_lock\(l\)  bad:4; then int r0 = READ_ONCE\(\*x\)  bad:4; then spin_unlock\(l\)  bad:4   \[read x=1, l 0→2, l 2→0\]/);
});

test("merged releases: liveness keeps every release a step", () => {
  const live = `C live
{ spinlock_t l; int x = 0; }
P0(spinlock_t *l, int *x) { for (;;) { spin_lock(l); WRITE_ONCE(*x, 1); spin_unlock(l); PROGRESS(); } }
`;
  const r = checkSource(live, "live");
  assert.equal(r.reductions!.locks.applied, false);
  assert.match(r.reductions!.locks.note ?? "", /liveness/);
});

// Each construct below can tell whether a lock is held at the moment between a step and the
// release after it, so merging there could hide an outcome: the release must stay a step.
const OBSERVERS: [string, string, RegExp][] = [
  [
    "trylock",
    `C trylock
{ spinlock_t l; int x = 0; }
P0(spinlock_t *l, int *x) { spin_lock(l); WRITE_ONCE(*x, 1); spin_unlock(l); }
P1(spinlock_t *l, int *x) { int r0 = READ_ONCE(*x); int r1 = spin_trylock(l); if (r1) spin_unlock(l); }
exists (1:r0=1 /\\ 1:r1=0)
`,
    /P1 calls a trylock/,
  ],
  [
    "is-locked",
    `C is-locked
{ spinlock_t l; int x = 0; }
P0(spinlock_t *l, int *x) { spin_lock(l); WRITE_ONCE(*x, 1); spin_unlock(l); }
P1(spinlock_t *l, int *x) { int r0 = READ_ONCE(*x); int r1 = spin_is_locked(l); }
exists (1:r0=1 /\\ 1:r1=1)
`,
    /P1 asks whether a lock is held/,
  ],
];

test("merged releases: a trylock or spin_is_locked keeps releases steps, and the outcome it sees stays reachable", () => {
  for (const [name, src, why] of OBSERVERS) {
    const { merged } = agree(name, src);
    assert.equal(merged.reductions!.locks.applied, false, name);
    assert.match(merged.reductions!.locks.note ?? "", why, name);
    assert.ok(merged.reductions!.locks.site?.line, `${name}: the construct's line`);
    // P1 sees x written but the lock still held: only in the state between P0's store and its release.
    assert.equal(merged.observation?.result, "Sometimes", name);
  }
});

test("merged releases: a lock inside an object another process frees stays a step (the use-after-free is found)", () => {
  // P1 frees the object once it sees v = 1: between P0's store and its release, so the
  // release touches a freed object. Merged, that state would not exist.
  const src = `C freed-lock
{ }
struct obj { spinlock_t lk; int v; int __ghost_freed; };
P0(struct obj *o) { spin_lock(&o->lk); WRITE_ONCE(o->v, 1); spin_unlock(&o->lk); }
P1(struct obj *o) { if (READ_ONCE(o->v) == 1) WRITE_ONCE(o->__ghost_freed, 1); }
`;
  const { merged } = agree("freed-lock", src);
  assert.equal(merged.violation?.kind, "use-after-free");
  assert.equal(merged.reductions!.locks.applied, false);
  assert.match(merged.reductions!.locks.note ?? "", /object some process frees/);
});

test("merged releases: a plain access through a pointer read from memory that reaches a lock ends the search, which runs again unmerged", () => {
  // P2 reads through a pointer P1 stores: not known before the search, so it is checked while
  // searching; when it reaches the lock, the merged search stops and the plain one answers.
  const src = `C pointer-to-lock
{ spinlock_t l; int x = 0; int *p = &x; }
P0(spinlock_t *l, int *x) { spin_lock(l); WRITE_ONCE(*x, 1); spin_unlock(l); }
P1(int **p, spinlock_t *l) { WRITE_ONCE(*p, (int *)l); }
P2(int **p) { int *q = READ_ONCE(*p); int r0 = READ_ONCE(*q); }
exists (2:r0=1)
`;
  const { merged, plain } = agree("pointer-to-lock", src);
  assert.equal(merged.stats.states, plain.stats.states);
  assert.equal(merged.reductions!.locks.applied, false);
  assert.match(merged.reductions!.locks.note ?? "", /P2 accesses l through an address not known before the search.*searched again without merging/);
  assert.equal(merged.reductions!.locks.site?.line, 5);
  // The same pointer kept on x: the guard never fires and the releases stay merged.
  const onX = checkSource(src.replace("WRITE_ONCE(*p, (int *)l);", "WRITE_ONCE(*p, x);").replace("P1(int **p, spinlock_t *l)", "P1(int **p, int *x)"), "on-x");
  assert.equal(onX.verdict, "pass", onX.error?.formatted);
  assert.equal(onX.reductions!.locks.applied, true);
});

test("merged acquires: an acquire joins the step after it only when that step can never block", () => {
  // ABBA: the step after spin_lock(a) is spin_lock(b), which blocks: merging them would hide the
  // state where P0 holds a and waits for b - the deadlock. Both stay steps, the deadlock is found.
  const abba = `C abba
{ spinlock_t a; spinlock_t b; }
P0(spinlock_t *a, spinlock_t *b) { spin_lock(a); spin_lock(b); spin_unlock(b); spin_unlock(a); }
P1(spinlock_t *a, spinlock_t *b) { spin_lock(b); spin_lock(a); spin_unlock(a); spin_unlock(b); }
`;
  const { merged } = agree("abba", abba);
  assert.equal(merged.violation?.kind, "deadlock");
  // No acquire joins: after the outer ones comes a blocking acquire, after the inner ones
  // only their merged releases and the end (no step to join).
  assert.equal(merged.reductions!.locks.acquires, 0);
  assert.equal(merged.reductions!.locks.releases, 4);
  // A wait inside the section: the step after the acquire can block, so it stays a step.
  const wait = `C wait-inside
{ spinlock_t l; int x = 0; }
P0(spinlock_t *l, int *x) { spin_lock(l); while (READ_ONCE(*x) == 0) cpu_relax(); spin_unlock(l); }
P1(spinlock_t *l, int *x) { spin_lock(l); WRITE_ONCE(*x, 1); spin_unlock(l); }
`;
  const w = agree("wait-inside", wait);
  assert.equal(w.merged.violation?.kind, "deadlock", "P0 waits holding l, P1 cannot take it");
  assert.equal(w.merged.reductions!.locks.acquires, 1, "only P1's acquire joins its store");
});
