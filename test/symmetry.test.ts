// Canonicaliser.canonStep (move the one block a step changed) must give exactly canon()'s
// result (a full insertion sort), and [from, to) must cover every word that changed place.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compileSource } from "../src/ir/compile.js";
import { Machine } from "../src/engine/machine.js";
import { Canonicaliser, symmetryGroups } from "../src/engine/symmetry.js";

// Four identical processes with two locals each, and a fifth of another kind in between.
const proc = (i: number) => `P${i}(int *x) {\n\tint a = READ_ONCE(*x);\n\tint b = READ_ONCE(*x);\n\tWRITE_ONCE(*x, a + b);\n}\n`;
const src = `C sym\n{}\n${proc(0)}${proc(1)}P2(int *y) {\n\tWRITE_ONCE(*y, 1);\n}\n${proc(3)}${proc(4)}`;

test("canonStep after a step of one process equals the full canonical form", () => {
  const { model } = compileSource("sym.litmus", src);
  const m = new Machine(model);
  const groups = symmetryGroups(model);
  assert.deepEqual(groups, [[0, 1, 3, 4]]);
  const c = new Canonicaliser(m, groups);
  let seed = 7;
  const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % n;
  let moved = 0;
  for (let iter = 0; iter < 5000; iter++) {
    const s = new Int32Array(m.width);
    for (let i = 0; i < s.length; i++) s[i] = rnd(3);
    c.canon(s); // a canonical state
    const pid = groups[0][rnd(4)];
    const base = m.procs[pid].base;
    const next = Int32Array.from(s);
    for (let k = 0; k < 1 + model.processes[pid].locals.length; k++) if (rnd(2)) next[base + k] = rnd(3); // "a step of pid"
    const full = Int32Array.from(next);
    c.canon(full);
    const one = Int32Array.from(next);
    if (c.canonStep(one, pid)) {
      moved++;
      for (let i = 0; i < s.length; i++) if (one[i] !== next[i]) assert.ok(i >= c.from && i < c.to, `word ${i} changed outside [${c.from}, ${c.to})`);
    } else assert.deepEqual(one, next);
    assert.deepEqual(one, full, `iteration ${iter}`);
  }
  assert.ok(moved > 1000, `${moved} moves`);
});

test("with lock-taking processes, the canonical form renames lock owners and is the same for every permutation", () => {
  const p = (i: number) => `P${i}(spinlock_t *a, spinlock_t *b, int *x) {\n\tspin_lock(a);\n\tint r = READ_ONCE(*x);\n\tspin_lock(b);\n\tWRITE_ONCE(*x, r + 1);\n\tspin_unlock(b);\n\tspin_unlock(a);\n}\n`;
  const { model } = compileSource("locks.litmus", `C locks\n{ spinlock_t a; spinlock_t b; }\n${p(0)}${p(1)}${p(2)}`);
  const m = new Machine(model);
  const groups = symmetryGroups(model);
  assert.deepEqual(groups, [[0, 1, 2]]);
  const c = new Canonicaliser(m, groups);
  const lockCells = model.cells.flatMap((cell, a) => (cell.isLock ? [a] : []));
  assert.equal(lockCells.length, 2);
  let seed = 11;
  const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % n;
  const w = 1 + model.processes[0].locals.length;
  const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  let renamed = 0;
  for (let iter = 0; iter < 3000; iter++) {
    const s = new Int32Array(m.width);
    for (let i = m.nCells; i < s.length; i++) s[i] = rnd(2);
    for (const a of lockCells) s[a] = rnd(4); // free, or held by P0..P2
    const canonical = Int32Array.from(s);
    c.canon(canonical);
    // Apply a permutation pi of the processes (blocks and lock owners): same canonical form.
    for (const pi of perms) {
      const t = Int32Array.from(s);
      for (let q = 0; q < 3; q++) t.set(s.subarray(m.procs[q].base, m.procs[q].base + w), m.procs[pi[q]].base);
      for (const a of lockCells) if (s[a] > 0) t[a] = pi[s[a] - 1] + 1;
      c.canon(t);
      assert.deepEqual(t, canonical, `iteration ${iter}, permutation ${pi}`);
    }
    // canonStep from the state gives canon()'s result; words that changed lie in [from, to) or are cells.
    const one = Int32Array.from(s);
    if (c.canonStep(one, 0)) {
      renamed++;
      for (let i = m.nCells; i < s.length; i++) if (one[i] !== s[i]) assert.ok(i >= c.from && i < c.to);
    }
    assert.deepEqual(one, canonical);
  }
  assert.ok(renamed > 1000, `${renamed} renamings`);
});
