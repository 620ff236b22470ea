// Golden tests of the text report (formatText, colour off) for small violating scenarios in
// test/fixtures/: the verdict line, the shortest trace step by step, the violation site and,
// for deadlocks, where each process is blocked. The stats line carries timings (and state
// counts that partial-order reduction changes), so it is replaced by a placeholder.
// UPDATE_GOLDEN=1 rewrites test/golden/trace-*.txt.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CheckOptions, checkSource } from "../src/check.js";
import { formatText } from "../src/report/text.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const GOLDEN = resolve(ROOT, "test/golden");

/** The stats line is the only one with timings; everything else must be byte-for-byte stable. */
export function normalise(text: string): string {
  return text
    .split("\n")
    .map((l) => (/^\s+states \d+, transitions \d+, /.test(l) ? "  <stats>" : l))
    .join("\n");
}

function report(fixture: string, opts: CheckOptions = {}): string {
  const rel = `test/fixtures/${fixture}`;
  const r = checkSource(readFileSync(join(ROOT, rel), "utf8"), rel, opts);
  return normalise(formatText(r, { color: false })) + "\n";
}

function compare(golden: string, actual: string): void {
  const path = join(GOLDEN, golden);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(path)) {
    writeFileSync(path, actual);
    if (process.env.UPDATE_GOLDEN !== "1") assert.fail(`${path} did not exist; written - check it and commit it`);
    return;
  }
  assert.equal(actual, readFileSync(path, "utf8"), `report differs from ${path} (UPDATE_GOLDEN=1 rewrites it)`);
}

describe("golden text traces", () => {
  test("lost update: assert, 7-step shortest trace", () => {
    const out = report("lost-update.litmus");
    assert.match(out, /VIOLATION assert/);
    assert.match(out, /shortest trace \(7 steps\)/);
    compare("trace-lost-update.txt", out);
  });

  test("ABBA: deadlock, both processes blocked", () => {
    const out = report("abba.litmus");
    assert.match(out, /P0 blocked at spin_lock\(b\)/);
    assert.match(out, /P1 blocked at spin_lock\(a\)/);
    compare("trace-abba.txt", out);
  });

  test("WARN inside an inlined helper: call site, then the helper's primitive", () => {
    const out = report("warn-helper.litmus");
    assert.match(out, /get_ref\(refs\)  test\/fixtures\/warn-helper\.litmus:20  -> /);
    compare("trace-warn-helper.txt", out);
  });

  test("the same WARN with --warn=report: pass, WARN listed with its trace, expectation not met", () => {
    const out = report("warn-helper.litmus", { warn: "report" });
    assert.match(out, /: pass \(1 WARN site reached/);
    compare("trace-warn-helper-report.txt", out);
  });

  test("normalise replaces only the stats line", () => {
    const text = "f: pass\n  states 12, transitions 12, depth 4, 0.002 s, 7153 states/s, memory 264.0 KiB\n  Observation x Never 0 3";
    assert.equal(normalise(text), "f: pass\n  <stats>\n  Observation x Never 0 3");
  });
});
