// The liveness catalog (scenarios/liveness/): each scenario's verdict under weak (its stated
// Expect:), strong and no fairness, and the processes each lasso's cycle is made of.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkFile } from "../src/check.js";
import type { Fairness } from "../src/engine/liveness.js";

const D = "scenarios/liveness/";

type Want = { kind: "pass" } | { kind: "starvation" | "livelock"; cycle: string[] };
const pass: Want = { kind: "pass" };
const starve = (...cycle: string[]): Want => ({ kind: "starvation", cycle });

/** Run under one fairness; return the cycle's steps when there is a lasso. */
function run(file: string, fairness: Fairness, want: Want) {
  const r = checkFile(D + file, { fairness });
  const what = `${file} (${fairness})`;
  if (want.kind === "pass") {
    assert.equal(r.verdict, "pass", `${what}: ${r.violation?.kind} ${r.violation?.message}`);
    return [];
  }
  assert.equal(r.verdict, "violation", what);
  assert.equal(r.violation!.kind, want.kind, what);
  const t = r.violation!.trace;
  assert.ok(t.cycleStart !== undefined && t.cycleStart < t.steps.length, `${what}: a lasso`);
  const cycle = t.steps.slice(t.cycleStart);
  assert.deepEqual([...new Set(cycle.map((s) => s.procName))].sort(), want.cycle, `${what}: the processes in the cycle`);
  return cycle;
}

/** The freeze (make_secure_pte's page_ref_freeze cmpxchg) steps of a cycle. */
const freezes = (cycle: ReturnType<typeof run>) =>
  cycle.filter((s) => s.site.text.includes("atomic_cmpxchg(&page->_refcount"));

test("the catalog's own expectations hold under the default (weak) fairness", () => {
  for (const f of ["01-make-secure-vs-get-put-loop", "02-ebusy-vs-pagevec-refill", "03-ebusy-pagevec-terminates", "04a-eagain-writeback-finishes", "04b-eagain-writeback-forever"]) {
    const r = checkFile(D + f + ".litmus");
    assert.equal(r.liveness?.fairness, "weak", f);
    assert.ok(r.expectation?.met, `${f}: ${r.expectation?.detail}`);
  }
});

test("01 make-secure vs a get/put loop: starved under every fairness; the freeze keeps meeting count 2", () => {
  const f = "01-make-secure-vs-get-put-loop.litmus";
  for (const fairness of ["weak", "strong"] as const) {
    const cycle = run(f, fairness, starve("P0", "P1"));
    // The guest does reach its freeze in the cycle, and it always fails: 2 -> 2, not 1 -> 0.
    const fr = freezes(cycle);
    assert.ok(fr.length >= 1, fairness);
    for (const s of fr) assert.deepEqual(s.changes, [{ location: "page._refcount", before: "2", after: "2" }], fairness);
    assert.ok(cycle.some((s) => s.procName === "P1" && s.changes.some((c) => c.location === "page._refcount" && c.before === "1" && c.after === "2")));
  }
  // Without fairness the cycle can be the get/put loop alone.
  run(f, "none", starve("P1"));
});

test("02 -EBUSY vs a pagevec refilled for ever: draining does not help, starved under every fairness", () => {
  const f = "02-ebusy-vs-pagevec-refill.litmus";
  for (const fairness of ["weak", "strong"] as const) {
    const cycle = run(f, fairness, starve("P0", "P1"));
    for (const s of freezes(cycle)) assert.equal(s.changes[0].after, "2", fairness);
    // The guest drains (the pagevec slot emptied by P0) and P1 refills it within the cycle.
    assert.ok(cycle.some((s) => s.procName === "P0" && s.changes.some((c) => c.location === "pvec.page" && c.after === "0")), fairness);
    assert.ok(cycle.some((s) => s.procName === "P1" && s.changes.some((c) => c.location === "pvec.page" && c.after === "1")), fairness);
  }
  run(f, "none", starve("P1"));
});

test("03 the pagevec -EBUSY loop terminates when the fault stops: clean under weak and strong, not without fairness", () => {
  const f = "03-ebusy-pagevec-terminates.litmus";
  run(f, "weak", pass);
  run(f, "strong", pass);
  // Unfair: the fault never maps the page and the guest polls -ENXIO for ever.
  const cycle = run(f, "none", starve("P1"));
  assert.ok(cycle.some((s) => s.reads.some((rd) => rd.location === "page._mapcount" && rd.value === "-1")));
});

test("04a -EAGAIN against a writeback that finishes: clean under every fairness (no cycle at all)", () => {
  for (const fairness of ["weak", "strong", "none"] as const) run("04a-eagain-writeback-finishes.litmus", fairness, pass);
});

test("04b -EAGAIN against writeback for ever: weak fairness lets the lock starve the guest, strong still sees -EAGAIN for ever", () => {
  const f = "04b-eagain-writeback-forever.litmus";
  // Weak: the guest is blocked on the page lock whenever the flusher holds it, so it need never move.
  run(f, "weak", starve("P0"));
  run(f, "none", starve("P0"));
  // Strong: the guest takes the lock, finds PG_writeback set (-EAGAIN), waits, and loses the race again.
  const cycle = run(f, "strong", starve("P0", "P1"));
  assert.ok(cycle.some((s) => s.procName === "P1" && s.site.text.includes("PG_writeback")));
  assert.ok(cycle.some((s) => s.procName === "P1" && s.site.text.includes("await(!test_bit(PG_writeback")));
});
