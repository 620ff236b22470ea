// Busy-wait loops are waits: `while (READ_ONCE(*x) == 0) cpu_relax();` is lowered as
// `await(READ_ONCE(*x) != 0)` when its body does nothing under SC and its test reads shared
// memory exactly once (src/ir/lower.ts busyWait).
import { test } from "node:test";
import assert from "node:assert/strict";
import { compileSource } from "../src/ir/compile.js";
import { run } from "./helpers.js";

const scenario = (wait: string) => `C wait
(* Expect: clean *)
{}
P0(int *x, int *y) {
${wait}
	WRITE_ONCE(*y, READ_ONCE(*y) + 1);
}
P1(int *x, int *y) {
	WRITE_ONCE(*y, 1);
	WRITE_ONCE(*x, 1);
}
exists (y=2)
`;
const guards = (src: string) => compileSource("w.litmus", src).model.processes[0].code.filter((i) => i.op === "guard").length;

test("a spin loop explores the same states as await, with no self-loop", () => {
  const awaited = run(scenario("\tawait(READ_ONCE(*x) != 0);"));
  for (const wait of ["\twhile (READ_ONCE(*x) == 0)\n\t\tcpu_relax();", "\twhile (!READ_ONCE(*x)) { }", "\tdo {\n\t\tbarrier();\n\t} while (READ_ONCE(*x) != 1);", "\twhile (READ_ONCE(*x) == 0);"]) {
    const src = scenario(wait);
    assert.equal(guards(src), 1, wait);
    const r = run(src);
    assert.equal(r.verdict, "pass", wait);
    assert.equal(r.observation?.result, "Always", wait);
    assert.equal(r.stats.states, awaited.stats.states, wait);
    assert.equal(r.stats.transitions, awaited.stats.transitions, `${wait}: no self-loop transitions`);
  }
});

test("a wait that can never end is a deadlock at the loop", () => {
  const r = run(scenario("\twhile (READ_ONCE(*x) != 2)\n\t\tcpu_relax();").replace("Expect: clean", "Expect: deadlock"));
  assert.equal(r.verdict, "violation");
  assert.equal(r.violation?.kind, "deadlock");
  assert.deepEqual(r.violation?.trace.blocked.map((b) => [b.proc, b.site.text]), [["P0", "while (READ_ONCE(*x) != 2)"]]);
});

test("loops that are not pure waits stay loops", () => {
  // Two shared reads: one await would make them one atomic step.
  assert.equal(guards(scenario("\twhile (READ_ONCE(*x) == 0 && READ_ONCE(*y) == 0)\n\t\tcpu_relax();")), 0);
  // A body with an effect, or a test with a write.
  assert.equal(guards(scenario("\tint n = 0;\n\twhile (READ_ONCE(*x) == 0)\n\t\tn++;")), 0);
  assert.equal(guards(scenario("\twhile (xchg(x, 0) == 0)\n\t\tcpu_relax();")), 0);
  // No shared read at all: an ordinary (local) loop.
  assert.equal(guards(scenario("\tint n = 0;\n\twhile (n < 3)\n\t\tcpu_relax();")), 0);
});

test("the for (;;) { if (test) break; cpu_relax(); } spelling is a wait too", () => {
  const awaited = run(scenario("\tawait(READ_ONCE(*x) != 0);"));
  for (const wait of [
    "\tfor (;;) {\n\t\tif (READ_ONCE(*x))\n\t\t\tbreak;\n\t\tcpu_relax();\n\t}",
    "\twhile (1) {\n\t\tcpu_relax();\n\t\tif (READ_ONCE(*x) == 1) { break; }\n\t}",
    "\tdo {\n\t\tif (smp_load_acquire(x) != 0)\n\t\t\tbreak;\n\t} while (true);",
  ]) {
    const src = scenario(wait);
    assert.equal(guards(src), 1, wait);
    const r = run(src);
    assert.equal(r.verdict, "pass", wait);
    assert.equal(r.stats.states, awaited.stats.states, wait);
    assert.equal(r.stats.transitions, awaited.stats.transitions, wait);
  }
  // Two exits, or an exit that does something first: still a loop.
  assert.equal(guards(scenario("\tfor (;;) {\n\t\tif (READ_ONCE(*x)) break;\n\t\tif (READ_ONCE(*y) == 9) break;\n\t}")), 0);
  assert.equal(guards(scenario("\tfor (;;) {\n\t\tif (READ_ONCE(*x)) { WRITE_ONCE(*y, 3); break; }\n\t}")), 0);
});
