// Transaction reduction for locks (Lipton 1975, "Reduction: a method of proving properties of
// parallel programs"; Flanagan and Qadeer, "Transactions for software model checking", 2003):
// spin_unlock()/mutex_unlock() runs in the same step as the code before it, and spin_lock()/
// mutex_lock() in the same step as the code after it when that code can never block.
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
//
// The acquire is a *right* mover, by the same argument mirrored: nobody else can do anything
// with l between P's acquire and P's next step, so the acquire can wait until just before that
// step. The state skipped is one where P holds l and is about to take its next step; it is not
// a deadlock as long as that step is always enabled. So an acquire joins the step after it only
// when that step (every step its branches can reach first) has no wait, lock, grace period or
// end in it, and only constant addresses (a bad pointer blocks the step in herd7 mode): merging
// a lock with a step that can block would hide a process blocked *holding* the lock (ABBA).
// Liveness (PROGRESS/GOAL) needs the full graph: the caller does not apply it there.
//
// Kernel code unlocks at the end of almost every critical section ("read the flag; unlock;
// retry"), so in natural code this removes a state per critical section and process, which
// hand-tuned models get by writing the read and the unlock as one __atomic step.

import { Instr, ModelIR, callSite, successors, yields } from "./ir.js";

export interface LockMerging {
  /** Releases that now run in the step before them. */
  releases: number;
  /** Acquires that now run in one step with the step after them. */
  acquires: number;
  /** Why none could be merged, with the construct that prevents it; null when some were. */
  note: string | null;
  site: { file: string; line: number; col: number; text: string } | null;
}

/** Why no lock operation may move in this model (the first construct found), or null. */
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

/**
 * The pcs reached from `from` through local code (no step taken: every pc passed does not
 * yield), and among them the yielding ones where the next step would start.
 */
function localReach(code: Instr[], from: number[]): { reached: Set<number>; stops: Set<number> } {
  const reached = new Set<number>();
  const stops = new Set<number>();
  const work = [...from];
  while (work.length) {
    const pc = work.pop()!;
    if (reached.has(pc) || pc >= code.length) continue;
    reached.add(pc);
    if (yields(code[pc])) stops.add(pc);
    else work.push(...successors(code, pc));
  }
  return { reached, stops };
}

/** Per pc, the `__atomic` nesting depth (blocks are lexical, so one depth per pc). */
function depths(code: Instr[]): Int32Array {
  const d = new Int32Array(code.length).fill(-1);
  const work: [number, number][] = [[0, 0]];
  while (work.length) {
    const [pc, depth] = work.pop()!;
    if (pc >= code.length || d[pc] >= 0) continue;
    d[pc] = depth;
    const op = code[pc].op;
    const next = op === "atomic_begin" ? depth + 1 : op === "atomic_end" ? depth - 1 : depth;
    for (const s of successors(code, pc)) work.push([s, next]);
  }
  return d;
}

/** Instructions a step can run that never disable it (with constant addresses > 0). */
function neverBlocks(i: Instr, nCells: number): boolean {
  switch (i.op) {
    case "set":
    case "br":
    case "jmp":
    case "check":
    case "atomic_begin":
    case "atomic_end":
    case "progress":
    case "goal":
      return true;
    case "load":
    case "store":
    case "rmw":
    case "unlock":
      return i.addr.k === "const" && i.addr.v > 0 && i.addr.v < nCells;
    default:
      return false;
  }
}

/**
 * Can every step the process may take right after the (depth-0) instruction at pc never be
 * disabled? The steps start at the yielding instructions local code reaches from pc + 1; each
 * runs on through its `__atomic` block and local code (merged releases included).
 */
function nextStepNeverBlocks(code: Instr[], pc: number, nCells: number): boolean {
  const starts = localReach(code, successors(code, pc)).stops;
  if (starts.size === 0) return false;
  for (const start of starts) {
    const visited = new Set<string>();
    const todo: [number, number][] = [[start, 0]];
    while (todo.length) {
      const [at, depth] = todo.pop()!;
      const key = `${at}:${depth}`;
      if (visited.has(key)) continue;
      visited.add(key);
      if (at >= code.length || !neverBlocks(code[at], nCells)) return false;
      const op = code[at].op;
      const d = op === "atomic_begin" ? depth + 1 : op === "atomic_end" ? depth - 1 : depth;
      for (const s of successors(code, at)) if (d > 0 || !yields(code[s])) todo.push([s, d]);
    }
  }
  return true;
}

/**
 * The model with every release that is a left mover marked `merged` and every acquire that is
 * a right mover marked `joinNext` (a copy; the input is not changed), and what was done.
 */
export function mergeLocks(model: ModelIR): { model: ModelIR; report: LockMerging } {
  const ops = model.processes.flatMap((p) => p.code.filter((i) => i.op === "unlock" || i.op === "lock"));
  const none = (note: string, at: Instr | null) => ({ model, report: { releases: 0, acquires: 0, note, site: at ? callSite(at.src) : null } });
  if (ops.length === 0) return none("no lock is taken", null);
  const why = obstacle(model);
  if (why) return none(why.reason, why.at);
  const written = writtenCells(model);
  const nCells = model.cells.length;
  let releases = 0;
  let acquires = 0;
  // Why a lock operation stayed a step, for the report when none moved.
  let freed: Instr | null = null;
  let first: Instr | null = null;
  // A lock whose address is not a constant (or not a lock: dead code the constant propagation
  // folded) could be any lock; one in an object some process frees does not commute with the
  // free (each lock operation reads the object's __ghost_freed cell).
  const movable = (i: Instr): boolean => {
    if ((i.op !== "unlock" && i.op !== "lock") || i.addr.k !== "const" || !model.cells[i.addr.v]?.isLock) return false;
    const f = model.cells[i.addr.v].freedCell;
    if (f >= 0 && written.has(f)) {
      freed ??= i;
      return false;
    }
    return true;
  };
  // Releases first: whether the step after an acquire can block looks through merged releases.
  const processes = model.processes.map((p) => {
    const prefix = localReach(p.code, [0]).reached;
    const code = p.code.map((i, pc): Instr => {
      if (i.op !== "unlock" || !movable(i)) return i;
      if (prefix.has(pc)) {
        first ??= i;
        return i;
      }
      releases++;
      return { ...i, merged: true };
    });
    const depth = depths(code);
    return {
      ...p,
      code: code.map((i, pc): Instr => {
        if (i.op !== "lock" || depth[pc] !== 0 || !movable(i) || !nextStepNeverBlocks(code, pc, nCells)) return i;
        acquires++;
        return { ...i, joinNext: true };
      }),
    };
  });
  if (releases + acquires === 0) {
    const at = freed ?? first ?? ops[0];
    const known = ops.some((i) => (i.op === "lock" || i.op === "unlock") && i.addr.k === "const" && model.cells[i.addr.v]?.isLock);
    const note = freed
      ? "every lock lives in an object some process frees"
      : !known
        ? "no lock operation names a lock known before the search"
        : "every release is the first thing its process does, and every acquire is followed by a step that can block";
    return none(note, at);
  }
  const out: ModelIR = { ...model, processes };
  if (model.processes.some((p) => p.code.some((i) => (i.op === "load" || i.op === "store" || i.op === "rmw") && i.addr.k !== "const"))) {
    const guard = new Uint8Array(nCells);
    for (const p of processes)
      for (const i of p.code)
        if (((i.op === "unlock" && i.merged) || (i.op === "lock" && i.joinNext)) && i.addr.k === "const") {
          guard[i.addr.v] |= 1;
          const f = model.cells[i.addr.v].freedCell;
          if (f >= 0) guard[f] |= 2;
        }
    out.releaseGuard = guard;
  }
  return { model: out, report: { releases, acquires, note: null, site: null } };
}
