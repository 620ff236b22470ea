// The parallel search (worker threads sharing the visited set) against the serial one.
// Without reductions both explore the same graph, so states and transitions must be equal;
// with partial-order reduction the cycle proviso depends on which thread stores a state
// first, so only verdicts, kinds and (shortest) trace lengths are compared.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSource, CheckResult, NodeCheckOptions } from "../src/check.js";
import { collectScenarioFiles } from "../src/cli/test.js";
import { generate } from "./difftest/gen.js";
import { spawnSync } from "node:child_process";
import { SharedVisited, allocate } from "../src/engine/parallel/shared.js";
import { SLACK } from "../src/engine/store.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, ["dist/src/cli/main.js", ...args], { cwd: root, encoding: "utf8" });
const fixture = (name: string) => readFileSync(join(root, "test/fixtures", name), "utf8");

const finals = (r: CheckResult) => r.finalStates.map((f) => JSON.stringify(f)).sort();
const warnings = (r: CheckResult) => r.warnings.map((w) => `${w.message} @${w.trace.steps.length}`).sort();

function compare(name: string, src: string, opts: NodeCheckOptions, sameCounts: boolean): void {
  const serial = checkSource(src, name, opts);
  const parallel = checkSource(src, name, { ...opts, workers: 2 });
  assert.notEqual(serial.verdict, "error", `${name}: ${serial.error?.message}`);
  assert.equal(parallel.verdict, serial.verdict, `${name}: verdict`);
  assert.equal(parallel.violation?.kind, serial.violation?.kind, `${name}: violation kind`);
  assert.equal(parallel.violation?.trace.steps.length, serial.violation?.trace.steps.length, `${name}: counterexample length`);
  assert.equal(parallel.violation?.shortest, serial.violation?.shortest, `${name}: shortest`);
  assert.deepEqual(warnings(parallel), warnings(serial), `${name}: warnings`);
  if (serial.verdict === "pass") assert.deepEqual(finals(parallel), finals(serial), `${name}: final states`);
  if (sameCounts && serial.verdict === "pass") {
    assert.equal(parallel.stats.states, serial.stats.states, `${name}: states`);
    assert.equal(parallel.stats.transitions, serial.stats.transitions, `${name}: transitions`);
  }
}

describe("parallel search (2 threads) agrees with the serial search", () => {
  const files = collectScenarioFiles([join(root, "scenarios")]).filter((f) => !f.includes("/liveness/"));
  test("catalog, reductions off: same states, transitions, verdicts, traces", () => {
    assert.ok(files.length > 20);
    for (const f of files) compare(f, readFileSync(f, "utf8"), { por: false, symmetry: false }, true);
  });
  test("catalog, defaults (POR + symmetry): same verdicts and shortest traces", () => {
    for (const f of files) compare(f, readFileSync(f, "utf8"), {}, false);
  });
  test("30 generated programs (final states, deadlocks, assertions)", () => {
    for (let seed = 2001; seed <= 2030; seed++) compare(`gen-${seed}`, generate(seed), { por: false, symmetry: false }, true);
  });
  // The catalog stays inside the first table. SPIN's twin of pv-ok(4,2) (bench/results.md,
  // "State-space agreement") has 444,142 states: the shared table doubles in place four times
  // (both threads moving chunks of it), and the queue and parent links grow inside their
  // reservations.
  test("a state space that outgrows the table: SPIN -DNOREDUCE's counts", () => {
    const dir = mkdtempSync(join(tmpdir(), "pv-"));
    const gen = spawnSync(process.execPath, ["bench/gen-pv.mjs", "ok", "4", "2", dir, "--twin"], { cwd: root, encoding: "utf8" });
    assert.equal(gen.status, 0, gen.stderr);
    const src = readFileSync(join(dir, "pv-ok-4-2-twin.litmus"), "utf8");
    rmSync(dir, { recursive: true });
    const r = checkSource(src, "pv-ok-4-2-twin", { por: false, symmetry: false, workers: 2 });
    assert.equal(r.verdict, "pass", r.error?.message);
    assert.equal(r.stats.threads, 2);
    assert.equal(r.stats.states, 444_142);
    assert.equal(r.stats.transitions, 2_585_159); // SPIN's 2,585,160 counts the initial state once more
  });
  test("deadlock, WARN in report mode, final-state histogram", () => {
    compare("abba", fixture("abba.litmus"), {}, true);
    compare("warn-helper", fixture("warn-helper.litmus"), { warn: "report" }, true);
    compare("mp", fixture("mp.litmus"), { por: false }, true);
  });
  // Values past a signed byte: such states go to the queue's side array (parallel/queue.ts).
  test("states with words outside -128..127: same states and final values", () => {
    const src = "C big\n{}\nP0(int *x, int *y) {\n\tWRITE_ONCE(*x, 1000);\n\tWRITE_ONCE(*y, -300);\n}\nP1(int *x, int *y) {\n\tint r0 = READ_ONCE(*y);\n\tint r1 = READ_ONCE(*x);\n\tWRITE_ONCE(*x, r0 + 5);\n}\nP2(int *x) {\n\tWRITE_ONCE(*x, 7);\n\tWRITE_ONCE(*x, 200);\n}\nexists (1:r0=-300 /\\ x=-295)\n";
    compare("big", src, { por: false, symmetry: false }, true);
    const r = checkSource(src, "big", { por: false, symmetry: false, workers: 2 });
    assert.ok(r.finalStates.some((f) => JSON.stringify(f).includes("-295")), JSON.stringify(r.finalStates));
  });
});

// The GROW phase as the coordinator runs it (search.ts), but with the chunks moved one after
// another in a chosen order: threads may take them in any order, and chunks only meet in the
// upper half, where every placement is a compare-and-swap into a run that only grows.
function growInPlace(vis: SharedVisited, order: (chunks: number) => number[]): void {
  const oldHomes = vis.buffers.tableSlots;
  vis.growInPlace(16, (bounds) => {
    for (const j of order(bounds.length - 1)) vis.growChunk(bounds[j], bounds[j + 1], oldHomes);
  });
}

describe("shared fingerprint table: doubling in place", () => {
  let seed = 7;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
  const orders: [string, (n: number) => number[]][] = [
    ["in order", (n) => [...Array(n).keys()]],
    ["backwards", (n) => [...Array(n).keys()].reverse()],
    ["shuffled", (n) => [...Array(n).keys()].sort(() => (rnd() & 1 ? 1 : -1))],
  ];
  for (const [name, order] of orders)
    test(`every fingerprint stays findable (chunks ${name})`, () => {
      const slots = 1 << 10;
      const vis = new SharedVisited(4, allocate(4, slots, 16, 16));
      const keys: [number, number][] = [];
      const put = (hi: number, lo: number) => {
        if (vis.add(hi, lo)) keys.push([hi, lo]);
      };
      // Long runs: one across many chunks, one off the end of the home slots into the slack.
      for (let i = 0; i < 120; i++) put(100 + (i % 3) + (rnd() << 12), rnd() | 1);
      for (let i = 0; i < 90; i++) put(slots - 1 - (i % 5) + (rnd() << 12), rnd() | 1);
      while (keys.length < slots * 0.7) put(rnd(), rnd());
      const inSlack = () => {
        let n = 0;
        for (let h = vis.buffers.tableSlots; h < vis.buffers.tableSlots + SLACK; h++) if (vis.table[2 * h] !== 0) n++;
        return n;
      };
      assert.ok(inSlack() > 20, "the test fills part of the slack");
      for (let round = 0; round < 3; round++) {
        growInPlace(vis, order);
        for (const [hi, lo] of keys) assert.equal(vis.add(hi, lo), false, `round ${round}: ${hi},${lo} lost`);
        let used = 0;
        for (let k = 0; k < vis.table.length; k += 2) if (vis.table[k] !== 0) used++;
        assert.equal(used, keys.length, `round ${round}: entries`);
        while (keys.length < vis.buffers.tableSlots * 0.7) put(rnd(), rnd());
      }
      assert.equal(vis.buffers.tableSlots, slots * 8);
    });
  // Past its reservation the table is copied into a new buffer instead (the REHASH phase), the
  // old slack included.
  test("rehash into a new buffer keeps every fingerprint, the slack's too", () => {
    const slots = 1 << 10;
    const old = new SharedVisited(4, allocate(4, slots, 16, 16));
    const keys: [number, number][] = [];
    for (let i = 0; keys.length < slots * 0.7; i++) {
      const hi = i < 90 ? slots - 1 - (i % 5) + (rnd() << 12) : rnd();
      const lo = rnd() | 1;
      if (old.add(hi, lo)) keys.push([hi, lo]);
    }
    const vis = new SharedVisited(4, { ...allocate(4, slots * 4, 16, 16) });
    vis.rehash(old.table, 0, slots + SLACK);
    for (const [hi, lo] of keys) assert.equal(vis.add(hi, lo), false, `${hi},${lo} lost`);
  });
});

describe("parallel search: limits and errors", () => {
  test("--max-states: incomplete, never pass", () => {
    const r = checkSource(fixture("html-counter.litmus"), "counter", { workers: 2, maxStates: 5, por: false });
    assert.equal(r.verdict, "incomplete");
    assert.equal(r.incomplete?.limit, "max-states");
  });
  test("an error met by any thread is reported at its source position", () => {
    const src = "C e\n{}\nP0(int *x) {\n\tWRITE_ONCE(*x, 1);\n\twhile (1)\n\t\t;\n}\nP1(int *x) {\n\tWRITE_ONCE(*x, 2);\n}\n";
    const r = checkSource(src, "loop.litmus", { workers: 2 });
    assert.equal(r.verdict, "error");
    assert.equal(r.error?.line, 5);
    assert.equal(r.error?.col, 2);
    assert.match(r.error!.message, /endless local loop/);
  });
  test("cli: --workers 2 prints the same verdict and counts; bad values are usage errors", () => {
    const a = cli("check", "--format", "json", "--no-por", "--no-symmetry", "test/fixtures/html-counter.litmus");
    const b = cli("check", "--format", "json", "--no-por", "--no-symmetry", "--workers", "2", "test/fixtures/html-counter.litmus");
    const ja = JSON.parse(a.stdout);
    const jb = JSON.parse(b.stdout);
    assert.equal(b.status, a.status);
    assert.equal(jb.verdict, ja.verdict);
    assert.equal(jb.stats.states, ja.stats.states);
    assert.equal(jb.stats.threads, 2);
    assert.equal(cli("check", "--workers", "0", "test/fixtures/mp.litmus").status, 2);
  });
});
