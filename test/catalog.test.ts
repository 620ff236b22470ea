// The scenario catalog (scenarios/**/*.litmus) as a test: every file must meet the
// expectation its header states (`Expect:` / `Result:`), and the text traces of three
// violating scenarios are compared with golden files (test/golden/catalog-*.txt).
// UPDATE_GOLDEN=1 rewrites the golden files. Paths resolve from the repository root
// (the test runner's cwd).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { collectScenarioFiles } from "../src/cli/test.js";
import { join, relative, resolve } from "node:path";
import { checkFile } from "../src/check.js";
import { formatText } from "../src/report/text.js";

const ROOT = process.cwd();
const SCENARIOS = resolve(ROOT, "scenarios");
const GOLDEN = resolve(ROOT, "test/golden");


describe("scenario catalog", () => {
  const files = collectScenarioFiles([SCENARIOS]);

  test("the catalog is not empty", () => {
    assert.ok(files.length >= 15, `only ${files.length} scenarios found under ${SCENARIOS}`);
  });

  for (const f of files) {
    const rel = relative(ROOT, f);
    test(rel, () => {
      const r = checkFile(rel, { timeoutMs: 20_000 });
      assert.notEqual(r.verdict, "error", r.error?.formatted);
      assert.ok(r.expectation, `${rel}: no Expect:/Result: line in the header`);
      assert.equal(r.expectation.met, true, `${rel}: ${r.expectation.detail}`);
    });
  }
});

/** The text report without the statistics line (times, rates and memory vary). */
function normalisedText(file: string): string {
  const r = checkFile(file, { timeoutMs: 20_000 });
  return (
    formatText(r, { color: false })
      .split("\n")
      .filter((l) => !/^\s+states \d+, transitions \d+/.test(l))
      .join("\n") + "\n"
  );
}

describe("golden traces of violating catalog scenarios", () => {
  const cases: [string, string][] = [
    ["scenarios/2020-splice-thread/04-try-get-page-speculative.litmus", "catalog-try-get-page-speculative.txt"],
    ["scenarios/2020-splice-thread/06b-make-secure-without-page-lock.litmus", "catalog-make-secure-without-page-lock.txt"],
    // The v6.15 model: gup-fast's lockless read of the pte word (printed in hex) against a split.
    ["scenarios/v6.15/12a-gup-tail-page-vs-split-no-recheck.litmus", "catalog-gup-tail-page-vs-split.txt"],
  ];
  for (const [scenario, golden] of cases) {
    test(golden, () => {
      const actual = normalisedText(scenario);
      const path = join(GOLDEN, golden);
      if (process.env.UPDATE_GOLDEN === "1" || !existsSync(path)) {
        writeFileSync(path, actual);
        if (process.env.UPDATE_GOLDEN !== "1") assert.fail(`${path} did not exist; written - check it and commit it`);
        return;
      }
      assert.equal(actual, readFileSync(path, "utf8"), `trace of ${scenario} differs from ${path} (UPDATE_GOLDEN=1 to rewrite)`);
    });
  }
});
