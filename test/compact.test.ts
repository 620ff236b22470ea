// The compact visited set (sorted array + buffer, compact.ts) against a plain Set, the search
// with it against the search with the hash table, and batched insertion against immediate.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CompactFingerprintSet } from "../src/engine/compact.js";
import { FingerprintTable } from "../src/engine/store.js";
import { CheckOptions, checkSource } from "../src/check.js";
import { search } from "../src/engine/bfs.js";
import { collectScenarioFiles } from "../src/cli/test.js";
import { generate } from "./difftest/gen.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("compact set: add() answers as a Set does, across many merges and awkward values", () => {
  const set = new CompactFingerprintSet();
  const ref = new Set<string>();
  const added: [number, number][] = [];
  let seed = 12345;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0) ^ (seed >>> 15);
  const add = (hi: number, lo: number) => {
    // (0, 0) marks an empty slot, so it is stored as (1, 0), as in the hash table.
    const k = (hi | 0) === 0 && (lo | 0) === 0 ? "1,0" : `${hi | 0},${lo | 0}`;
    assert.equal(set.add(hi | 0, lo | 0), !ref.has(k), `add(${k})`);
    if (!ref.has(k)) added.push([hi | 0, lo | 0]);
    ref.add(k);
  };
  // Edge values: the empty-slot marker (0, 0) and its stand-in (1, 0), sign bits, and many
  // fingerprints sharing a bucket (top 16 bits of hi) and even hi itself.
  for (const [hi, lo] of [[0, 0], [1, 0], [0, 1], [-1, -1], [0x80000000, 0], [0x7fffffff, -1]]) add(hi, lo);
  for (let i = 0; i < 3000; i++) add(0x12340000 | (i & 7), rnd());
  for (let i = 0; i < 200_000; i++) {
    if (i % 3 === 0 && added.length > 0) {
      const [hi, lo] = added[(rnd() >>> 0) % added.length];
      add(hi, lo); // a repeat, from any time
    } else add(rnd(), rnd());
  }
  assert.equal(set.size, ref.size);
  for (const [hi, lo] of added) assert.equal(set.add(hi, lo), false);
});

test("hash table (--hash-table): add() answers as a Set does, growing in place and by copying, with long probe runs", () => {
  // A reservation of 2^26 slots (grows in place) and one of 2^13 (outgrown at once: copies);
  // keys sharing their low 16 bits have one home until the table passes 2^16 slots, so probe
  // runs outgrow the slack and force growth mid-insert.
  for (const reserve of [1 << 26, 1 << 13]) {
    const t = new FingerprintTable(1 << 13, reserve);
    const ref = new Set<string>();
    let seed = 99;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
    const add = (hi: number, lo: number) => {
      const k = hi === 0 && lo === 0 ? "1,0" : `${hi},${lo}`;
      assert.equal(t.add(hi, lo), !ref.has(k), `add(${k}), reserve ${reserve}`);
      ref.add(k);
    };
    for (const [hi, lo] of [[0, 0], [1, 0], [0, 1], [-1, -1]]) add(hi, lo);
    for (let i = 0; i < 30_000; i++) add((rnd() & 0xffff0000) | 5, rnd());
    for (let i = 0; i < 150_000; i++) add(rnd(), i % 4 === 0 ? 7 : rnd());
    for (const k of ref) {
      const [hi, lo] = k.split(",").map(Number);
      assert.equal(t.add(hi, lo), false, `${k} kept, reserve ${reserve}`);
    }
    assert.ok(t.bytes < 8 * 4 * ref.size, `${t.bytes} bytes for ${ref.size} fingerprints`);
  }
});

test("compact set: at most 7.75 bytes per fingerprint from 4,096 fingerprints on", () => {
  const set = new CompactFingerprintSet();
  let seed = 99;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0) ^ (seed >>> 13);
  let worst = 0;
  for (let i = 1; i <= 600_000; i++) {
    set.add(rnd(), rnd());
    if (i >= 4096) worst = Math.max(worst, set.bytes / set.size);
  }
  assert.equal(set.size, 600_000);
  assert.ok(worst <= 7.75 + 4 / 4096, `${worst.toFixed(3)} bytes per fingerprint`);
  assert.ok(set.bytes / set.size < 7.6, `${(set.bytes / set.size).toFixed(3)} at 600,000`);
});

test("the search with the compact set equals the search with the hash table", () => {
  const dir = mkdtempSync(join(tmpdir(), "pv-"));
  for (const [variant, n, m] of [["ok", 4, 1], ["nolock", 3, 1], ["getnomk", 3, 1]] as const) {
    const gen = spawnSync(process.execPath, ["bench/gen-pv.mjs", variant, String(n), String(m), dir], { cwd: root, encoding: "utf8" });
    assert.equal(gen.status, 0, gen.stderr);
    const name = `pv-${variant}-${n}-${m}.litmus`;
    const src = readFileSync(join(dir, name), "utf8");
    for (const reductions of [false, true]) {
      const opts = { por: reductions, symmetry: reductions };
      const compact = checkSource(src, name, opts);
      const table = checkSource(src, name, { ...opts, compact: false });
      assert.notEqual(compact.verdict, "error", compact.error?.message);
      assert.equal(compact.verdict, table.verdict, `${name}: verdict`);
      assert.equal(compact.stats.states, table.stats.states, `${name}: states`);
      assert.equal(compact.stats.transitions, table.stats.transitions, `${name}: transitions`);
      assert.deepEqual(compact.violation?.trace, table.violation?.trace, `${name}: trace`);
    }
  }
  // pv-ok(4,1) unreduced has 47,436 states: the sorted array took part.
  const big = checkSource(readFileSync(join(dir, "pv-ok-4-1.litmus"), "utf8"), "pv-ok-4-1", { por: false, symmetry: false });
  assert.equal(big.stats.states, 47_436);
});

// Without a reduction the fingerprint search batches successors (expand.ts: touch, then
// insert, re-making the vector of a new one); the exact search inserts each at once. Same
// graph, so the same counts, traces and warnings, also when a violation stops the search
// part-way through a batch.
test("batched insertion (fingerprints) equals immediate insertion (--exact): counts and traces", () => {
  const files = collectScenarioFiles([join(root, "scenarios")]).filter((f) => !f.includes("/liveness/"));
  const sources = [...files.map((f) => [f, readFileSync(f, "utf8")]), ...Array.from({ length: 40 }, (_, i) => [`gen-${3001 + i}`, generate(3001 + i)])];
  let violations = 0;
  for (const [name, src] of sources) {
    for (const [compact, symmetry, stepCacheBits] of [
      [true, false, undefined],
      [false, false, 1], // a step cache of 2 entries: its entries are replaced all the time
      [false, true, undefined], // canonical forms: a batched successor is re-made and re-sorted when new
    ] as const) {
      const opts = { por: false, symmetry };
      const engine: CheckOptions["engine"] = (model, o) => search(model, { ...o, stepCacheBits });
      const batched = checkSource(src, name, { ...opts, compact, engine });
      const exact = checkSource(src, name, { ...opts, exact: true });
      assert.equal(batched.verdict, exact.verdict, `${name}: verdict`);
      assert.equal(batched.stats.states, exact.stats.states, `${name}: states`);
      assert.equal(batched.stats.transitions, exact.stats.transitions, `${name}: transitions`);
      assert.equal(batched.stats.depth, exact.stats.depth, `${name}: depth`);
      assert.equal(batched.stats.completeDepth, exact.stats.completeDepth, `${name}: complete depth`);
      assert.deepEqual(batched.violation?.trace, exact.violation?.trace, `${name}: trace`);
      assert.deepEqual(batched.warnings, exact.warnings, `${name}: warnings`);
      if (batched.violation && compact) violations++;
    }
  }
  assert.ok(violations >= 10, `${violations} violating programs`);
});
