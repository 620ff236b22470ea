// Symbolic read values under --model lkmm (src/lkmm/sym.ts, resolve.ts, static-values.ts): a read is
// a variable and a path forks only on the outcome of a test. The concrete mode (a path per value
// a read may see) is the reference: both modes must give the same verdict, Observation counts,
// allowed executions, findings and final states, on the LKMM fixtures, the lkmm scenarios and a
// sample of the corpus (bench/lkmm-values-crosscheck.mjs runs the whole corpus). Plus known
// answers: value cycles through reads-from, what the static values decide, and kernel-model
// scenarios the concrete mode cannot finish.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CheckResult, checkFile, checkSource } from "../src/check.js";
import { compileSource } from "../src/ir/compile.js";
import { StaticValues, truth } from "../src/lkmm/static-values.js";
import { SExpr, binOp, factKey, readVar } from "../src/lkmm/sym.js";
import { CORPUS_DIR, corpusFiles, corpusSkip } from "./corpus-files.js";
import { litmusIn, rowOf } from "./lkmm-rows.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
type Values = "concrete" | "symbolic";

const both = (text: string, file: string) =>
  (["concrete", "symbolic"] as Values[]).map((lkmmValues) => checkSource(text, file, { model: "lkmm", lkmmValues }));

describe("symbolic read values give the concrete mode's answers", () => {
  for (const file of [...litmusIn("test/fixtures/lkmm-counts"), ...litmusIn("test/fixtures/herd7"), ...litmusIn("scenarios/lkmm")])
    test(file, () => {
      const [c, s] = both(readFileSync(join(ROOT, file), "utf8"), file);
      // (The herd7 fixtures in other architectures' syntax are refused alike.)
      if (c.lkmm) {
        assert.equal(c.lkmm.values, "concrete");
        assert.equal(s.lkmm?.values, "symbolic");
      }
      assert.deepEqual(rowOf(s), rowOf(c));
    });

  test("a sample of the corpus (every 20th file)", { skip: corpusSkip }, () => {
    const files = corpusFiles().filter((_, i) => i % 20 === 0);
    assert.ok(files.length > 100);
    const differ: string[] = [];
    for (const f of files) {
      const [c, s] = both(readFileSync(join(CORPUS_DIR, f), "utf8"), f);
      if (JSON.stringify(rowOf(c)) !== JSON.stringify(rowOf(s))) differ.push(`${f}: ${JSON.stringify(rowOf(c))} / ${JSON.stringify(rowOf(s))}`);
    }
    assert.deepEqual(differ, []);
  });
});

const LB = (access: (x: string) => string, write: (x: string, v: string) => string, init = "") => `C LB-data
{${init}}
P0(int *x, int *y)
{
	int r0 = ${access("x")};
	${write("y", "r0")};
}
P1(int *x, int *y)
{
	int r1 = ${access("y")};
	${write("x", "r1")};
}
exists (0:r0=0 /\\ 1:r1=0)
`;

describe("values that depend on themselves through reads-from", () => {
  test("marked accesses: the cycle is rfe plus data in hb, forbidden, and dropped with the same counts", () => {
    const text = LB((x) => `READ_ONCE(*${x})`, (x, v) => `WRITE_ONCE(*${x}, ${v})`);
    const [c, s] = both(text, "lb-data.litmus");
    assert.equal(s.verdict, "pass");
    assert.deepEqual(rowOf(s), rowOf(c));
    assert.equal(s.observation?.positive, 3);
  });

  test("plain accesses: hb does not order them, so the cycle stops the run (incomplete, never a pass)", () => {
    // x = 1 initially: x and y may hold 0 or 1, so the reads stay variables and the cycle is one.
    const s = checkSource(LB((x) => `*${x}`, (x, v) => `*${x} = ${v}`, " x=1; "), "lb-plain.litmus", { model: "lkmm", lkmmValues: "symbolic" });
    assert.equal(s.verdict, "incomplete");
    assert.equal(s.incomplete!.limit, "value-cycle");
    assert.match(s.incomplete!.detail!, /depends on itself through reads-from/);
  });

  test("locations that hold one value in every execution are read as that value: no cycle is left", () => {
    // All zero: only 0 is ever written, so both reads are the constant 0 (paths.ts symbolicLoad).
    const [c, s] = both(LB((x) => `*${x}`, (x, v) => `*${x} = ${v}`), "lb-plain-zero.litmus");
    assert.equal(s.verdict, "pass");
    assert.deepEqual(rowOf(s), rowOf(c));
    assert.equal(s.observation?.positive, 4);
  });
});

describe("static values (static-values.ts)", () => {
  const model = compileSource(
    "sv.litmus",
    `C sv
{ int flags = 5; int *p = &a; int a; int b; int c = 7; }
P0(int *flags, int **p, int *a, int *b, int *c)
{
	int f = READ_ONCE(*flags);
	WRITE_ONCE(*flags, f | 2);
	int *q = READ_ONCE(*p);
	WRITE_ONCE(*q, 1);
	WRITE_ONCE(*p, b);
	int k = READ_ONCE(*c);
	WRITE_ONCE(*c, k + 1);
}
exists (0:f=0)
`,
  ).model;
  const sv = new StaticValues(model);
  const cell = (name: string) => model.cells.findIndex((c) => c.name === name);

  test("a pointer's few values, and a write through it reaches only those", () => {
    assert.deepEqual(sv.valuesAt(cell("p")), [cell("a"), cell("b")].sort((x, y) => x - y));
    assert.deepEqual(sv.valuesAt(cell("a")), [0, 1]);
    assert.deepEqual(sv.valuesAt(cell("b")), [0, 1]);
  });

  test("bits no write changes keep their initial value (the flags word: bit 0 set, bit 3 clear)", () => {
    const f = sv.ofLocation(cell("flags"));
    assert.equal(truth({ ...f, set: null, value: f.value & 1, known: f.known & 1 }), true);
    assert.equal((f.known & 8) !== 0 && (f.value & 8) === 0, true);
  });

  test("a pointer tested against NULL: the field it writes is not at NULL + offset (a low cell)", () => {
    const m = compileSource(
      "sv-null.litmus",
      `C sv-null
{ int first = 3; struct st s; struct st *p; }
struct st { int x; int y; };
P0(struct st **p, struct st *s) { WRITE_ONCE(*p, s); }
P1(struct st **p) { struct st *q = READ_ONCE(*p); if (q != NULL) WRITE_ONCE(q->y, 42); }
exists (first=42)
`,
    ).model;
    const at = (name: string) => new StaticValues(m).valuesAt(m.cells.findIndex((c) => c.name === name));
    assert.equal(m.cells.findIndex((c) => c.name === "first"), 1); // NULL->y would be cell 1
    assert.deepEqual(at("first"), [3]);
    assert.deepEqual(at("s.y"), [0, 42]);
  });

  test("a counter's values: each increment of each value seen, up to the set's size", () => {
    const k = sv.valuesAt(cell("c"));
    assert.ok(k === null || k.includes(8));
  });
});

describe("a bit lock's outcome is known to the tests that follow it", () => {
  test("factKey(): a test of one bit is the same fact in test_bit()'s shape and as a mask", () => {
    const r = readVar(0, 1);
    assert.equal(factKey(binOp("&", binOp(">>", r, 3, false), 1, false) as SExpr), factKey(binOp("&", r, 8, false) as SExpr));
    assert.notEqual(factKey(binOp("&", r, 8, false) as SExpr), factKey(binOp("&", r, 4, false) as SExpr));
    assert.notEqual(factKey(binOp("&", r, 8, false) as SExpr), factKey(binOp("&", readVar(1, 1), 8, false) as SExpr));
    const two = binOp("&", r, 3, false) as SExpr; // not one bit: its own id
    assert.equal(factKey(two), two.id);
  });
  test("a path per lock taken, not two: await(!test_and_set_bit_lock()) after the RMW's own fork", () => {
    // Without the shared fact each acquisition leaves a path that failed the test_and_set_bit_lock()
    // yet passes the await (contradictory, dropped only when values are resolved): 2^16 paths.
    const cs = "await(!test_and_set_bit_lock(0, f)); WRITE_ONCE(*x, READ_ONCE(*x) + 1); clear_bit_unlock(0, f);";
    const src = `C bitlock-16
{}
P0(unsigned long *f, int *x) { ${cs.repeat(16)} }
P1(unsigned long *f, int *x) { ${cs} }
exists (x=0)`;
    const r = checkSource(src, "bitlock-16.litmus", { model: "lkmm", lkmmValues: "symbolic" });
    assert.equal(r.verdict, "pass", r.incomplete?.detail);
    assert.equal(r.observation?.result, "Never");
  });
});

describe("kernel-model scenarios the concrete mode cannot finish", () => {
  const kind = (r: CheckResult) => (r.verdict === "violation" ? r.violation!.kind : r.verdict);
  for (const [file, want] of [
    ["scenarios/v5.7/02-migrate-vs-pin.litmus", "pass"],
    ["scenarios/2020-splice-thread/02-io-without-callback.litmus", "io-on-secure"],
    ["scenarios/next/thp-tail-refcount.litmus", "pass"],
  ] as const)
    test(`${file}: ${want} with symbolic values, as under SC`, () => {
      const r = checkFile(join(ROOT, file), { model: "lkmm" });
      assert.equal(r.lkmm?.values, "symbolic");
      assert.equal(kind(r), want, r.incomplete?.detail);
      assert.equal(kind(checkFile(join(ROOT, file), {})), want);
    });
});
