// Static read/write footprints of each process, for partial-order reduction.
//
// Addresses in the IR are expressions over locals (herd7 parameters are pointers held in
// locals; prelude helpers receive them as arguments). A flow-insensitive constant
// propagation over the local slots resolves almost all of them to fixed cells; any
// address it cannot resolve counts as "every cell" (sound, just less reduction).
//
// For every instruction we then know the cells the *step starting there* touches
// (a single access, or the whole body of an `__atomic` block) and the cells the process
// may touch from there on (`future`), as bitsets over the shared cells.

import { Instr, LExpr, ModelIR, ProcessIR, successors, yields } from "./ir.js";
import { deadSlots } from "./liveness.js";
import { evalBin } from "./lower.js";

export interface Footprints {
  words: number; // bitset words per set
  /** Per pc: cells read / written by the step that starts at pc. */
  stepR: Uint32Array;
  stepW: Uint32Array;
  /** Per pc: cells the process may read / write from pc on (its current step included). */
  futR: Uint32Array;
  futW: Uint32Array;
}

type CV = number | null | undefined; // constant, not-a-constant, no information yet

function evalConst(e: LExpr, val: CV[]): CV {
  switch (e.k) {
    case "const":
      return e.v;
    case "local":
      return val[e.slot];
    case "un": {
      const a = evalConst(e.a, val);
      if (a === null || a === undefined) return a;
      return e.op === "-" ? -a | 0 : e.op === "!" ? +!a : ~a;
    }
    case "bool": {
      const a = evalConst(e.a, val);
      return a === null || a === undefined ? a : +(a !== 0);
    }
    case "wrap": {
      const a = evalConst(e.a, val);
      if (a === null || a === undefined) return a;
      const sh = 32 - e.bits;
      return e.signed ? (a << sh) >> sh : (a << sh) >>> sh;
    }
    case "bin": {
      const a = evalConst(e.a, val);
      const b = evalConst(e.b, val);
      if (a === null || b === null) return null;
      if (a === undefined || b === undefined) return undefined;
      return evalBin(e.op, a, b, e.unsigned);
    }
    case "cond": {
      const c = evalConst(e.c, val);
      const a = evalConst(e.a, val);
      const b = evalConst(e.b, val);
      if (c === null || a === null || b === null) return null;
      if (c === undefined || a === undefined || b === undefined) return undefined;
      return c !== 0 ? a : b;
    }
  }
}

/** Value of each local slot if it is the same constant wherever it is read, else null. */
export function constantSlots(proc: ProcessIR, model: ModelIR): (number | null)[] {
  const n = proc.locals.length;
  const val: CV[] = new Array(n).fill(undefined);
  // A slot that can be read before any assignment contributes its initial value.
  const liveAtEntry = new Set<number>(Array.from({ length: n }, (_, i) => i));
  for (const d of deadSlots(proc, new Set())[0] ?? []) liveAtEntry.delete(d);
  const meet = (slot: number, v: CV) => {
    if (v === undefined) return false;
    const cur = val[slot];
    if (cur === null || cur === v) return false;
    val[slot] = cur === undefined ? v : null;
    return true;
  };
  for (let s = 0; s < n; s++) if (liveAtEntry.has(s) || proc.initLocals.has(s)) meet(s, proc.initLocals.get(s) ?? 0);
  let changed = true;
  while (changed) {
    changed = false;
    for (const ins of proc.code) {
      switch (ins.op) {
        case "set":
          changed = meet(ins.dst, evalConst(ins.e, val)) || changed;
          break;
        case "load": {
          let v: CV = null;
          if (ins.constCell) {
            const a = evalConst(ins.addr, val);
            v = a === null || a === undefined ? a : (model.cells[a]?.init ?? null);
          }
          changed = meet(ins.dst, v) || changed;
          break;
        }
        case "rmw":
        case "trylock":
          changed = meet(ins.dst, null) || changed;
          break;
        default:
          break;
      }
    }
  }
  return val.map((v) => (v === undefined ? 0 : v));
}

export function computeFootprints(proc: ProcessIR, pid: number, model: ModelIR): Footprints {
  const nCells = model.cells.length;
  const nProcs = model.processes.length;
  const words = Math.ceil(nCells / 32) || 1;
  const code = proc.code;
  const n = code.length;
  const consts = constantSlots(proc, model);
  const accR = new Uint32Array(n * words);
  const accW = new Uint32Array(n * words);
  const setBit = (arr: Uint32Array, pc: number, cell: number) => (arr[pc * words + (cell >> 5)] |= 1 << (cell & 31));
  const setAll = (arr: Uint32Array, pc: number) => arr.fill(0xffffffff, pc * words, pc * words + words);
  const addr = (pc: number, e: LExpr, r: boolean, w: boolean) => {
    const a = evalConst(e, consts);
    if (typeof a === "number" && a > 0 && a < nCells) {
      if (r) setBit(accR, pc, a);
      if (w) setBit(accW, pc, a);
      // Every access reads its object's __ghost_freed cell (the use-after-free check), so
      // it does not commute with the step that frees the object.
      const f = model.cells[a].freedCell;
      if (f >= 0) setBit(accR, pc, f);
    } else {
      if (r) setAll(accR, pc);
      if (w) setAll(accW, pc);
    }
  };
  code.forEach((ins: Instr, pc) => {
    switch (ins.op) {
      case "load":
        if (!ins.constCell) addr(pc, ins.addr, true, false);
        break;
      case "unlock_wait":
        addr(pc, ins.addr, true, false);
        break;
      case "store":
      case "unlock":
        addr(pc, ins.addr, false, true);
        break;
      case "rmw":
      case "lock":
      case "trylock":
        addr(pc, ins.addr, true, true);
        break;
      case "rcu_lock":
        setBit(accR, pc, model.rcuNesting + pid);
        setBit(accW, pc, model.rcuNesting + pid);
        break;
      case "rcu_unlock":
        setBit(accR, pc, model.rcuNesting + pid);
        setBit(accW, pc, model.rcuNesting + pid);
        for (let q = 0; q < nProcs; q++) {
          setBit(accR, pc, model.rcuWait + q);
          setBit(accW, pc, model.rcuWait + q);
        }
        break;
      case "gp_start":
        for (let q = 0; q < nProcs; q++) setBit(accR, pc, model.rcuNesting + q);
        setBit(accW, pc, model.rcuWait + pid);
        break;
      case "gp_wait":
        setBit(accR, pc, model.rcuWait + pid);
        break;
      case "srcu_lock":
      case "srcu_unlock":
      case "srcu_gp_start":
      case "srcu_gp_wait": {
        // The hidden cells of the struct srcu_struct at the address (layout.ts): base + q is
        // process q's nesting depth, base + nProcs + q its wait mask. An address that does
        // not resolve to a struct srcu_struct fails or touches anything: every cell.
        const a = evalConst(ins.addr, consts);
        if (typeof a !== "number" || !model.srcuStructs.includes(a)) {
          setAll(accR, pc);
          setAll(accW, pc);
          break;
        }
        const f = model.cells[a].freedCell;
        if (f >= 0) setBit(accR, pc, f); // the use-after-free check
        const nest = a + pid;
        const wait = (q: number) => a + nProcs + q;
        if (ins.op === "srcu_lock" || (ins.op === "srcu_unlock" && !ins.owner)) {
          setBit(accR, pc, nest);
          setBit(accW, pc, nest);
        }
        if (ins.op === "srcu_unlock" && ins.owner) {
          // srcu_up_read: the reader of process owner - 1 (any process's, if not a constant).
          const o = evalConst(ins.owner, consts);
          for (let q = 0; q < nProcs; q++)
            if (typeof o !== "number" || o - 1 === q) {
              setBit(accR, pc, a + q);
              setBit(accW, pc, a + q);
            }
        }
        if (ins.op === "srcu_unlock")
          for (let q = 0; q < nProcs; q++) {
            setBit(accR, pc, wait(q));
            setBit(accW, pc, wait(q));
          }
        if (ins.op === "srcu_gp_start") {
          for (let q = 0; q < nProcs; q++) setBit(accR, pc, a + q);
          setBit(accW, pc, wait(pid));
        }
        if (ins.op === "srcu_gp_wait") setBit(accR, pc, wait(pid));
        break;
      }
      default:
        break;
    }
  });
  const succ = (pc: number): number[] => successors(code, pc);
  const or = (dst: Uint32Array, d: number, src: Uint32Array, s: number): boolean => {
    let changed = false;
    for (let w = 0; w < words; w++) {
      const v = (dst[d * words + w] | src[s * words + w]) >>> 0;
      if (v !== dst[d * words + w]) {
        dst[d * words + w] = v;
        changed = true;
      }
    }
    return changed;
  };
  // Future footprint: what is reachable from pc (backward fixpoint over the control flow).
  const futR = accR.slice();
  const futW = accW.slice();
  for (let changed = true; changed; ) {
    changed = false;
    for (let pc = n - 1; pc >= 0; pc--) {
      for (const s of succ(pc)) {
        changed = or(futR, pc, futR, s) || changed;
        changed = or(futW, pc, futW, s) || changed;
      }
    }
  }
  // Step footprint: every access from pc until the step ends - the access at pc, every access
  // of an `__atomic` block starting there, the releases merged into the step (movers.ts),
  // which run in the local code after it, and after an acquire that joins the next step, that
  // step too.
  const stepR = new Uint32Array(n * words);
  const stepW = new Uint32Array(n * words);
  code.forEach((ins, pc) => {
    if (!yields(ins)) return;
    const seen = new Set<string>();
    const work: [number, number, number][] = [[pc, 0, 0]]; // pc, atomic depth, further steps joined
    while (work.length) {
      const [at, depth, join] = work.pop()!;
      const key = `${at}:${depth}:${join}`;
      if (seen.has(key) || at >= n) continue;
      seen.add(key);
      or(stepR, pc, accR, at);
      or(stepW, pc, accW, at);
      const ins = code[at];
      const d = ins.op === "atomic_begin" ? depth + 1 : ins.op === "atomic_end" ? depth - 1 : depth;
      const j = ins.op === "lock" && ins.joinNext ? 1 : join;
      for (const s of succ(at)) {
        if (d > 0 || (!yields(code[s]) && code[s].op !== "end")) work.push([s, d, j]);
        else if (j > 0 && code[s].op !== "end") work.push([s, d, j - 1]);
      }
    }
  });
  return { words, stepR, stepW, futR, futW };
}
