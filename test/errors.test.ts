// Unsupported or malformed input: verdict "error" at the right line and column with a useful
// message, and the CLI's exit codes (0 pass, 1 violation or unmet expectation, 2 bad input
// or usage).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "./helpers.js";

/** The repository root (this file runs from dist/test/). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const H = "C e\n{}\n";

interface ErrorCase {
  name: string;
  src: string;
  line: number;
  col: number;
  message: RegExp;
}

const CASES: ErrorCase[] = [
  {
    name: "a call in an initialiser to a function of more than one return",
    src: "C e\n{ x = f(1); }\nstatic int f(int a) { int b = a; return b; }\nP0(int *x) {\n\tWRITE_ONCE(*x, 1);\n}\n",
    line: 2,
    col: 7,
    message: /'f' is not constant in an initialiser: only a function whose body is one return statement/,
  },
  {
    name: "a call in an initialiser to a function that names a location",
    src: "C e\n{ x = f(1); }\nstatic int f(int a) { return a + y; }\nP0(int *x) {\n\tWRITE_ONCE(*x, 1);\n}\n",
    line: 3,
    col: 34,
    message: /'y' is neither a parameter nor a #define/,
  },
  {
    name: "a call in an initialiser to an undefined function",
    src: "C e\n{ x = g(1); }\nP0(int *x) {\n\tWRITE_ONCE(*x, 1);\n}\n",
    line: 2,
    col: 7,
    message: /'g' is not a function/,
  },
  { name: "unknown function", src: H + "P0(int *x) {\n\tint r = frobnicate(x);\n}\n", line: 4, col: 10, message: /undefined function 'frobnicate'/ },
  { name: "undefined variable", src: H + "P0(int *x) {\n\tint r = y + 1;\n}\n", line: 4, col: 10, message: /undefined name 'y'/ },
  {
    name: "recursion",
    src: "C e\n{}\nstatic int f(int n) { return f(n - 1); }\nP0(int *x) {\n\tint r = f(3);\n}\n",
    line: 3,
    col: 30,
    message: /recursi.*'f'.*not supported/,
  },
  {
    name: "mutual recursion",
    src: "C e\n{}\nstatic int g(int n);\nstatic int f(int n) { return g(n); }\nstatic int g(int n) { return f(n); }\nP0(int *x) {\n\tint r = f(3);\n}\n",
    line: 5,
    col: 30,
    message: /recursi/,
  },
  { name: "sizeof", src: H + "P0(int *x) {\n\tint r = sizeof(int);\n}\n", line: 4, col: 10, message: /sizeof is not supported/ },
  { name: "local array", src: H + "P0(int *x) {\n\tint a[4];\n}\n", line: 4, col: 7, message: /local arrays are not supported/ },
  { name: "typedef", src: "C e\n{}\ntypedef int foo_t;\nP0(int *x) {\n\tWRITE_ONCE(*x, 1);\n}\n", line: 3, col: 1, message: /typedef is not supported/ },
  {
    name: "function-like macro",
    src: "C e\n#define MAX(a, b) ((a) > (b) ? (a) : (b))\n{}\nP0(int *x) {\n\tWRITE_ONCE(*x, 1);\n}\n",
    line: 2,
    col: 1,
    message: /function-like macros are not supported/,
  },
  // The parser reports the token where the ';' was expected (the next statement).
  { name: "missing semicolon", src: H + "P0(int *x) {\n\tWRITE_ONCE(*x, 1)\n\tWRITE_ONCE(*x, 2);\n}\n", line: 5, col: 2, message: /expected ';'/ },
  { name: "unterminated comment", src: H + "P0(int *x) {\n\t/* oops\n\tWRITE_ONCE(*x, 1);\n}\n", line: 4, col: 2, message: /unterminated comment/ },
  { name: "unterminated string", src: H + 'P0(int *x) {\n\t__violation_if(1, "k, m);\n}\n', line: 4, col: 20, message: /unterminated string/ },
  { name: "address of a local", src: H + "P0(int *x) {\n\tint a = 0;\n\tint *p = &a;\n}\n", line: 5, col: 12, message: /address of local 'a'/ },
  { name: "break outside a loop", src: H + "P0(int *x) {\n\tbreak;\n}\n", line: 4, col: 2, message: /'break' outside a loop/ },
  { name: "continue outside a loop", src: H + "P0(int *x) {\n\tcontinue;\n}\n", line: 4, col: 2, message: /'continue' outside a loop/ },
  { name: "goto an undefined label", src: H + "P0(int *x) {\n\tgoto nowhere;\n}\n", line: 4, col: 2, message: /label 'nowhere'.*not defined/ },
  { name: "label defined twice", src: H + "P0(int *x) {\na:\n\tWRITE_ONCE(*x, 1);\na:\n\tWRITE_ONCE(*x, 1);\n}\n", line: 6, col: 1, message: /label 'a' is defined twice/ },
  {
    name: "wrong argument count (helper)",
    src: "C e\n{}\nstatic int f(int a, int b) { return a + b; }\nP0(int *x) {\n\tint r = f(1);\n}\n",
    line: 5,
    col: 10,
    message: /'f' takes 2 arguments, 1 given/,
  },
  { name: "wrong argument count (primitive)", src: H + "P0(int *x) {\n\tWRITE_ONCE(*x);\n}\n", line: 4, col: 2, message: /'WRITE_ONCE' takes 2 arguments, 1 given/ },
  {
    name: "bad process numbering (P0 then P2)",
    src: H + "P0(int *x) {\n\tWRITE_ONCE(*x, 1);\n}\nP2(int *x) {\n\tWRITE_ONCE(*x, 2);\n}\n",
    line: 6,
    col: 1,
    message: /numbered P0, P1.*expected P1/,
  },
  { name: "first process not P0", src: H + "P1(int *x) {\n\tWRITE_ONCE(*x, 1);\n}\n", line: 3, col: 1, message: /expected P0/ },
  {
    name: "unknown struct field",
    src: "C e\n{\n\tstruct page pg;\n}\nstruct page { int a; };\nP0(struct page *pg) {\n\tWRITE_ONCE(pg->b, 1);\n}\n",
    line: 7,
    col: 17,
    message: /struct page has no field 'b'/,
  },
  { name: "unknown struct type", src: "C e\n{\n\tstruct zork z;\n}\nP0(int *x) {\n\tint a = 1;\n}\n", line: 3, col: 2, message: /unknown type 'struct zork'/ },
  { name: "unknown type", src: H + "P0(int *x) {\n\tfoo_t a = 1;\n}\n", line: 4, col: 2, message: /unknown type 'foo_t'/ },
  {
    name: "unknown #include",
    src: "C e\n#include <linux/nonexistent.h>\n{}\nP0(int *x) {\n\tWRITE_ONCE(*x, 1);\n}\n",
    line: 2,
    col: 1,
    message: /cannot find include file 'linux\/nonexistent.h'/,
  },
  { name: "comma operator", src: H + "P0(int *x) {\n\tint a = (1, 2);\n}\n", line: 4, col: 12, message: /comma operator is not supported/ },
  { name: "unexpected character", src: H + "P0(int *x) {\n\tint a = 1 @ 2;\n}\n", line: 4, col: 12, message: /unexpected character '@'/ },
  { name: "missing closing brace", src: H + "P0(int *x) {\n\tint a = 1;\n", line: 5, col: 1, message: /expected '}', found end of file/ },
  { name: "no processes", src: "C e\n{}\n", line: 1, col: 1, message: /no processes/ },
  { name: "case outside a switch", src: H + "P0(int *x) {\n\tcase 1: WRITE_ONCE(*x, 1);\n}\n", line: 4, col: 2, message: /'case' outside a switch/ },
  // With an Expect: line (strict mode); a plain herd7 test makes these implicit (herd7-compat.test.ts).
  { name: "final condition names an unknown register", src: H.replace("{}", "(* Expect: clean *) {}") + "P0(int *x) {\n\tint r = 1;\n}\nexists (0:q=1)\n", line: 6, col: 9, message: /P0 has no variable 'q'/ },
  { name: "locations names an unknown register", src: H + "P0(int *x) {\n\tint r = 1;\n}\nlocations [0:q;]\n", line: 6, col: 12, message: /P0 has no variable 'q'/ },
  { name: "locations names an unknown shared location", src: H.replace("{}", "(* Expect: clean *) {}") + "P0(int *x) {\n\tint r = 1;\n}\nlocations [x; zz;]\nexists (0:r=1)\n", line: 6, col: 15, message: /no shared location 'zz'/ },
  {
    name: "an endless local loop (no shared access)",
    src: H + "P0(int *x) {\n\tWRITE_ONCE(*x, 1);\n\twhile (1)\n\t\t;\n}\n",
    line: 5,
    col: 2,
    message: /without touching shared memory: an endless local loop/,
  },
  { name: "final condition names a missing process", src: H + "P0(int *x) {\n\tint r = 1;\n}\nexists (3:r=1)\n", line: 6, col: 9, message: /no process P3/ },
];

describe("errors: verdict error at the right place", () => {
  for (const c of CASES) {
    test(c.name, () => {
      const r = run(c.src);
      assert.equal(r.verdict, "error", `expected an error, got ${r.verdict}${r.violation ? ": " + r.violation.message : ""}`);
      assert.match(r.error!.message, c.message);
      assert.deepEqual({ line: r.error!.line, col: r.error!.col }, { line: c.line, col: c.col }, r.error!.formatted);
      assert.equal(r.error!.file, "test.litmus");
      // The formatted form: file:line:col: error: message, the source line, a caret under the column.
      const [head, src, caret, ...rest] = r.error!.formatted.split("\n");
      assert.equal(head, `test.litmus:${c.line}:${c.col}: error: ${r.error!.message}`);
      assert.equal(src, (c.src.split("\n")[c.line - 1] ?? "").replace(/\t/g, " "));
      assert.equal(caret, " ".repeat(c.col - 1) + "^");
      assert.equal(rest.length, 0);
    });
  }

  test("an error is never also a verdict on the model", () => {
    const r = run(CASES[0].src);
    assert.equal(r.violation, undefined);
    assert.equal(r.observation, undefined);
    assert.equal(r.stats.states, 0);
  });
});

// ---------------------------------------------------------------------------------------
describe("CLI exit codes", () => {
  const cli = (...args: string[]) => {
    const p = spawnSync(process.execPath, ["dist/src/cli/main.js", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    return { code: p.status, out: p.stdout + p.stderr, stdout: p.stdout, stderr: p.stderr };
  };

  test("a malformed file exits 2 with file:line:col:, the source line and a caret", () => {
    const r = cli("check", "test/fixtures/bad-sizeof.litmus");
    assert.equal(r.code, 2, r.out);
    const lines = r.out.split("\n");
    const i = lines.findIndex((l) => l.startsWith("test/fixtures/bad-sizeof.litmus:10:10: error: sizeof is not supported"));
    assert.ok(i >= 0, r.out);
    assert.equal(lines[i + 1], " int n = sizeof(int);");
    assert.equal(lines[i + 2], "         ^");
    assert.doesNotMatch(r.out, /at .*\.js:\d+/, "no stack trace");
  });

  test("a malformed file exits 2 with --format json too, the error as data", () => {
    const r = cli("check", "--format", "json", "test/fixtures/bad-sizeof.litmus");
    assert.equal(r.code, 2, r.out);
    const j = JSON.parse(r.stdout);
    assert.equal(j.verdict, "error");
    assert.deepEqual([j.error.line, j.error.col], [10, 10]);
  });

  test("a missing file exits 2", () => {
    const r = cli("check", "test/fixtures/does-not-exist.litmus");
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /cannot read test\/fixtures\/does-not-exist\.litmus/);
  });

  test("an unknown option is a usage error: exit 2", () => {
    const r = cli("check", "--frobnicate", "test/fixtures/mp.litmus");
    assert.equal(r.code, 2, r.out);
    assert.match(r.stderr, /unknown option --frobnicate/);
    assert.match(r.stderr, /usage:/);
  });

  test("other usage errors exit 2: unknown command, no file, bad number", () => {
    assert.equal(cli("frobnicate", "test/fixtures/mp.litmus").code, 2);
    assert.equal(cli("check").code, 2);
    assert.equal(cli("check", "--max-states", "lots", "test/fixtures/mp.litmus").code, 2);
    assert.equal(cli().code, 2);
  });

  test("a violation exits 1 and prints the verdict", () => {
    const r = cli("check", "test/fixtures/lost-update.litmus");
    assert.equal(r.code, 1, r.out);
    assert.match(r.stdout, /^test\/fixtures\/lost-update\.litmus: VIOLATION assert: /m);
    assert.match(r.stdout, /shortest trace \(7 steps\)/);
  });

  test("a deadlock exits 1", () => {
    const r = cli("check", "test/fixtures/abba.litmus");
    assert.equal(r.code, 1, r.out);
    assert.match(r.stdout, /VIOLATION deadlock/);
  });

  test("a pass with its expectation met exits 0", () => {
    const r = cli("check", "test/fixtures/mp.litmus");
    assert.equal(r.code, 0, r.out);
    assert.match(r.stdout, /^test\/fixtures\/mp\.litmus: pass$/m);
    assert.match(r.stdout, /Observation mp Never 0 3/);
  });

  test("a pass with an unmet Result: line exits 1", () => {
    const r = cli("check", "test/fixtures/mp-wrong-expectation.litmus");
    assert.equal(r.code, 1, r.out);
    assert.match(r.stdout, /expectation NOT met: expected Result: Sometimes, observed Never/);
  });

  test("several files: the worst exit code wins (error over violation over pass)", () => {
    assert.equal(cli("check", "test/fixtures/mp.litmus", "test/fixtures/lost-update.litmus").code, 1);
    assert.equal(cli("check", "test/fixtures/mp.litmus", "test/fixtures/lost-update.litmus", "test/fixtures/bad-sizeof.litmus").code, 2);
  });

  test("--warn=report turns a WARN violation into a pass with the WARN listed", () => {
    const fail = cli("check", "test/fixtures/warn-helper.litmus");
    assert.match(fail.stdout, /VIOLATION warn/);
    const rep = cli("check", "--warn=report", "test/fixtures/warn-helper.litmus");
    assert.match(rep.stdout, /: pass \(1 WARN site reached, --warn=report\)/);
    assert.match(rep.stdout, /WARN reached: WARN_ON_ONCE\(atomic_read\(refs\) <= 0\) triggered \(P0\)/);
    // The header says Expect: warn but the run passed: the expectation is not met.
    assert.equal(rep.code, 1);
  });

  test("pageproof test: a table and 'N passed, N failed' on the last line", () => {
    const r = cli("test", "test/fixtures/mp.litmus", "test/fixtures/abba.litmus", "test/fixtures/mp-wrong-expectation.litmus");
    assert.equal(r.code, 1, r.out);
    const last = r.stdout.trimEnd().split("\n").at(-1);
    assert.equal(last, "2 passed, 1 failed");
  });
});
