// Soundness of the reductions: every catalog scenario and 50 generated programs, checked with
// the defaults (partial-order reduction + symmetry) and with both off, must give the same
// verdict and violation kind, the same set of final states, and no more states when reduced.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSource, CheckResult } from "../src/check.js";
import { generate, rng } from "./difftest/gen.js";
import { compileSource } from "../src/ir/compile.js";
import { lockSymmetryObstacle, symmetryGroups } from "../src/engine/symmetry.js";
import { collectScenarioFiles } from "../src/cli/test.js";

const root = fileURLToPath(new URL("../../", import.meta.url));


/** Every reduction off: partial-order, symmetry and merged lock releases (src/ir/movers.ts). */
const UNREDUCED = { por: false, symmetry: false, mergeLocks: false };

const finals = (r: CheckResult) => new Set(r.finalStates.map((f) => JSON.stringify(f)));

function compare(name: string, src: string): void {
  const reduced = checkSource(src, name);
  const full = checkSource(src, name, UNREDUCED);
  assert.equal(reduced.verdict, full.verdict, `${name}: verdict`);
  assert.notEqual(full.verdict, "error", `${name}: ${full.error?.message}`);
  assert.equal(reduced.violation?.kind, full.violation?.kind, `${name}: violation kind`);
  if (full.verdict === "pass") {
    assert.deepEqual(finals(reduced), finals(full), `${name}: final states`);
    assert.equal(reduced.observation?.result, full.observation?.result, `${name}: observation`);
  }
  assert.ok(reduced.stats.states <= full.stats.states, `${name}: reduced ${reduced.stats.states} > unreduced ${full.stats.states}`);
}

test("reductions: catalog scenarios agree with the unreduced search", () => {
  const files = collectScenarioFiles([join(root, "scenarios")]);
  assert.ok(files.length > 0);
  for (const f of files) compare(f, readFileSync(f, "utf8"));
});

test("reductions: 50 generated programs agree with the unreduced search", () => {
  for (let seed = 1001; seed <= 1050; seed++) compare(`gen-${seed}`, generate(seed));
});

// SRCU (per-domain hidden cells, per-process nesting and wait masks) and the use-after-free
// check (every access reads its object's __ghost_freed cell): hand-written programs where a
// wrong footprint would let partial-order reduction drop an interleaving that matters.
const SRCU_AND_FREED: [string, string][] = [
  [
    "srcu-readers-two-domains",
    `C srcu-readers
{ struct srcu_struct s1; struct srcu_struct s2; }
P0(int *x, int *y, struct srcu_struct *s1) { int i = srcu_read_lock(s1); int r0 = READ_ONCE(*x); int r1 = READ_ONCE(*y); srcu_read_unlock(s1, i); }
P1(int *x, int *y, struct srcu_struct *s1) { int i = srcu_read_lock(s1); int r0 = READ_ONCE(*x); int r1 = READ_ONCE(*y); srcu_read_unlock(s1, i); }
P2(int *x, int *y, struct srcu_struct *s2) { int i = srcu_down_read(s2); int r0 = READ_ONCE(*y); srcu_up_read(s2, i); }
P3(int *x, int *y, struct srcu_struct *s1, struct srcu_struct *s2) { WRITE_ONCE(*x, 1); synchronize_srcu(s1); WRITE_ONCE(*y, 1); synchronize_srcu_expedited(s2); WRITE_ONCE(*x, 2); }
exists (0:r0=0 /\\ 0:r1=1)
`,
  ],
  [
    "srcu-deferred-free-other-domain",
    `C srcu-other
{}
P0(int *x, int *y, struct srcu_struct *s1) { int i = srcu_read_lock(s1); int r0 = READ_ONCE(*x); int r1 = READ_ONCE(*y); srcu_read_unlock(s1, i); }
P1(int *x, int *y, struct srcu_struct *s2) { WRITE_ONCE(*x, 1); synchronize_srcu(s2); WRITE_ONCE(*y, 1); }
P2(int *z, struct srcu_struct *s2) { int i = srcu_read_lock(s2); WRITE_ONCE(*z, 1); srcu_read_unlock(s2, i); }
exists (0:r0=0 /\\ 0:r1=1)
`,
  ],
  [
    "srcu-dynamic-domain",
    `C srcu-dyn
{ struct srcu_struct ss[2]; }
P0(int *x, int *y, int *k) { struct srcu_struct *sp = &ss[READ_ONCE(*k)]; int i = srcu_read_lock(sp); int r0 = READ_ONCE(*x); int r1 = READ_ONCE(*y); srcu_read_unlock(sp, i); }
P1(int *x, int *y) { WRITE_ONCE(*x, 1); synchronize_srcu(&ss[0]); WRITE_ONCE(*y, 1); }
P2(int *k) { WRITE_ONCE(*k, 1); }
exists (0:r0=0 /\\ 0:r1=1)
`,
  ],
  [
    "srcu-ends-inside",
    `C srcu-ends-inside
{}
P0(struct srcu_struct *s, int *x) { int i = srcu_read_lock(s); WRITE_ONCE(*x, 1); }
P1(struct srcu_struct *s, int *y) { WRITE_ONCE(*y, 1); synchronize_srcu(s); }
P2(int *x, int *y) { int r0 = READ_ONCE(*x); int r1 = READ_ONCE(*y); }
`,
  ],
  [
    "srcu-self-deadlock-late",
    `C srcu-self-late
{}
P0(struct srcu_struct *s, int *x) { if (READ_ONCE(*x) == 1) { int i = srcu_read_lock(s); synchronize_srcu(s); srcu_read_unlock(s, i); } }
P1(int *x, int *y) { WRITE_ONCE(*y, 1); WRITE_ONCE(*x, 1); }
`,
  ],
  [
    "use-after-free-needs-the-freed-cell",
    `C uaf
{ }
struct obj { int x; int __ghost_freed; };
P0(struct obj *o) { int r0 = READ_ONCE(o->x); }
P1(struct obj *o) { WRITE_ONCE(o->__ghost_freed, 1); }
`,
  ],
  [
    "srcu-in-a-freed-object",
    `C srcu-freed
{ }
struct dev { struct srcu_struct srcu; int __ghost_freed; };
P0(struct dev *d) { int i = srcu_read_lock(&d->srcu); srcu_read_unlock(&d->srcu, i); }
P1(struct dev *d) { WRITE_ONCE(d->__ghost_freed, 1); }
`,
  ],
];

test("reductions: SRCU and use-after-free programs agree with the unreduced search", () => {
  for (const [name, src] of SRCU_AND_FREED) compare(name, src);
  // and the violations are really found with the reductions on
  const kinds = SRCU_AND_FREED.map(([name, src]) => [name, checkSource(src, name).violation?.kind ?? null]);
  assert.deepEqual(kinds, [
    ["srcu-readers-two-domains", null],
    ["srcu-deferred-free-other-domain", null],
    ["srcu-dynamic-domain", null],
    ["srcu-ends-inside", "deadlock"],
    ["srcu-self-deadlock-late", "deadlock"],
    ["use-after-free-needs-the-freed-cell", "use-after-free"],
    ["srcu-in-a-freed-object", "use-after-free"],
  ]);
});

test("reductions: symmetry among processes that take locks agrees with the unreduced search", () => {
  // Generated programs whose interchangeable processes take spinlocks (the lock cells hold their
  // owners' ids, which the canonical form renames), with symmetry alone and with both reductions.
  let checked = 0;
  for (let seed = 1; seed <= 600; seed++) {
    const src = generate(seed);
    const { model } = compileSource(`gen-${seed}`, src);
    const lockGroups = symmetryGroups(model).filter((g) => model.processes[g[0]].code.some((i) => i.op === "lock" || i.op === "trylock"));
    if (lockGroups.length === 0) continue;
    checked++;
    const full = checkSource(src, `gen-${seed}`, UNREDUCED);
    // Merged releases shorten traces (a step and its release are one step): off here, where
    // symmetry must keep the shortest trace's length; they have their own test below.
    for (const opts of [{ por: false, mergeLocks: false }, { mergeLocks: false }]) {
      const reduced = checkSource(src, `gen-${seed}`, opts);
      assert.equal(reduced.verdict, full.verdict, `gen-${seed} ${JSON.stringify(opts)}: verdict`);
      assert.equal(reduced.violation?.kind, full.violation?.kind, `gen-${seed}: violation kind`);
      if (full.verdict === "pass") assert.deepEqual(finals(reduced), finals(full), `gen-${seed}: final states`);
      if (reduced.violation) assert.equal(reduced.violation.trace.steps.length, full.violation!.trace.steps.length, `gen-${seed}: shortest trace`);
    }
  }
  assert.ok(checked >= 30, `${checked} programs with lock-taking symmetric processes`);
});

test("symmetry: interchangeable lock-taking writers of the natural-style PV model are one group", () => {
  const src = `C two-writers
{ spinlock_t lk; int wb = 0; }
P0(spinlock_t *lk, int *wb) { for (int i = 0; i < 2; i++) { spin_lock(lk); WRITE_ONCE(*wb, READ_ONCE(*wb) + 1); spin_unlock(lk); } }
P1(spinlock_t *lk, int *wb) { for (int j = 0; j < 2; j++) { spin_lock(lk); WRITE_ONCE(*wb, READ_ONCE(*wb) + 1); spin_unlock(lk); } }
P2(spinlock_t *lk, int *wb) { for (int k = 0; k < 2; k++) { spin_lock(lk); WRITE_ONCE(*wb, READ_ONCE(*wb) + 1); spin_unlock(lk); } }
exists (wb=6)
`;
  const { model } = compileSource("w", src);
  assert.deepEqual(symmetryGroups(model), [[0, 1, 2]]);
  const sym = checkSource(src, "w", { por: false });
  const full = checkSource(src, "w", { por: false, symmetry: false });
  assert.equal(sym.observation?.result, "Always");
  assert.equal(full.observation?.result, "Always");
  assert.ok(sym.stats.states * 3 < full.stats.states, `${sym.stats.states} vs ${full.stats.states}`);
  // A process that reads the lock as a value could see an owner's id: then no renaming.
  const leaky = src.replace("exists (wb=6)", "P3(spinlock_t *lk) { int v = READ_ONCE(*(int *)lk); }\nexists (wb=6)");
  const lm = compileSource("l", leaky).model;
  assert.match(lockSymmetryObstacle(lm) ?? "", /P3 reads or writes the lock lk as a value/);
  assert.deepEqual(symmetryGroups(lm), []);
});

/** Small programs with identical processes that use RCU, SRCU and a spinlock (deterministic per seed). */
function rcuProgram(seed: number): string {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const body = (n: number) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++)
      out.push(
        pick([
          "\trcu_read_lock();\n\tr0 = READ_ONCE(*x);\n\trcu_read_unlock();",
          "\tidx = srcu_read_lock(s);\n\tr1 = READ_ONCE(*y);\n\tsrcu_read_unlock(s, idx);",
          "\tWRITE_ONCE(*x, r1 + 1);\n\tsynchronize_rcu();",
          "\tWRITE_ONCE(*y, r0 + 1);\n\tsynchronize_srcu(s);",
          "\tspin_lock(l);\n\tWRITE_ONCE(*x, READ_ONCE(*y));\n\tspin_unlock(l);",
          "\trcu_read_lock();\n\tspin_lock(l);\n\tr0 = READ_ONCE(*y);\n\tspin_unlock(l);\n\trcu_read_unlock();",
          "\tspin_lock(l);\n\tsynchronize_rcu();\n\tspin_unlock(l);", // with the one above: a deadlock
          "\tassert(READ_ONCE(*x) < 3);",
        ]),
      );
    return out.join("\n");
  };
  const twin = body(2 + Math.floor(r() * 2));
  const other = body(2);
  const params = "int *x, int *y, spinlock_t *l, struct srcu_struct *s";
  const proc = (i: number, b: string) => `P${i}(${params})\n{\n\tint r0 = 0;\n\tint r1 = 0;\n\tint idx = 0;\n${b}\n}\n`;
  return `C rcu-gen-${seed}\n{ spinlock_t l; }\n${proc(0, other)}${proc(1, twin)}${proc(2, twin)}${r() < 0.5 ? proc(3, twin) : ""}locations [x; y]\n`;
}

test("reductions: symmetry among processes that use RCU, SRCU and locks agrees with the unreduced search", () => {
  let grouped = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const src = rcuProgram(seed);
    const { model } = compileSource(`rcu-gen-${seed}`, src);
    if (symmetryGroups(model).length) grouped++;
    const full = checkSource(src, `rcu-gen-${seed}`, UNREDUCED);
    assert.notEqual(full.verdict, "error", full.error?.formatted);
    for (const opts of [{ por: false, mergeLocks: false }, { mergeLocks: false }]) {
      const reduced = checkSource(src, `rcu-gen-${seed}`, opts);
      assert.equal(reduced.verdict, full.verdict, `rcu-gen-${seed} ${JSON.stringify(opts)}: verdict`);
      assert.equal(reduced.violation?.kind, full.violation?.kind, `rcu-gen-${seed}: violation kind`);
      if (full.verdict === "pass") assert.deepEqual(finals(reduced), finals(full), `rcu-gen-${seed}: final states`);
      if (reduced.violation) assert.equal(reduced.violation.trace.steps.length, full.violation!.trace.steps.length, `rcu-gen-${seed}: shortest trace`);
      assert.ok(reduced.stats.states <= full.stats.states);
    }
  }
  assert.equal(grouped, 60, "every program has a symmetric group");
});

test("the report names the reductions applied, and why a process with a twin was left out", () => {
  const src = `C report
{}
P0(int *x) { rcu_read_lock(); int r = READ_ONCE(*x); rcu_read_unlock(); }
P1(int *x) { rcu_read_lock(); int r = READ_ONCE(*x); rcu_read_unlock(); }
P2(int *x) { WRITE_ONCE(*x, 1); synchronize_rcu(); }
P3(int *y) { WRITE_ONCE(*y, 1); }
P4(int *y) { WRITE_ONCE(*y, 1); }
P5(int *y) { WRITE_ONCE(*y, 1); }
exists (0:r=1)
`;
  const r = checkSource(src, "report.litmus");
  assert.deepEqual(r.reductions?.symmetry.groups, [["P3", "P4", "P5"]]);
  assert.deepEqual(r.reductions?.symmetry.excluded, [{ process: "P0", reason: "the final condition names its registers", site: null }]);
  assert.deepEqual(r.reductions?.por, { applied: true, note: null });
  // A process that reads a lock as a value: the lock-takers are left out, with the construct's place.
  const leaky = src.replace("exists (0:r=1)", "P6(spinlock_t *l) { spin_lock(l); }\nP7(spinlock_t *l) { spin_lock(l); }\nP8(spinlock_t *l) { int v = READ_ONCE(*(int *)l); }\n");
  const l = checkSource(leaky, "leaky.litmus");
  assert.deepEqual(l.reductions?.symmetry.groups, [["P3", "P4", "P5"]]);
  const ex = l.reductions!.symmetry.excluded.map((x) => [x.process, x.site?.line, x.site?.text]);
  assert.deepEqual(ex, [["P0", 11, "int v = READ_ONCE(*(int *)l)"], ["P1", 11, "int v = READ_ONCE(*(int *)l)"], ["P6", 11, "int v = READ_ONCE(*(int *)l)"], ["P7", 11, "int v = READ_ONCE(*(int *)l)"]]);
  assert.match(l.reductions!.symmetry.excluded[0].reason, /P8 reads or writes the lock l as a value/);
  const off = checkSource(src, "report.litmus", { symmetry: false, por: false });
  assert.deepEqual([off.reductions?.symmetry.applied, off.reductions?.symmetry.note, off.reductions?.por.note], [false, "switched off (--no-symmetry)", "switched off (--no-por)"]);
});

test("symmetry: processes equal up to the names and order of their parameters and locals are interchangeable", () => {
  const src = `C renamed
{ spinlock_t lk; int x = 0; int y = 0; }
P0(int *x, spinlock_t *lk) { int a; spin_lock(lk); a = READ_ONCE(*x); WRITE_ONCE(*x, a + 1); spin_unlock(lk); }
P1(spinlock_t *lk, int *x) { int tmp; spin_lock(lk); tmp = READ_ONCE(*x); WRITE_ONCE(*x, tmp + 1); spin_unlock(lk); }
P2(spinlock_t *lk, int *x) { int old; spin_lock(lk); old = READ_ONCE(*x); WRITE_ONCE(*x, old + 1); spin_unlock(lk); }
P3(int *y, spinlock_t *lk) { int a; spin_lock(lk); a = READ_ONCE(*y); WRITE_ONCE(*y, a + 1); spin_unlock(lk); }
exists (x=3)
`;
  const { model } = compileSource("renamed", src);
  // P3 has the same text as P0 but another location (herd7 parameters name locations): not a twin.
  assert.deepEqual(symmetryGroups(model), [[0, 1, 2]]);
  const r = checkSource(src, "renamed");
  assert.equal(r.observation?.result, "Always");
  assert.deepEqual(r.reductions?.symmetry.groups, [["P0", "P1", "P2"]]);
});
