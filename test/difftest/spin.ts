// Run SPIN on an exported Promela model: `spin -o1 -o2 -a`, gcc, then two pan runs — one for
// assertions only (-E: invalid end states ignored) and one for deadlocks only (-A: assertions
// ignored) — so the verdict does not depend on which error SPIN's DFS meets first.
// -o1 switches off SPIN's own dead-variable reset: the export zeroes exactly the locals
// pageproof zeroes (and keeps the registers of the final condition). -o2 switches off SPIN's
// hiding of write-only variables: a cell that is written but never read (e.g. a store whose
// value nobody loads) is part of pageproof's state, and without -o2 SPIN leaves it out of the
// state vector and stores fewer states (seeds 33, 34, 35, 42, ... of the generator).

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface SpinResult {
  assertion: boolean; // an assertion violation is reachable
  deadlock: boolean; // an invalid end state is reachable
  states: number; // states stored by the assertion run (the full state space when there is no assertion violation)
  transitions: number;
}

function parse(out: string): { errors: number; states: number; transitions: number } {
  if (/max search depth too small/.test(out)) throw new Error("pan: max search depth too small");
  const errors = Number(/errors: (\d+)/.exec(out)?.[1] ?? NaN);
  const states = Number(/(\d+) states, stored/.exec(out)?.[1] ?? NaN);
  const transitions = Number(/(\d+) transitions \(= stored\+matched\)/.exec(out)?.[1] ?? NaN);
  if (Number.isNaN(errors) || Number.isNaN(states)) throw new Error(`cannot parse pan output:\n${out}`);
  return { errors, states, transitions };
}

export async function spinCheck(pml: string, opt = "-O0"): Promise<SpinResult> {
  const dir = mkdtempSync(join(tmpdir(), "pageproof-spin-"));
  try {
    writeFileSync(join(dir, "model.pml"), pml);
    await run("spin", ["-o1", "-o2", "-a", "model.pml"], { cwd: dir });
    await run("gcc", [opt, "-fwrapv", "-DSAFETY", "-DNOREDUCE", "-w", "-o", "pan", "pan.c"], { cwd: dir });
    const a = parse((await run("./pan", ["-m1000000", "-E"], { cwd: dir, maxBuffer: 1 << 24 })).stdout);
    const d = parse((await run("./pan", ["-m1000000", "-A"], { cwd: dir, maxBuffer: 1 << 24 })).stdout);
    return { assertion: a.errors > 0, deadlock: d.errors > 0, states: a.states, transitions: a.transitions };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
