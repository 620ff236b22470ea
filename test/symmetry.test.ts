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
