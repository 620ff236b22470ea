// Transaction reduction for lock releases (Lipton 1975, "Reduction: a method of proving
// properties of parallel programs"; Flanagan and Qadeer, "Transactions for software model
// checking", 2003): spin_unlock()/mutex_unlock() runs in the same step as the code before it.
//
// Why it is sound. While P holds lock l, no other process can take l (lock() blocks) or see
// who holds it, provided nothing in the model reads l's cell as a value (spin_trylock and
// spin_is_locked do, and so does a plain access to it). Then P's release commutes to the left with every step another process takes
// between P's previous step and the release ("a left mover"), and it is always enabled. So
// every run is equivalent to one in which P releases right after its previous step, which
// reaches the same final states, deadlocks and failing checks: the state in between is only
// ever a state where P is about to release, never a deadlock or a state another process's
// check could fail in differently. Two more conditions keep it so:
//  - every release also reads its object's __ghost_freed cell (use-after-free): a release of
//    a lock inside an object some process frees does not commute with that free, so it stays
//    its own step;
//  - a release reached from the process's entry through local code alone has no step before
//    it to join, so it stays a step.
// Addresses not known before the search (pointers read from memory, as the kernel model has
// them) are checked while searching instead: such an access that reaches a merged lock's cell,
// or writes its object's __ghost_freed cell, ends the search (model.releaseGuard, codegen.ts),
// and the checker searches again without merging. That is enough: in any run of the unmerged
// model, every step before the first such access commutes with the releases, so the merged
// search reaches a state where the same process is about to make the same access.
// Liveness (PROGRESS/GOAL) needs the full graph: the caller does not apply it there.
//
// Kernel code unlocks at the end of almost every critical section ("read the flag; unlock;
// retry"), so in natural code this removes a state per critical section and process, which
// hand-tuned models get by writing the read and the unlock as one __atomic step.

import { Instr, ModelIR, yields } from "./ir.js";

export interface ReleaseMerging {
  /** Releases (unlock instructions) that now run in the step before them. */
  merged: number;
  /** Why none could be merged, with the construct that prevents it; null when some were. */
  note: string | null;
  site: { file: string; line: number; col: number; text: string } | null;
}

function siteOf(i: Instr) {
  const c = i.src.calls[0];
  const loc = c ? c.loc : i.src.loc;
  return { file: loc.file.path, line: loc.line, col: loc.col, text: c ? c.text : i.src.text };
}

/** Why no release may move in this model (the first construct found), or null. */
function obstacle(model: ModelIR): { reason: string; at: Instr } | null {
  for (const p of model.processes)
    for (const i of p.code) {
      if (i.op === "trylock") return { reason: `${p.name} calls a trylock, which sees whether a lock is held`, at: i };
      if (i.op !== "load" && i.op !== "store" && i.op !== "rmw") continue;
      if (i.op === "load" && i.lockProbe) return { reason: `${p.name} asks whether a lock is held (spin_is_locked)`, at: i };
      if (i.addr.k !== "const") continue; // checked during the search (releaseGuard)
      if (model.cells[i.addr.v]?.isLock) return { reason: `${p.name} reads or writes the lock ${model.cells[i.addr.v].name} as a value`, at: i };
    }
  return null;
}

/** Cells some process writes (as a plain store or a read-modify-write), by constant address. */
function writtenCells(model: ModelIR): Set<number> {
  const out = new Set<number>();
  for (const p of model.processes) for (const i of p.code) if ((i.op === "store" || i.op === "rmw") && i.addr.k === "const") out.add(i.addr.v);
  return out;
}

/** The pcs a process reaches from its entry without taking a step (local code only). */
function entryPrefix(code: Instr[]): Set<number> {
  const seen = new Set<number>();
  const work = [0];
  while (work.length) {
    const pc = work.pop()!;
    if (seen.has(pc) || pc >= code.length) continue;
    seen.add(pc);
    const i = code[pc];
    if (yields(i) || i.op === "end") continue;
    if (i.op === "jmp") work.push(i.target);
    else if (i.op === "br") work.push(i.target, pc + 1);
    else work.push(pc + 1);
  }
  return seen;
}

/**
 * The model with every release that is a left mover marked `merged` (a copy; the input is not
 * changed), and what was done.
 */
export function mergeReleases(model: ModelIR): { model: ModelIR; report: ReleaseMerging } {
  const releases = model.processes.flatMap((p) => p.code.filter((i) => i.op === "unlock"));
  if (releases.length === 0) return { model, report: { merged: 0, note: "no lock is released", site: null } };
  const why = obstacle(model);
  if (why) return { model, report: { merged: 0, note: why.reason, site: siteOf(why.at) } };
  const written = writtenCells(model);
  let merged = 0;
  // Why a release stayed a step, for the report when none moved.
  let freed: Instr | null = null;
  let first: Instr | null = null;
  const processes = model.processes.map((p) => {
    const prefix = entryPrefix(p.code);
    const code = p.code.map((i, pc): Instr => {
      // A lock whose address is not a constant (or not a lock: dead code the constant
      // propagation folded) could be any lock: it stays a step.
      if (i.op !== "unlock" || i.addr.k !== "const" || !model.cells[i.addr.v]?.isLock) return i;
      if (prefix.has(pc)) {
        first ??= i;
        return i;
      }
      const f = model.cells[i.addr.v].freedCell;
      if (f >= 0 && written.has(f)) {
        freed ??= i;
        return i;
      }
      merged++;
      return { ...i, merged: true };
    });
    return { ...p, code };
  });
  if (merged === 0) {
    const at = freed ?? first ?? releases[0];
    const note = freed
      ? "every lock released lives in an object some process frees"
      : first
        ? "every release is the first thing its process does"
        : "no release names a lock known before the search";
    return { model, report: { merged: 0, note, site: siteOf(at) } };
  }
  const out: ModelIR = { ...model, processes };
  if (model.processes.some((p) => p.code.some((i) => (i.op === "load" || i.op === "store" || i.op === "rmw") && i.addr.k !== "const"))) {
    const guard = new Uint8Array(model.cells.length);
    for (const p of processes)
      for (const i of p.code)
        if (i.op === "unlock" && i.merged && i.addr.k === "const") {
          guard[i.addr.v] |= 1;
          const f = model.cells[i.addr.v].freedCell;
          if (f >= 0) guard[f] |= 2;
        }
    out.releaseGuard = guard;
  }
  return { model: out, report: { merged, note: null, site: null } };
}
