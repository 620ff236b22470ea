// Diamonds (commute.ts, Expander.expand): the unreduced search skips the visited-set probe of
// a successor that a commuting step reaches anyway. It must find the same states at the same
// depths, count the same transitions and report the same verdicts and warnings as the search
// that probes every successor.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CheckOptions, checkSource } from "../src/check.js";
import { search, SearchOutcome, SearchStats } from "../src/engine/bfs.js";
import { parallelSearch } from "../src/engine/parallel/search.js";
import { collectScenarioFiles } from "../src/cli/test.js";
import { generate } from "./difftest/gen.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Checks src with diamonds on or off (or on, in 2 threads); the engine's own statistics come back beside the result. */
function run(src: string, name: string, diamonds: boolean | "2 threads", opts: CheckOptions = {}) {
  let stats: SearchStats | undefined;
  const engine: CheckOptions["engine"] = (model, o) => {
    const out: SearchOutcome = diamonds === "2 threads" ? parallelSearch(model, o, 2) : search(model, { ...o, diamonds });
    stats = out.stats;
    return out;
  };
  const result = checkSource(src, name, { por: false, symmetry: false, ...opts, engine });
  return { result, skipped: stats?.probesSkipped ?? 0 };
}

test("diamonds: same states, transitions, depths, verdicts and warnings as probing every successor", () => {
  const files = collectScenarioFiles([join(root, "scenarios")]).filter((f) => !f.includes("/liveness/"));
  const sources = [...files.map((f) => [f, readFileSync(f, "utf8")]), ...Array.from({ length: 60 }, (_, i) => [`gen-${5001 + i}`, generate(5001 + i)])];
  let skipped = 0;
  let transitions = 0;
  let violations = 0;
  for (const [name, src] of sources) {
    for (const compact of [true, false]) {
      const on = run(src, name, true, { compact });
      const off = run(src, name, false, { compact });
      assert.notEqual(on.result.verdict, "error", on.result.error?.message);
      assert.equal(off.skipped, 0, `${name}: nothing skipped when off`);
      assert.equal(on.result.verdict, off.result.verdict, `${name}: verdict`);
      for (const k of ["states", "transitions", "depth", "completeDepth"] as const) assert.equal(on.result.stats[k], off.result.stats[k], `${name}: ${k}`);
      // One thread stores the states of a level in the same order either way: the same traces.
      assert.deepEqual(on.result.violation?.trace, off.result.violation?.trace, `${name}: trace`);
      assert.deepEqual(on.result.warnings, off.result.warnings, `${name}: warnings`);
      assert.deepEqual(on.result.finalStates, off.result.finalStates, `${name}: final states`);
      skipped += on.skipped;
      transitions += on.result.stats.transitions;
      if (on.result.violation) violations++;
    }
  }
  assert.ok(violations >= 10, `${violations} violating runs`);
  assert.ok(skipped > transitions / 10, `skipped ${skipped} of ${transitions} probes`);
});

test("diamonds: most probes skipped on the PV model, none under symmetry", () => {
  const src = readFileSync(join(root, "bench", "models", "pv-ok-2-1.litmus"), "utf8");
  const on = run(src, "pv-ok-2-1", true);
  const off = run(src, "pv-ok-2-1", false);
  assert.equal(on.result.verdict, "pass");
  assert.equal(on.result.stats.states, off.result.stats.states);
  assert.equal(on.result.stats.transitions, off.result.stats.transitions);
  assert.ok(on.skipped > on.result.stats.transitions / 2, `skipped ${on.skipped} of ${on.result.stats.transitions}`);
  // The threads of a parallel search keep the last-step rule (sleep sets not inherited): a phase never spans two BFS levels.
  const parallel = run(src, "pv-ok-2-1", "2 threads");
  assert.equal(parallel.result.stats.threads, 2);
  assert.equal(parallel.result.stats.states, off.result.stats.states);
  assert.equal(parallel.result.stats.transitions, off.result.stats.transitions);
  assert.ok(parallel.skipped > on.result.stats.transitions / 2, `2 threads: skipped ${parallel.skipped}`);
  // Canonical forms re-order processes after a step, so no sleep set is kept under symmetry.
  assert.equal(run(src, "pv-ok-2-1", true, { symmetry: true }).skipped, 0);
});
