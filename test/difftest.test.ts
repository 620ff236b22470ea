// Differential test against SPIN without SPIN: 20 generated programs (seeds 1..20) with SPIN's
// answers recorded by `npm run difftest -- --record` (test/difftest/recorded.json). pageproof,
// without reductions, must agree on the verdict and, on passing programs, on the exact number
// of states (the Promela export has the same step granularity; see src/export/promela.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { checkSource } from "../src/check.js";
import { compileSource } from "../src/ir/compile.js";
import { resolveFromDisk } from "../src/node/prelude.js";
import { exportPromela } from "../src/export/promela.js";
import { generate } from "./difftest/gen.js";
import { Recorded, disagreement } from "./difftest/compare.js";

const recorded: Recorded[] = JSON.parse(readFileSync(new URL("../../test/difftest/recorded.json", import.meta.url), "utf8"));

test("difftest: recorded SPIN answers for 20 generated programs", () => {
  assert.ok(recorded.length >= 20);
  for (const { seed, spin } of recorded) {
    const src = generate(seed);
    const pp = checkSource(src, `gen-${seed}.litmus`, { por: false, symmetry: false, mergeLocks: false, mode: "strict" });
    assert.equal(disagreement(pp, spin), null, `seed ${seed}`);
    // the export of each program still works (the recorded answers are about it)
    const { model } = compileSource(`gen-${seed}.litmus`, src, { resolveInclude: resolveFromDisk });
    assert.match(exportPromela(model), /active proctype P0/);
  }
});
