// `pageproof test --format ktap|junit`: KTAP checked against the format's rules
// (Documentation/dev-tools/ktap.rst), JUnit XML parsed back with an XML parser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { XMLParser } from "fast-xml-parser";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const FILES = ["test/fixtures/herd7/lisa-test.litmus", "test/fixtures/mp.litmus", "test/fixtures/mp-wrong-expectation.litmus", "test/fixtures/bad-sizeof.litmus", "test/fixtures/lost-update.litmus"];
const cli = (...args: string[]) => spawnSync(process.execPath, ["dist/src/cli/main.js", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

/** The KTAP version 1 rules for one flat test list; returns the results by number. */
function parseKtap(text: string): { n: number; ok: boolean; name: string; directive: string | null }[] {
  const lines = text.trimEnd().split("\n");
  assert.equal(lines[0], "KTAP version 1", "version line first");
  const plan = /^1\.\.(\d+)$/.exec(lines[1]);
  assert.ok(plan, "plan line second");
  const results: { n: number; ok: boolean; name: string; directive: string | null }[] = [];
  for (const line of lines.slice(2)) {
    if (line.startsWith("# ")) continue; // diagnostic line
    const m = /^(ok|not ok) (\d+) ([^#]+?)(?: # (SKIP|TODO|XFAIL|TIMEOUT|ERROR)(?: (.*))?)?$/.exec(line);
    assert.ok(m, `not a KTAP line: ${JSON.stringify(line)}`);
    results.push({ n: Number(m[2]), ok: m[1] === "ok", name: m[3], directive: m[4] ?? null });
  }
  assert.equal(results.length, Number(plan[1]), "as many results as planned");
  results.forEach((r, i) => assert.equal(r.n, i + 1, "numbered in order from 1"));
  return results;
}

test("--format ktap: KTAP version 1, a result per file, SKIP for other languages, reasons as diagnostics", () => {
  const r = cli("test", "--format", "ktap", ...FILES);
  assert.equal(r.status, 1, r.stderr);
  const results = parseKtap(r.stdout);
  assert.deepEqual(
    results.map((x) => [x.name, x.ok, x.directive]),
    [
      ["test/fixtures/herd7/lisa-test.litmus", true, "SKIP"],
      ["test/fixtures/mp.litmus", true, null],
      ["test/fixtures/mp-wrong-expectation.litmus", false, null],
      ["test/fixtures/bad-sizeof.litmus", false, null],
      ["test/fixtures/lost-update.litmus", true, null],
    ],
  );
  assert.match(r.stdout, /^# test\/fixtures\/mp-wrong-expectation\.litmus: expected Result: Sometimes, observed Never\nnot ok 3 /m);
  assert.match(r.stdout, /^# Totals: pass:2 fail:2 xfail:0 xpass:0 skip:1 error:0$/m);
});

test("--format junit -o FILE: JUnit XML with failures, errors and skips, parsed back", () => {
  const out = join(mkdtempSync(join(tmpdir(), "pp-junit-")), "report.xml");
  const r = cli("test", "--format", "junit", "-o", out, ...FILES);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, "");
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(readFileSync(out, "utf8"));
  const suite = xml.testsuites.testsuite;
  assert.deepEqual([suite.tests, suite.failures, suite.errors, suite.skipped], ["5", "1", "1", "1"]);
  const cases = suite.testcase as { name: string; classname: string; failure?: { message: string }; error?: { message: string }; skipped?: unknown }[];
  assert.deepEqual(cases.map((c) => c.name), ["lisa-test.litmus", "mp.litmus", "mp-wrong-expectation.litmus", "bad-sizeof.litmus", "lost-update.litmus"]);
  assert.equal(cases[0].skipped, "");
  assert.equal(cases[2].failure?.message, "expected Result: Sometimes, observed Never");
  assert.match(cases[3].error?.message ?? "", /bad-sizeof\.litmus:10:10: error: sizeof is not supported/);
  assert.equal(cases[4].failure, undefined);
  assert.equal(cases[1].classname, "test.fixtures");
});

test("the formats are for pageproof test; check rejects them (exit 2)", () => {
  const r = cli("check", "--format", "ktap", "test/fixtures/mp.litmus");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--format ktap is for pageproof test/);
  const t = cli("test", "--format", "json", "test/fixtures/mp.litmus");
  assert.equal(t.status, 2);
});
