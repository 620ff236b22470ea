// The generated fingerprint-and-undo of a step (delta.ts) against the loop it replaces:
// Fingerprinter.update for the fingerprint, a copy of cur for the undo.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compileStepDelta } from "../src/engine/delta.js";
import { Fingerprinter } from "../src/engine/store.js";

test("stepDelta: the fingerprint of Fingerprinter.update, and next put back to cur", () => {
  // 3 shared cells, then blocks of 1, 3 and 2 words (a block without locals, too).
  const cells = 3;
  const blocks: [number, number][] = [
    [3, 4],
    [4, 7],
    [7, 9],
  ];
  const width = 9;
  const delta = compileStepDelta(cells, blocks);
  assert.ok(delta);
  const fp = new Fingerprinter(width);
  const ref = new Fingerprinter(width);
  let seed = 99;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 8;
  // Small values hash by table lookup, others (large, negative) by computing: both kinds.
  const value = () => [0, 1, 2, 63, 64, 1000, -1, -(2 ** 31), 2 ** 31 - 1][rnd() % 9];
  for (let round = 0; round < 5000; round++) {
    const cur = Int32Array.from({ length: width }, value);
    fp.full(cur);
    const hi = fp.hi;
    const lo = fp.lo;
    const pid = rnd() % blocks.length;
    const [from, to] = blocks[pid];
    const next = Int32Array.from(cur);
    for (let i = 0; i < width; i++) if ((i < cells || (i >= from && i < to)) && rnd() % 3 === 0) next[i] = value();
    ref.full(next);
    delta!(pid, cur, next, hi, lo, fp);
    assert.deepEqual([fp.hi, fp.lo], [ref.hi, ref.lo], `round ${round}`);
    assert.deepEqual(next, cur, `round ${round}: next put back`);
  }
});

test("stepDelta: none for a model too big to unroll (the loop form is used)", () => {
  assert.equal(compileStepDelta(3000, [[3000, 3002], [3002, 3004]]), null);
});
