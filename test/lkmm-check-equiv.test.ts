// The LKMM check, candidate by candidate, against the reference: the check as it was before the
// per-candidate speed-up (test/lkmm-reference-model.ts: every relation rebuilt per candidate,
// rcu-order by its fixpoint). Every candidate execution of the programs below is checked by both;
// the verdict, the failed axiom, its cycle, the races and the "ordered before" relation must be
// the same. The counts (test/lkmm-counts.test.ts) follow from this; this test says where a
// difference comes from.
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSource } from "../src/check.js";
import { Lkmm, Static, Verdict } from "../src/lkmm/model.js";
import { Rel } from "../src/lkmm/rel.js";
import { ReferenceLkmm } from "./lkmm-reference-model.js";
import { CORPUS_DIR, corpusSkip } from "./corpus-files.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const FIXTURES = join(ROOT, "test/fixtures/lkmm-counts");

function differs(a: Verdict, b: Verdict): string | null {
  if (a.ok !== b.ok) return `allowed ${a.ok} vs ${b.ok}`;
  if (a.axiom !== b.axiom) return `axiom ${a.axiom} vs ${b.axiom}`;
  if (JSON.stringify(a.cycle) !== JSON.stringify(b.cycle)) return `cycle ${JSON.stringify(a.cycle)} vs ${JSON.stringify(b.cycle)}`;
  if (JSON.stringify(a.races) !== JSON.stringify(b.races)) return `races ${JSON.stringify(a.races)} vs ${JSON.stringify(b.races)}`;
  const pairs = (r: Rel | undefined) => JSON.stringify(r?.pairs() ?? null);
  if (pairs(a.order) !== pairs(b.order)) return "ordered-before differs";
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
  try {
    checkSource(text, file, { model: "lkmm" });
  } finally {
    Lkmm.prototype.check = fast;
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
    const names = readdirSync(CORPUS_DIR).filter((n) => n.endsWith(".litmus")).sort();
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
