// herd7 compatibility: tests written the way other collections write them (diy7 headers,
// undeclared registers, SRCU and lock primitives, other languages), herd7's view of a plain
// test, and the front end's limits. The fixtures in test/fixtures/herd7/ are written by us in
// diy7's format; the kernel's and the corpus's own files are checked by corpus.test.ts.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkFile } from "../src/check.js";
import { MAX_NESTING } from "../src/frontend/parser.js";
import { run } from "./helpers.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const FIX = "test/fixtures/herd7";
const check = (name: string, opts = {}) => checkFile(resolve(ROOT, FIX, name), opts);
const cli = (...args: string[]) => {
  const p = spawnSync(process.execPath, ["dist/src/cli/main.js", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: p.status, stdout: p.stdout, stderr: p.stderr };
};

describe("diy7 headers", () => {
  test("the cycle string and the Key=Value lines are read as herd7's metadata (golden JSON)", () => {
    const r = check("diy7-mp-release-acquire.litmus");
    assert.equal(r.verdict, "pass");
    assert.equal(r.observation?.result, "Never");
    const golden = JSON.parse(readFileSync(resolve(ROOT, "test/golden/diy7-metadata.json"), "utf8"));
    assert.deepEqual(r.metadata, golden);
  });

  test("texname, doc string and ';' on the first line; indented and free text skipped; comments in the init block", () => {
    const r = check("diy7-first-line-doc.litmus");
    assert.equal(r.verdict, "pass", r.error?.formatted);
    assert.equal(r.name, "SB+mbonceonces");
    assert.deepEqual(r.metadata, { doc: "Fence.mb.WROnceOnce Fre Fence.mb.WROnceOnce Fre", info: { Variant: "Quad" } });
    assert.equal(r.observation?.result, "Never");
  });

  test("a test without metadata has none in the JSON", () => {
    const r = run("C plain\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n");
    assert.equal(r.metadata, undefined);
  });

  test("Expect:/Result: may stand in any comment before the init block", () => {
    const r = run('C late-comment\n"doc"\nCom=Rf\n(* first *)\n(* Result: Always *)\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n');
    assert.equal(r.expectation?.met, true, r.expectation?.detail);
  });
});

describe("herd7's implicit names", () => {
  test("undeclared registers, a register given its value in the init block, &param, an implicit location", () => {
    const r = check("implicit-registers.litmus");
    assert.equal(r.verdict, "pass", r.error?.formatted);
    assert.equal(r.observation?.result, "Never");
    // r5 is only read: 0. atomic_inc_return(&c) incremented the location c.
    for (const f of r.finalStates) {
      assert.equal(f.values["0:r0"], "0");
      assert.equal(f.values["2:r3"], "1");
      assert.equal(f.values["p"], "&a");
    }
  });

  test("init blocks and declarators as herd7's C grammar writes them", () => {
    // A declaration, then its value; parenthesised declarators in the init block, a parameter and a local.
    const r = run("C decls\n{ int *p; p = &x; int (y) = 2; int *(q) = &y; }\nP0(int (*x), int *y) { int (r1) = READ_ONCE(*x); int *(r2) = y; r3 = READ_ONCE(*r2); }\nlocations [p; q]\nexists (0:r1=0 /\\ 0:r3=2)\n");
    assert.equal(r.verdict, "pass", r.error?.formatted);
    assert.equal(r.observation?.result, "Always");
    assert.deepEqual(r.finalStates.map((f) => [f.values.p, f.values.q]), [["&x", "&y"]]);
  });

  test("a final condition comparing two registers (0:r0=1:r0)", () => {
    const r = check("register-compare.litmus");
    assert.equal(r.observation?.result, "Sometimes");
    assert.equal(r.observation?.positive, 1); // both 0; both 1 is not an SC outcome of LB
  });

  test("in a pageproof scenario (an Expect: line) a name that is only read stays an error", () => {
    const r = run("C typo\n(* Expect: clean *)\n{}\nP0(int *x) { int r = READ_ONCE(*x); WRITE_ONCE(*x, rr); }\n");
    assert.equal(r.verdict, "error");
    assert.match(r.error!.message, /undefined name 'rr'/);
  });
});

describe("LKMM primitives in diy7-style tests", () => {
  test("SRCU: the grace period waits for the reader of that srcu_struct (MP is Never)", () => {
    const r = check("srcu-diy7.litmus");
    assert.equal(r.verdict, "pass", r.error?.formatted);
    assert.equal(r.observation?.result, "Never");
  });

  test("spin_unlock_wait and spin_is_locked", () => {
    const r = check("spin-primitives.litmus");
    assert.equal(r.verdict, "pass", r.error?.formatted);
    // P1 may run entirely while P0 holds the lock after writing x: spin_unlock_wait then blocks,
    // so r1=1 /\ r2=1 needs P0 to take the lock again, which it does not.
    assert.equal(r.observation?.result, "Sometimes");
  });
});

describe("herd7's view of a test", () => {
  test("a plain test: the lock held at exit is a warning beside herd7's answer", () => {
    const r = check("lock-held-at-exit.litmus");
    assert.equal(r.mode, "herd7");
    assert.equal(r.verdict, "pass");
    assert.equal(r.observation?.result, "Sometimes");
    assert.deepEqual(
      r.warnings.map((w) => [w.kind, w.message]),
      [["bug", "P0 ends holding lk"]],
    );
  });

  test("the same test with an Expect: line keeps the strict verdict", () => {
    const text = readFileSync(resolve(ROOT, FIX, "lock-held-at-exit.litmus"), "utf8").replace("{}", "(* Expect: bug *)\n{}");
    const r = run(text);
    assert.equal(r.mode, "strict");
    assert.equal(r.verdict, "violation");
    assert.equal(r.violation?.kind, "bug");
    assert.equal(r.observation, undefined);
    assert.equal(r.expectation?.met, true);
  });

  test("--mode strict overrides herd7 mode; a deadlocked execution is not a final state in herd7 mode", () => {
    const src = "C ABBA\n{}\nP0(spinlock_t *a, spinlock_t *b, int *x) { spin_lock(a); spin_lock(b); WRITE_ONCE(*x, 1); spin_unlock(b); spin_unlock(a); }\nP1(spinlock_t *a, spinlock_t *b, int *x) { spin_lock(b); spin_lock(a); WRITE_ONCE(*x, 2); spin_unlock(a); spin_unlock(b); }\nexists (x=1)\n";
    const herd = run(src);
    assert.equal(herd.verdict, "pass");
    assert.equal(herd.observation?.result, "Sometimes"); // x=1 or x=2; the deadlock adds no final state
    assert.equal(herd.finalStates.length, 2);
    const dl = herd.warnings.find((w) => w.kind === "deadlock");
    assert.ok(dl);
    assert.equal(dl.process, null);
    assert.equal(dl.trace.blocked.length, 2);
    const strict = run(src, { mode: "strict" });
    assert.equal(strict.verdict, "violation");
    assert.equal(strict.violation?.kind, "deadlock");
  });

  test("the text report says which mode a file got", () => {
    const r = cli("check", `${FIX}/lock-held-at-exit.litmus`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /: pass \(1 finding of pageproof's own, herd7 mode\)/);
    assert.match(r.stdout, /^  mode herd7 \(a final condition, no Expect: line\)/m);
    assert.match(r.stdout, /finding \(bug, a warning in herd7 mode\): P0 ends holding lk/);
    assert.match(r.stdout, /Observation lock-held-at-exit Sometimes 1 3/);
  });
});

describe("other languages", () => {
  for (const [file, arch] of [["lisa-test.litmus", "LISA"], ["ppc-test.litmus", "PPC"], ["aarch64-test.litmus", "AArch64"]]) {
    test(`${arch}: a one-line error naming the language, exit 2`, () => {
      const r = cli("check", `${FIX}/${file}`);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr.split("\n")[0], `${FIX}/${file}:1:1: error: ${arch} litmus tests are not supported; pageproof reads C litmus tests`);
    });
  }

  test("pageproof test DIR lists them as skipped, not failed", () => {
    const r = cli("test", FIX);
    const last = r.stdout.trimEnd().split("\n").at(-1);
    // The C fixtures have no Expect:/Result: line, so they count as failed; the three others are skipped.
    assert.equal(last, "0 passed, 7 failed, 3 skipped");
    assert.match(r.stdout, /lisa-test\.litmus\s+skipped: LISA litmus tests are not supported/);
  });
});

describe("diagnostics", () => {
  test("a bad file's diagnostic goes to stderr; stdout keeps the other files' reports", () => {
    const r = cli("check", "test/fixtures/bad-sizeof.litmus", "test/fixtures/mp.litmus");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^test\/fixtures\/bad-sizeof\.litmus:10:10: error: sizeof is not supported/);
    assert.doesNotMatch(r.stdout, /error:/);
    assert.match(r.stdout, /^test\/fixtures\/mp\.litmus: pass$/m);
  });
});

describe("recursion limits: a located error, never an internal one", () => {
  const H = "C deep\n{}\n";
  const N = 20_000;
  const cases: [string, string, RegExp][] = [
    ["parentheses", H + "P0(int *x) {\n\tint r = " + "(".repeat(N) + "1" + ")".repeat(N) + ";\n}\n", /too deeply nested/],
    ["unary operators", H + "P0(int *x) {\n\tint r = " + "!".repeat(N) + "1;\n}\n", /too deeply nested/],
    ["casts", H + "P0(int *x) {\n\tint r = " + "(int)".repeat(N) + "1;\n}\n", /too deeply nested/],
    ["blocks", H + "P0(int *x) {\n" + "{".repeat(N) + "}".repeat(N) + "\n}\n", /too deeply nested/],
    ["while bodies", H + "P0(int *x) {\n" + "while (1) ".repeat(N) + ";\n}\n", /too deeply nested/],
    ["else-if chain", H + "P0(int *x) {\n\tint r = READ_ONCE(*x);\n" + "\tif (r == 1) r = 2; else\n".repeat(5000) + "\t;\n}\n", /too deeply nested/],
    ["assignment chain", H + "P0(int *x) {\n\tint r;\n\t" + "r = ".repeat(N) + "1;\n}\n", /too deeply nested/],
    ["conditional chain", H + "P0(int *x) {\n\tint r = " + "1 ? ".repeat(N) + "1" + " : 0".repeat(N) + ";\n}\n", /too deeply nested/],
    ["call arguments", H + "P0(int *x) {\n\tint r = " + "READ_ONCE(".repeat(N) + "*x" + ")".repeat(N) + ";\n}\n", /too deeply nested/],
    ["operator chain", H + "P0(int *x) {\n\tint r = " + Array(N).fill("1").join(" + ") + ";\n}\n", /more than 1024 '\+' operators in a row/],
    ["final-condition negations", H + "P0(int *x) { int r = 1; }\nexists (" + "~".repeat(N) + "0:r=1)\n", /too deeply nested/],
    ["final-condition chain", H + "P0(int *x) { int r = 1; }\nexists (" + Array(N).fill("0:r=1").join(" \\/ ") + ")\n", /more than 1024 '\\\/' operators/],
    [
      "inlining",
      "C deep\n{}\n" + Array.from({ length: 2000 }, (_, i) => `static int f${i}(int v) { return f${i + 1}(v) + 1; }\n`).join("") + "static int f2000(int v) { return v; }\nP0(int *x) { int r = f0(1); }\n",
      /calls nested more than 64 deep/,
    ],
  ];
  for (const [what, src, message] of cases) {
    test(what, () => {
      const r = run(src);
      assert.equal(r.verdict, "error");
      assert.match(r.error!.message, message);
      assert.ok(r.error!.line > 0 && r.error!.col > 0, `located: ${r.error!.formatted.split("\n")[0]}`);
      assert.doesNotMatch(r.error!.message, /internal error/);
    });
  }

  test(`${MAX_NESTING - 6} levels of parentheses inside ${MAX_NESTING / 2} blocks, and 1024-term sums, still check`, () => {
    const inner = "(".repeat(MAX_NESTING / 2 - 8) + Array(1024).fill("READ_ONCE(*x)").join(" + ") + ")".repeat(MAX_NESTING / 2 - 8);
    const src = H + "P0(int *x) {\n" + "{".repeat(MAX_NESTING / 2) + `int r = ${inner};` + "}".repeat(MAX_NESTING / 2) + "\n}\nexists (" + Array(1024).fill("x=0").join(" \\/ ") + ")\n";
    const r = run(src);
    assert.equal(r.verdict, "pass", r.error?.formatted);
    assert.equal(r.observation?.result, "Always");
  });
});

test("(* comments *) inside the final condition's parentheses; a register or location named only in the condition", () => {
  const r = run(`C cond-comments
{}
P0(int *x) { r0 = READ_ONCE(*x); }
P1(int *x) { WRITE_ONCE(*x, 1); }
locations [1:r7]
exists (0:r0=1 \\/ (* comment inside the condition *)
	0:r0=x2)   (* x2: a location named nowhere else, as in herd7 *)
`);
  assert.equal(r.verdict, "pass", r.error?.formatted);
  assert.equal(r.observation?.result, "Sometimes");
  for (const f of r.finalStates) assert.equal(f.values["1:r7"], "0");
});
