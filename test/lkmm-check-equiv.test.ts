// The LKMM check, candidate by candidate, against the reference: the check as it was before the
// per-candidate speed-up (test/lkmm-reference-model.ts: every relation rebuilt per candidate,
// rcu-order by its fixpoint). Every candidate execution of the programs below is checked by both;
// the verdict, the failed axiom, its cycle, the races and the "ordered before" relation must be
// the same. Then the bulk enumeration (exec.ts, enumerateBulk: subtrees found allowed at once)
// against the one that checks every candidate in full: the same candidates in the same order
// with the same verdicts. The counts (test/lkmm-counts.test.ts) follow from these; these tests
// say where a difference comes from.
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSource } from "../src/check.js";
import { Lkmm, Static, Verdict } from "../src/lkmm/model.js";
import { Execution, enumTesting } from "../src/lkmm/exec.js";
import { Rel } from "../src/lkmm/rel.js";
import { ReferenceLkmm } from "./lkmm-reference-model.js";
import { CORPUS_DIR, corpusFiles, corpusSkip } from "./corpus-files.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const FIXTURES = join(ROOT, "test/fixtures/lkmm-counts");

function differs(a: Verdict, b: Verdict): string | null {
  if (a.ok !== b.ok) return `allowed ${a.ok} vs ${b.ok}`;
  if (a.axiom !== b.axiom) return `axiom ${a.axiom} vs ${b.axiom}`;
  if (JSON.stringify(a.cycle) !== JSON.stringify(b.cycle)) return `cycle ${JSON.stringify(a.cycle)} vs ${JSON.stringify(b.cycle)}`;
  if (JSON.stringify(a.races) !== JSON.stringify(b.races)) return `races ${JSON.stringify(a.races)} vs ${JSON.stringify(b.races)}`;
  const pairs = (r: Rel | undefined) => JSON.stringify(r?.pairs() ?? null);
  if (pairs(a.order?.()) !== pairs(b.order?.())) return "ordered-before differs";
  return null;
}

/** Runs `text` in counting mode with its first `cap` checks also made by the reference; the differences. */
function compare(text: string, file: string, cap = 3000): { candidates: number; diffs: string[] } {
  const refs = new WeakMap<Static, ReferenceLkmm>();
  const diffs: string[] = [];
  let candidates = 0;
  const fast = Lkmm.prototype.check;
  Lkmm.prototype.check = function (this: Lkmm, rf: Rel, co: Rel, explain = false, _wantOrder = false): Verdict {
    if (candidates >= cap) return fast.call(this, rf, co, explain, _wantOrder);
    const v = fast.call(this, rf, co, explain, true);
    let ref = refs.get(this.st);
    if (!ref) refs.set(this.st, (ref = new ReferenceLkmm(this.st)));
    const d = differs(v, ref.check(rf, co, explain, true));
    candidates++;
    if (d && diffs.length < 5) diffs.push(`${file}: rf ${JSON.stringify(rf.pairs())} co ${JSON.stringify(co.pairs())}: ${d}`);
    return v;
  };
  // Every candidate through check() (no subtrees found allowed at once).
  enumTesting.bulk = false;
  try {
    checkSource(text, file, { model: "lkmm" });
  } finally {
    Lkmm.prototype.check = fast;
    enumTesting.bulk = true;
  }
  return { candidates, diffs };
}

describe("the LKMM check agrees with the reference check on every candidate", () => {
  let total = 0;
  after(() => assert.ok(total > 0));
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith(".litmus")).sort()) {
    test(f, () => {
      const { candidates, diffs } = compare(readFileSync(join(FIXTURES, f), "utf8"), f);
      total += candidates;
      assert.ok(candidates > 0);
      assert.deepEqual(diffs, []);
    });
  }
  // Every 16th corpus file of at most six processes (140 files of every family), and two long
  // RCU chains (the first 3000 candidates of each).
  test("a sample of the corpus", { skip: corpusSkip }, (t) => {
    const names = corpusFiles();
    const sample = names.filter((n, i) => (i % 16 === 0 && n.split("+").length <= 6) || n === "C-RR-G+RR-G+RR-G+RR-G+RR-G+RR-R.litmus" || n === "C-RW-G+RW-R+RW-G+RW-R+RW-G+RW-G+RW-R.litmus");
    let candidates = 0;
    const diffs: string[] = [];
    for (const f of sample) {
      const r = compare(readFileSync(join(CORPUS_DIR, f), "utf8"), f);
      candidates += r.candidates;
      diffs.push(...r.diffs);
    }
    t.diagnostic(`${sample.length} files, ${candidates} candidates`);
    total += candidates;
    assert.deepEqual(diffs, []);
  });
});

/** The first `cap` candidates of `text` as enumerated (values, rf, co, verdict), with bulk
 * subtrees or not, and how many there are. */
function candidates(text: string, file: string, bulk: boolean, cap = 20_000): { first: string[]; count: number } {
  const out: string[] = [];
  let count = 0;
  enumTesting.bulk = bulk;
  // Every candidate on both sides, also where bulk counting does not apply (no coherence pruning).
  enumTesting.prune = false;
  enumTesting.seen = (x: Execution) => {
    if (count++ >= cap) return;
    const v = x.verdict;
    out.push(`${x.events.map((e) => e.val).join(",")} rf ${JSON.stringify(x.rf.pairs())} co ${JSON.stringify(x.co.pairs())}: ${v.ok} ${v.axiom ?? ""} ${JSON.stringify(v.cycle ?? null)} ${JSON.stringify(v.races)}`);
  };
  try {
    checkSource(text, file, { model: "lkmm" });
  } finally {
    enumTesting.bulk = true;
    enumTesting.prune = true;
    enumTesting.seen = null;
  }
  return { first: out, count };
}

describe("the bulk enumeration gives every candidate, in order, the verdict of the full check", () => {
  const sameRun = (text: string, file: string) => {
    const bulk = candidates(text, file, true);
    const full = candidates(text, file, false);
    assert.equal(bulk.count, full.count, `${file}: candidate count`);
    const at = bulk.first.findIndex((c, i) => c !== full.first[i]);
    assert.equal(at, -1, at < 0 ? "" : `${file}: candidate ${at}:\n  bulk ${bulk.first[at]}\n  full ${full.first[at]}`);
    return bulk.count;
  };
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith(".litmus")).sort()) {
    test(f, () => {
      assert.ok(sameRun(readFileSync(join(FIXTURES, f), "utf8"), f) > 0);
    });
  }
  // Every 16th corpus file of at most six processes and RCU rings of 8 and 12 processes (2^8 and
  // 2^12 candidates, all but one allowed: the bulk enumeration's case).
  test("a sample of the corpus", { skip: corpusSkip }, (t) => {
    const names = corpusFiles();
    const sample = names.filter((n, i) => (i % 16 === 0 && n.split("+").length <= 6) || n === "C-RW-G+RW-G+RW-R+RW-G+RW-G+RW-G+RW-R+RW-R.litmus" || n === "C-RW-G+RW-G+RW-R+RW-R+RW-R+RW-R+RW-G+RW-G+RW-G+RW-G+RW-G+RW-G.litmus");
    assert.ok(sample.length > 100);
    let n = 0;
    for (const f of sample) n += sameRun(readFileSync(join(CORPUS_DIR, f), "utf8"), f);
    t.diagnostic(`${sample.length} files, ${n} candidates`);
  });
});
