// Golden test of `export --promela`: the exact Promela text of two small models
// (regenerate with UPDATE_GOLDEN=1).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { compileSource } from "../src/ir/compile.js";
import { resolveFromDisk } from "../src/node/prelude.js";
import { ExportError, exportPromela } from "../src/export/promela.js";

const root = new URL("../../", import.meta.url);

function exportFixture(name: string): string {
  const path = `test/fixtures/${name}.litmus`;
  const { model } = compileSource(path, readFileSync(new URL(path, root), "utf8"), { resolveInclude: resolveFromDisk });
  return exportPromela(model, { source: path });
}

for (const name of ["lost-update", "abba"]) {
  test(`promela export of ${name} matches test/golden/promela-${name}.pml`, () => {
    const golden = new URL(`test/golden/promela-${name}.pml`, root);
    const got = exportFixture(name);
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, got);
    assert.equal(got, readFileSync(golden, "utf8"));
  });
}

test("promela export: one atomic sequence per step, a parked end state, asserts for checks", () => {
  const pml = exportFixture("lost-update");
  assert.match(pml, /active proctype P0\(\)/);
  assert.match(pml, /end:\tfalse/);
  assert.match(pml, /assert\(/);
  assert.equal((pml.match(/atomic \{/g) ?? []).length, 7); // P0: 3 steps, P1: 4 steps
});

test("promela export: RCU is reported as unsupported", () => {
  const src = `C rcu\n{ int x = 0; }\nP0(int *x) { rcu_read_lock(); int r = READ_ONCE(*x); rcu_read_unlock(); }\nP1(int *x) { synchronize_rcu(); }\n`;
  const { model } = compileSource("rcu.litmus", src, { resolveInclude: resolveFromDisk });
  assert.throws(() => exportPromela(model), (e: unknown) => e instanceof ExportError && /not supported by the Promela export/.test(e.message));
});

test("promela export: SRCU is reported as unsupported, like RCU", () => {
  const src = `C srcu\n{ int x = 0; }\nP0(int *x, struct srcu_struct *s) { int i = srcu_read_lock(s); int r = READ_ONCE(*x); srcu_read_unlock(s, i); }\nP1(int *x, struct srcu_struct *s) { synchronize_srcu(s); }\n`;
  const { model } = compileSource("srcu.litmus", src, { resolveInclude: resolveFromDisk });
  assert.throws(() => exportPromela(model), (e: unknown) => e instanceof ExportError && /^SRCU is not supported by the Promela export/.test(e.message));
});

test("promela export: spin_unlock_wait is one guarded step", () => {
  const src = `C unlock-wait\n{ spinlock_t l; int x = 0; }\nP0(spinlock_t *l, int *x) { spin_lock(l); WRITE_ONCE(*x, 1); spin_unlock(l); }\nP1(spinlock_t *l, int *x) { spin_unlock_wait(l); int r = READ_ONCE(*x); }\n`;
  const { model } = compileSource("unlock-wait.litmus", src, { resolveInclude: resolveFromDisk });
  const pml = exportPromela(model);
  // enabled while the lock is free (or held by P1 itself: then the self-deadlock assertion fails)
  assert.match(pml, /\(c\d+_l == 0 \|\| c\d+_l == 2\) ->/);
  assert.match(pml, /assert\(c\d+_l != 2\) \/\* deadlock: spin_unlock_wait/);
});
