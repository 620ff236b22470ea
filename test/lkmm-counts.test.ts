// herd7's Observation counts under --model lkmm (counting mode: every candidate execution) of a
// sample of the corpus (one or two files of each family: RCU grace periods and readers, the
// LB families with dependencies and plain accesses, the DEADLOCK ones, the four Always ones, and
// two long RCU chains) and of programs with locks, SRCU, RMWs and kernel models (the corpus has
// none of those). test/golden/lkmm-counts.json was written by the code at b869d55, before the
// counting search was made fast, and is kept as it was: the counts must not change. herd7's own
// counts are not in the corpus (only its answers), so this is the check that the faster search
// still counts what herd7 counts. Regenerate only for a count shown to be wrong, and say why.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CheckResult, checkSource } from "../src/check.js";
import { CORPUS_DIR, corpusSkip } from "./corpus-files.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
type Row = { observation: string | null; verdict: string; executions: number | null; findings: string[] };
const golden = JSON.parse(readFileSync(join(ROOT, "test/golden/lkmm-counts.json"), "utf8")) as { corpus: Record<string, Row>; repo: Record<string, Row> };

const rowOf = (r: CheckResult): Row => ({
  observation: r.observation ? `${r.observation.result} ${r.observation.positive} ${r.observation.negative}` : null,
  verdict: r.verdict,
  executions: r.lkmm?.executions ?? null,
  findings: [...new Set([...r.warnings.map((w) => w.kind), ...(r.violation ? [r.violation.kind] : [])])].sort(),
});

describe("LKMM Observation counts are those of the code before the speed-up", () => {
  test("corpus sample", { skip: corpusSkip }, () => {
    const files = Object.keys(golden.corpus);
    assert.ok(files.length >= 30);
    const got = Object.fromEntries(files.map((f) => [f, rowOf(checkSource(readFileSync(join(CORPUS_DIR, f), "utf8"), f, { model: "lkmm" }))]));
    assert.deepEqual(got, golden.corpus);
  });
  for (const f of Object.keys(golden.repo)) {
    test(f, () => {
      assert.deepEqual(rowOf(checkSource(readFileSync(join(ROOT, f), "utf8"), f, { model: "lkmm" })), golden.repo[f]);
    });
  }
});
