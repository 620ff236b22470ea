// The BFS queue ring (ring.ts): what get() returns is what put() stored, across growth (in
// place and by copying), wrap-around, and the switch from a byte a word to four bytes a word.
import { test } from "node:test";
import assert from "node:assert/strict";
import { StateRing } from "../src/engine/ring.js";
import { Fingerprinter } from "../src/engine/store.js";
import { SharedQueue, queueBuffers } from "../src/engine/parallel/queue.js";

/** A FIFO through the ring against a plain array: states [base, count) are live. */
function exercise(values: (i: number, k: number) => number, width: number, steps: number, reserveSlots?: number): StateRing {
  const ring = new StateRing(width, 4, reserveSlots);
  const stored: Int32Array[] = [];
  const fp = new Fingerprinter(width);
  const out = new Int32Array(width);
  let base = 0;
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 16) % 5;
  for (let step = 0; step < steps; step++) {
    // Bursts of puts and gets, so the live window grows, shrinks and wraps around.
    for (let n = rnd(); n > 0; n--) {
      const i = stored.length;
      const s = Int32Array.from({ length: width }, (_, k) => values(i, k));
      if (i - base >= ring.slots) ring.grow(base, i);
      ring.put(i, s, i * 3, ~i, i % 11);
      stored.push(s);
    }
    for (let n = rnd(); n > 0 && base < stored.length; n--, base++) {
      ring.get(base, out, fp);
      assert.deepEqual(out, stored[base], `state ${base}`);
      assert.deepEqual([fp.hi, fp.lo, ring.sleep(base)], [base * 3, ~base, base % 11], `meta ${base}`);
    }
  }
  return ring;
}

test("ring: small words stay a byte each, across growth (in place, then by copying) and wrap-around", () => {
  for (const reserve of [undefined, 16]) {
    const ring = exercise((i, k) => ((i * 7 + k * 13) % 256) - 128, 5, 20_000, reserve);
    assert.ok(ring.isPacked);
    assert.ok(ring.slots > 16, `the ring grew to ${ring.slots} slots`);
  }
});

test("ring: a word outside -128..127 widens the ring, keeping the states queued before it", () => {
  // State 3000 is the first with a big word; later ones mix both kinds.
  const big = (i: number, k: number) => (i >= 3000 && (i + k) % 3 === 0 ? [128, -129, 1 << 30, -(2 ** 31)][(i + k) % 4] : (i + k) % 100);
  for (const reserve of [undefined, 16]) assert.ok(!exercise(big, 3, 20_000, reserve).isPacked);
});

// The parallel search's queue (parallel/queue.ts): a byte a word, with a state that does not
// fit written in full to a side array; moving the live states to the front (shift) and into
// bigger buffers (copied) keeps both kinds.
test("parallel queue: narrow and wide states read back, after shift and copy", () => {
  const width = 4;
  const q = new SharedQueue(width, queueBuffers(width, 64, 64));
  const fp = new Fingerprinter(width);
  const out = new Int32Array(width);
  const state = (i: number) => Int32Array.from({ length: width }, (_, k) => (i % 3 === 0 && k === i % width ? [128, -129, 1 << 30, -(2 ** 31)][i % 4] : i + k - 60));
  const wide = [];
  for (let i = 0; i < 64; i++) wide.push(q.put(i, state(i), i * 3, ~i, i % 11));
  assert.deepEqual(wide.map((w, i) => (w ? i : -1)).filter((i) => i >= 0), [0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 51, 54, 57, 60, 63]);
  const check = (queue: SharedQueue, at: number, i: number) => {
    queue.get(at, out, fp);
    assert.deepEqual(out, state(i), `state ${i} at ${at}`);
    assert.deepEqual([fp.hi, fp.lo, queue.sleep(at)], [i * 3, ~i, i % 11], `meta of ${i}`);
  };
  for (let i = 0; i < 64; i++) check(q, i, i);
  // A narrow state overwriting a wide one's position reads as narrow.
  q.shift(10, 64);
  for (let i = 10; i < 64; i++) check(q, i - 10, i);
  const bigger = new SharedQueue(width, q.copied(54, 128));
  assert.equal(bigger.capacity, 128);
  for (let i = 10; i < 64; i++) check(bigger, i - 10, i);
});
