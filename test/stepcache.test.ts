// The step cache (stepcache.ts): an entry answers only for its whole key, the process and
// every word a step can read (the shared cells and the process's own block).
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_KEY_WORDS, StepCache } from "../src/engine/stepcache.js";

// 2 shared cells, then P0's block [2, 4) and P1's [4, 5).
const blocks: [number, number][] = [
  [2, 4],
  [4, 5],
];

function lookup(c: StepCache, pid: number, s: Int32Array): number {
  const out = new Int32Array(blocks.length);
  c.findAll(s, out, 0);
  return out[pid];
}

test("step cache: processes in the skip mask are not looked up", () => {
  const c = StepCache.for(2, blocks)!;
  const s = Int32Array.from([1, 2, 3, 4, 5]);
  const out = Int32Array.from([12345, 67890]);
  c.findAll(s, out, 0b10);
  assert.ok(out[0] < 0, "P0 looked up (a miss)");
  assert.equal(out[1], 67890, "P1 skipped");
  c.findAll(s, out, 0b01);
  assert.equal(out[0] < 0 && out[1] < 0, true);
});

test("step cache: a miss, then the stored result for the same key", () => {
  const c = StepCache.for(2, blocks)!;
  const s = Int32Array.from([1, 2, 3, 4, 5]);
  const at = lookup(c, 0, s);
  assert.ok(at < 0, "empty cache misses");
  c.put(~at, 0, s, 0, 0x1234, -7);
  const hit = lookup(c, 0, s);
  assert.ok(hit >= 0);
  assert.deepEqual([c.result(hit), c.changeHi(hit), c.changeLo(hit)], [0, 0x1234, -7]);
  // Words outside P0's key (P1's block) do not matter to P0.
  assert.ok(lookup(c, 0, Int32Array.from([1, 2, 3, 4, 99])) >= 0);
});

test("step cache: any other cell, block word or process misses", () => {
  const c = StepCache.for(2, blocks)!;
  const s = Int32Array.from([1, 2, 3, 4, 5]);
  c.put(~lookup(c, 0, s), 0, s, 1, 0, 0);
  for (let i = 0; i < 4; i++) {
    const t = Int32Array.from(s);
    t[i] ^= 1 << 20;
    assert.ok(lookup(c, 0, t) < 0, `word ${i} changed`);
  }
  assert.ok(lookup(c, 1, s) < 0, "another process");
  // Many keys into a fixed table, so that keys share entries: each lookup answers its own key
  // or misses, never another's. Keys differing only in the block, then only in the cells.
  const keys = [(k: number) => [1, 2, k, -k, 0], (k: number) => [k, -k, 3, 4, 0]];
  for (const key of keys) {
    for (let pass = 0; pass < 2; pass++)
      for (let k = 0; k < 100_000; k++) {
        const t = Int32Array.from(key(k));
        const at = lookup(c, 0, t);
        if (at >= 0) assert.deepEqual([c.changeHi(at), c.changeLo(at)], [k, ~k], `key ${t}`);
        else if (pass === 0) c.put(~at, 0, t, 0, k, ~k);
      }
  }
});

test("step cache: none when the key would be too long", () => {
  assert.equal(StepCache.for(MAX_KEY_WORDS, [[MAX_KEY_WORDS, MAX_KEY_WORDS + 2]]), null);
  assert.ok(StepCache.for(MAX_KEY_WORDS - 2, [[MAX_KEY_WORDS - 2, MAX_KEY_WORDS]]));
});
