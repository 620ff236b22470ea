// The symbolic search's cuts (src/lkmm/per-location.ts, exec.ts byLocation/OrderChecks): each
// skips only combinations or partial executions that have no allowed candidate, so turning
// them off must change no answer. Known answers for the per-location filter on hand-made paths
// (a refcount's RMW chain, a read after the process's own write), and the whole search with and
// without the cuts on the LKMM fixtures, scenarios/lkmm, kernel-model scenarios and a sample of
// the corpus, with the ordering checks forced on where a final condition would turn them off.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CheckResult, checkSource } from "../src/check.js";
import type { ModelIR } from "../src/ir/ir.js";
import { enumTesting } from "../src/lkmm/exec.js";
import { PerLocation } from "../src/lkmm/per-location.js";
import type { Path } from "../src/lkmm/paths.js";
import { Constraint, SExpr, Val, binOp, readVar } from "../src/lkmm/sym.js";
import { CORPUS_DIR, corpusFiles, corpusSkip } from "./corpus-files.js";
import { litmusIn, rowOf } from "./lkmm-rows.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

// --- hand-made paths -------------------------------------------------------------------------

type Ev = { kind: "R" | "W"; loc: number; v: Val };
const SRC = { loc: { file: null as never, offset: 0, line: 1, col: 1 }, text: "", calls: [] };
function path(proc: number, evs: Ev[], rmw: [number, number][], constraints: Constraint[]): Path {
  const events = evs.map((e, index) => ({
    kind: e.kind,
    tags: 0,
    loc: e.loc,
    val: typeof e.v === "number" ? e.v : NaN,
    ...(typeof e.v === "number" ? {} : { vx: e.v }),
    src: SRC,
    prim: "test",
    proc,
    index,
  }));
  return { proc, events, rmw, constraints } as unknown as Path;
}
const model = (inits: number[]) => ({ cells: inits.map((init) => ({ init })) }) as unknown as ModelIR;
const test1 = (e: Val): SExpr => e as SExpr;
/** An RMW on loc as events 0 (read) and 1 (write of op(read)), with a test on the read. */
const rmw = (proc: number, loc: number, op: (r: SExpr) => Val, tests: (r: SExpr) => Constraint[]): Path => {
  const r = readVar(0, loc);
  return path(proc, [{ kind: "R", loc, v: r }, { kind: "W", loc, v: op(r) }], [[0, 1]], tests(r));
};
const bits = (set: Uint32Array, n: number) => [...Array(n).keys()].filter((k) => (set[k >>> 5] & (1 << (k & 31))) !== 0);

describe("per-location filter (per-location.ts)", () => {
  test("a refcount's RMW chain: the order of the two RMWs decides which tests can hold", () => {
    // _refcount = 1. P0: atomic_add_unless(1, 0) that succeeds (read != 0); P1: atomic_dec_return,
    // one path where it drops the last reference (read - 1 == 0) and one where it does not.
    const inc = rmw(0, 0, (r) => binOp("+", r, 1, false), (r) => [{ e: test1(binOp("!=", r, 0, false)), holds: true }]);
    const decPaths = [true, false].map((holds) => rmw(1, 0, (r) => binOp("-", r, 1, false), (r) => [{ e: test1(binOp("==", binOp("-", r, 1, false), 0, false)), holds }]));
    // P0 that reads 0 (its add_unless fails): a plain read with read == 0.
    const r0 = readVar(0, 0);
    const fails = path(0, [{ kind: "R", loc: 0, v: r0 }], [], [{ e: test1(binOp("==", r0, 0, false)), holds: true }]);
    const pl = new PerLocation(model([1]), [[inc, fails], decPaths]);
    // inc first: dec reads 2, not the last reference; dec first: it is, and inc then reads 0 and
    // fails. So with a successful inc only the "not last" dec is possible.
    assert.deepEqual(bits(pl.lastOptions([inc]), 2), [1]);
    // A failed inc reads 0: only after the dec that drops the last reference. The other dec
    // reads the initial 1 (nobody else writes before it), so its test cannot hold at all.
    assert.deepEqual(bits(pl.lastOptions([fails]), 2), [0]);
  });

  test("a read after the process's own write sees that write or a later one (coherence)", () => {
    // x = 0. P0: x = 1, then reads x and takes the branch where it read 0.
    const r = readVar(1, 0);
    const p0 = path(0, [{ kind: "W", loc: 0, v: 1 }, { kind: "R", loc: 0, v: r }], [], [{ e: test1(binOp("==", r, 0, false)), holds: true }]);
    // P1: writes x = 0, or does not touch x (writes y).
    const writesX = path(1, [{ kind: "W", loc: 0, v: 0 }], [], []);
    const writesY = path(1, [{ kind: "W", loc: 1, v: 0 }], [], []);
    const pl = new PerLocation(model([0, 0]), [[p0], [writesX, writesY]]);
    assert.deepEqual(bits(pl.lastOptions([p0]), 2), [0]);
  });
});

// --- the search with and without the cuts ----------------------------------------------------

/** The symbolic search with every cut (ordering checks forced on), and with none. */
function withAndWithout(text: string, file: string): [CheckResult, CheckResult] {
  const run = () => checkSource(text, file, { model: "lkmm", lkmmValues: "symbolic", timeoutMs: 120_000 });
  enumTesting.orderChecks = true;
  try {
    const on = run();
    enumTesting.cuts = false;
    return [on, run()];
  } finally {
    enumTesting.cuts = true;
    enumTesting.orderChecks = false;
  }
}

describe("the cuts change no answer", () => {
  // Kernel-model scenarios that finish quickly either way (both have no final condition, so
  // the ordering checks run as in a normal run).
  const kernel = ["scenarios/v6.15/02a-make-secure-ptl-dropped.litmus", "scenarios/v6.15/09-lru-batch-ebusy.litmus", "scenarios/next/thp-tail-refcount.litmus", "scenarios/v5.7/02-migrate-vs-pin.litmus"];
  for (const file of [...litmusIn("test/fixtures/lkmm-counts"), ...litmusIn("scenarios/lkmm"), ...kernel])
    test(file, () => {
      const [on, off] = withAndWithout(readFileSync(join(ROOT, file), "utf8"), file);
      assert.deepEqual(rowOf(on), rowOf(off));
    });

  test("a sample of the corpus (every 40th file)", { skip: corpusSkip }, () => {
    const files = corpusFiles().filter((_, i) => i % 40 === 0);
    const differ: string[] = [];
    for (const f of files) {
      const [on, off] = withAndWithout(readFileSync(join(CORPUS_DIR, f), "utf8"), f);
      if (JSON.stringify(rowOf(on)) !== JSON.stringify(rowOf(off))) differ.push(f);
    }
    assert.deepEqual(differ, []);
  });
});
