// Resource limits at the CLI: --max-states, --timeout and --max-memory end cleanly with
// verdict incomplete (exit code 1), the stats so far and the deepest level fully explored.
// Ctrl-C: the search runs in a worker thread, SIGINT stops it the same way ("interrupted").
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file runs from dist/test/). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = join(ROOT, "dist/src/cli/main.js");

/** 6 processes each incrementing 4 shared counters in a loop (all different, so symmetry
 * does not fold them): far too many states to finish within any test's time. */
export function bigModel(): string {
  const names = ["a", "b", "c", "d"];
  let s = "C big-counters\n{}\n";
  for (let p = 0; p < 6; p++) {
    s += `P${p}(int *a, int *b, int *c, int *d) {\n\tint i;\n\tfor (i = 0; i < ${3 + p}; i++) {\n`;
    for (let k = 0; k < 4; k++) {
      const n = names[(k + p) % 4];
      s += `\t\tWRITE_ONCE(*${n}, READ_ONCE(*${n}) + 1);\n`;
    }
    s += "\t}\n}\n";
  }
  return s + "exists (a=0)\n";
}

const dir = mkdtempSync(join(tmpdir(), "pageproof-limits-"));
const BIG = join(dir, "big.litmus");
writeFileSync(BIG, bigModel());
// The same with an Expect: line (strict mode: the expectation, not a final condition, is the claim).
const BIG_EXPECT = join(dir, "big-expect.litmus");
writeFileSync(BIG_EXPECT, bigModel().replace("{}\n", "(* Expect: clean *)\n{}\n"));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000, env: { ...process.env, NO_COLOR: "1" } });
}

describe("resource limits end with verdict incomplete", () => {
  const flags: [string, string[]][] = [
    ["max-states", ["--max-states", "5000"]],
    ["timeout", ["--timeout", "0.5"]],
    ["max-memory", ["--max-memory", "8"]],
  ];
  for (const [limit, args] of flags) {
    test(`--${limit} (text)`, () => {
      const r = cli("check", BIG, ...args);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout, new RegExp(`incomplete: stopped by ${limit}`));
      assert.match(r.stdout, /levels 0\.\.\d+ fully explored/);
      assert.match(r.stdout, /states \d+, transitions \d+, depth \d+/);
      assert.doesNotMatch(r.stdout, /\bpass\b/);
    });
    test(`--${limit} (json)`, () => {
      const r = cli("check", BIG, ...args, "--format", "json");
      assert.equal(r.status, 1, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.equal(j.verdict, "incomplete");
      assert.equal(j.incomplete.limit, limit);
      assert.ok(j.stats.states > 0);
      assert.ok(j.incomplete.completeDepth >= 1 && j.incomplete.completeDepth < j.stats.depth + 1);
      if (limit === "max-states") assert.ok(j.stats.states >= 5000 && j.stats.states < 5000 + 100);
    });
  }
  for (const [limit, args] of flags)
    test(`--${limit} with --workers 2 (json)`, () => {
      const r = cli("check", BIG, ...args, "--workers", "2", "--format", "json");
      assert.equal(r.status, 1, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.equal(j.verdict, "incomplete");
      assert.equal(j.incomplete.limit, limit);
      assert.equal(j.stats.threads, 2);
      if (limit === "max-states") assert.ok(j.stats.states >= 5000 && j.stats.states < 5000 + 100, `${j.stats.states} states`);
    });
  test("a plain herd7 test that hits a limit points to --model lkmm; a scenario of the kernel model or with an Expect: line does not", () => {
    const hint = /hint: a herd7 test: --model lkmm answers it as herd7 does/;
    const r = cli("check", BIG, "--max-states", "2000");
    assert.match(r.stdout, hint);
    const j = JSON.parse(cli("check", BIG, "--max-states", "2000", "--format", "json").stdout);
    assert.match(j.incomplete.hint, /--model lkmm/);
    assert.doesNotMatch(cli("check", BIG_EXPECT, "--max-states", "2000").stdout, /hint:/);
    // The same test on the kernel model (an #include of the prelude): the hint is for plain herd7 tests only.
    writeFileSync(join(dir, "big-kernel.litmus"), bigModel().replace("{}\n", "#include <linux/mm.h>\n{}\n"));
    const kernel = cli("check", join(dir, "big-kernel.litmus"), "--max-states", "2000");
    assert.match(kernel.stdout, /incomplete: stopped by max-states/);
    assert.match(kernel.stdout, /kernel model v/);
    assert.doesNotMatch(kernel.stdout, /hint:/);
    // A run that finishes needs no hint.
    writeFileSync(join(dir, "small.litmus"), "C small\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nP1(int *x) { int r0 = READ_ONCE(*x); }\nexists (1:r0=1)\n");
    const small = cli("check", join(dir, "small.litmus"));
    assert.match(small.stdout, /: pass/);
    assert.doesNotMatch(small.stdout, /hint:/);
  });
  test("--max-states in `test`: the run is incomplete, so the expectation is not met", () => {
    const r = cli("test", BIG_EXPECT, "--max-states", "3000");
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /incomplete/);
    assert.match(r.stdout, /0 passed, 1 failed/);
  });
});

/** Starts the CLI with the progress line forced on, waits for the first progress line on
 * stderr, sends SIGINT and resolves with the exit code and the output. */
function interruptAfterProgress(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, "--timeout", "60"], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", PAGEPROOF_PROGRESS: "1" } });
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
      if (!sent && /\d+ states, .*queue \d+/.test(stderr)) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("Ctrl-C stops the search (worker thread) with verdict incomplete", () => {
  test("check, text: interrupted, stats so far, exit code 130", async () => {
    const r = await interruptAfterProgress("check", BIG);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stdout, /incomplete: stopped by interrupted; levels 0\.\.\d+ fully explored/);
    assert.match(r.stdout, /states \d+, transitions \d+, depth \d+/);
    assert.doesNotMatch(r.stdout, /\bpass\b/);
  });
  test("check, json: incomplete.limit is interrupted", async () => {
    const r = await interruptAfterProgress("check", BIG, "--format", "json");
    assert.equal(r.code, 130, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.verdict, "incomplete");
    assert.equal(j.incomplete.limit, "interrupted");
    assert.ok(j.stats.states > 0 && j.stats.transitions > 0);
  });
  test("check --workers 2: the helper threads stop too, interrupted, exit code 130", async () => {
    const r = await interruptAfterProgress("check", BIG, "--workers", "2", "--format", "json");
    assert.equal(r.code, 130, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.verdict, "incomplete");
    assert.equal(j.incomplete.limit, "interrupted");
    assert.equal(j.stats.threads, 2);
    assert.ok(j.stats.states > 0 && j.stats.transitions > 0);
  });
  test("test: the table so far, the files not run, exit code 130", async () => {
    const r = await interruptAfterProgress("test", BIG, join(ROOT, "test/fixtures/mp.litmus"));
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stdout, /big\.litmus .*incomplete/);
    assert.match(r.stdout, /interrupted: 1 file\(s\) not run/);
    assert.match(r.stdout, /0 passed, 1 failed/);
  });
});

describe("a state space too big for the arrays ends incomplete (max-memory), not in an internal error", () => {
  test("allocation failures are told apart from other RangeErrors", async () => {
    const { isAllocationFailure } = await import("../src/engine/bfs.js");
    let tooBig: unknown;
    try {
      new Int32Array(2 ** 33);
    } catch (e) {
      tooBig = e;
    }
    assert.ok(isAllocationFailure(tooBig), String(tooBig));
    const deep = (n: number): number => deep(n + 1) + 1;
    let stack: unknown;
    try {
      deep(0);
    } catch (e) {
      stack = e;
    }
    assert.ok(stack instanceof RangeError && !isAllocationFailure(stack));
  });
});
