// The step IR: each process is a flat array of instructions over its local slots and a
// flat shared memory of 32-bit cells. Instructions that touch shared memory ("yielding"
// ones) start a step; local instructions after them run in the same step, so purely local
// computation never creates states. `atomic_begin`/`atomic_end` bracket a multi-access
// step (`__atomic { }` in the scenario language, used by the kernel model's primitives).

import { Loc } from "../frontend/diagnostics.js";

/** Pure expression over local slots and constants (no memory access, no side effects). */
export type LExpr =
  | { k: "const"; v: number }
  | { k: "local"; slot: number }
  | { k: "un"; op: "-" | "!" | "~"; a: LExpr }
  | { k: "bin"; op: BinOp; a: LExpr; b: LExpr; unsigned: boolean }
  | { k: "wrap"; bits: number; signed: boolean; a: LExpr } // truncate to a C width
  | { k: "bool"; a: LExpr } // normalise to 0/1
  | { k: "cond"; c: LExpr; a: LExpr; b: LExpr };

export type BinOp = "+" | "-" | "*" | "/" | "%" | "&" | "|" | "^" | "<<" | ">>" | "==" | "!=" | "<" | ">" | "<=" | ">=" | "&&" | "||";

export type ViolationKind = "assert" | "bug" | "warn" | "deadlock" | "io-on-secure" | "use-after-free" | "livelock" | "starvation" | (string & {});
/** Not a finding: the search met an access that makes merged lock operations unsound (movers.ts). */
export const MERGE_UNSOUND = "merge-unsound";
export const VIOLATION_KINDS = ["assert", "bug", "warn", "deadlock", "io-on-secure", "use-after-free", "livelock", "starvation"] as const;

/** Read-modify-write operations on one cell; `ret` says which value goes to dst. */
export type RmwOp = "xchg" | "add" | "sub" | "and" | "or" | "xor" | "andnot" | "cmpxchg" | "add_unless";

// `prim`: the kernel primitive whose call emitted the instruction (e.g. "smp_load_acquire",
// "atomic_inc_return_relaxed"); absent for plain C accesses. The SC engine ignores it; the
// LKMM mode (src/lkmm/) reads each access's ordering from it.
export type Instr = InstrBody & { prim?: string };
type InstrBody =
  | { op: "set"; dst: number; e: LExpr; src: Src }
  | { op: "br"; cond: LExpr; target: number; src: Src } // jump when cond != 0
  | { op: "jmp"; target: number; src: Src }
  | { op: "check"; kind: ViolationKind; cond: LExpr; msg: string; src: Src } // violation when cond != 0
  | { op: "guard"; cond: LExpr; src: Src } // inside an atomic step: the step is disabled unless cond != 0
  | { op: "load"; dst: number; addr: LExpr; src: Src; constCell?: boolean; lockProbe?: boolean } // constCell: a const field, read locally; lockProbe: spin_is_locked's read, compared with 0 only
  | { op: "store"; addr: LExpr; val: LExpr; src: Src }
  | { op: "rmw"; rmw: RmwOp; dst: number; ret: "old" | "new" | "ok"; addr: LExpr; a: LExpr; b: LExpr; src: Src }
  // blocking acquire: cell 0 -> pid+1; joinNext: a right mover, the step after it runs in the same step (movers.ts)
  | { op: "lock"; addr: LExpr; src: Src; joinNext?: boolean }
  | { op: "trylock"; dst: number; addr: LExpr; src: Src }
  // merged: a left mover, run in the step before it (src/ir/movers.ts)
  | { op: "unlock"; addr: LExpr; src: Src; merged?: boolean }
  | { op: "unlock_wait"; addr: LExpr; src: Src } // spin_unlock_wait: blocked while the lock is held; does not take it
  | { op: "rcu_lock"; src: Src }
  | { op: "rcu_unlock"; src: Src }
  | { op: "gp_start"; src: Src } // synchronize_rcu, part 1: note the readers now running
  | { op: "gp_wait"; src: Src } // part 2: blocked until each of them has left its critical section
  // SRCU: the same four, per srcu_struct. addr is the struct's base address; the struct is
  // 2 * nProcs hidden cells: base + q is process q's read-side nesting depth on it, base +
  // nProcs + q the mask of readers process q's synchronize_srcu() still waits for.
  | { op: "srcu_lock"; addr: LExpr; src: Src }
  // owner: srcu_up_read's index, the releasing reader's process + 1 (srcu_down_read returns it);
  // absent for srcu_read_unlock, which releases the calling process's own read-side section.
  | { op: "srcu_unlock"; addr: LExpr; owner?: LExpr; src: Src }
  | { op: "srcu_gp_start"; addr: LExpr; src: Src } // synchronize_srcu(addr), part 1
  | { op: "srcu_gp_wait"; addr: LExpr; src: Src } // part 2
  | { op: "progress"; src: Src } // PROGRESS(): a progress point (for non-progress cycles)
  | { op: "goal"; src: Src } // GOAL(): this process's "must eventually reach" goal
  | { op: "atomic_begin"; src: Src }
  | { op: "atomic_end"; src: Src }
  | { op: "end"; src: Src };

/** Where an instruction comes from: its own position and the chain of inlined call sites. */
export interface Src {
  loc: Loc;
  text: string; // source text of the statement or call, for traces
  calls: { loc: Loc; text: string; fn: string }[]; // outermost call site first
}

/** Where the scenario makes the call that emitted an instruction (its outermost call site), else the instruction's own line. */
export function callSite(src: Src): { file: string; line: number; col: number; text: string } {
  const c = src.calls[0];
  const loc = c ? c.loc : src.loc;
  return { file: loc.file.path, line: loc.line, col: loc.col, text: c ? c.text : src.text };
}

/** The pcs control may go to after the instruction at pc. */
export function successors(code: Instr[], pc: number): number[] {
  const ins = code[pc];
  if (ins.op === "end") return [];
  if (ins.op === "jmp") return [ins.target];
  if (ins.op === "br") return [ins.target, pc + 1];
  return [pc + 1];
}

export function yields(ins: Instr): boolean {
  switch (ins.op) {
    case "set":
    case "br":
    case "jmp":
    case "check":
    case "guard":
    case "atomic_end":
    case "progress":
    case "goal":
      return false;
    case "load":
      return !ins.constCell;
    case "unlock":
      return !ins.merged;
    default:
      return true;
  }
}

export interface CellInfo {
  name: string; // e.g. "page._refcount", "x", "s"
  bits: number;
  signed: boolean;
  init: number;
  /** Address of the `__ghost_freed` cell of the object this cell belongs to, or -1. */
  freedCell: number;
  ghost: boolean;
  isLock: boolean;
  /** A word of bits (the kernel model's pte_t): traces print it in hex. */
  hex?: true;
}

export interface LocalInfo {
  name: string;
  bits: number;
  signed: boolean;
  isPointer: boolean;
  user: boolean; // declared by the user (shown in traces); false for temporaries
}

export interface ProcessIR {
  name: string; // P0, P1, ...
  code: Instr[];
  locals: LocalInfo[];
  /** Register name -> slot, for the final condition (the process body's own declarations). */
  registers: Map<string, number>;
  initLocals: Map<number, number>; // slot -> initial value (herd7 `0:r1=5;`)
  /** Barriers (smp_mb(), ...) emit no instruction; for the LKMM mode each is kept here as the
   * primitive's name and the index of the instruction it comes before. */
  fences?: { at: number; name: string; src: Src }[];
}

export interface FinalAtom {
  kind: "reg" | "mem";
  proc: number; // for reg
  slot: number; // for reg
  addr: number; // for mem
  value: number;
  negate: boolean;
  label: string; // e.g. "0:r1" or "x"
  /** herd7's `0:r0=1:r0`: compared with this register instead of `value`. */
  rhs?: { kind: "reg"; proc: number; slot: number };
}

export type FinalExpr =
  | { k: "and" | "or"; a: FinalExpr; b: FinalExpr }
  | { k: "not"; a: FinalExpr }
  | { k: "const"; v: boolean }
  | { k: "atom"; atom: FinalAtom };

export interface ObservedLoc {
  label: string;
  kind: "reg" | "mem";
  proc: number;
  slot: number;
  addr: number;
  pointer: boolean; // show as a location name when it holds an address
}

export interface ModelIR {
  name: string;
  cells: CellInfo[];
  processes: ProcessIR[];
  final: { quant: "exists" | "~exists" | "forall"; cond: FinalExpr } | null;
  filter: FinalExpr | null;
  observed: ObservedLoc[]; // what the final-state histogram shows
  rcuNesting: number; // address of the per-process RCU nesting cells, or -1
  rcuWait: number; // address of the per-process grace-period wait masks, or -1
  srcuStructs: number[]; // base addresses of every struct srcu_struct (each 2 * nProcs hidden cells)
  addrNames: Map<number, string>; // address -> name, for printing pointer values
  /** With merged lock operations (movers.ts): per cell, 1 = a plain access through an address
   * not known before the search must not reach it (a merged lock), 2 = must not write it (the
   * __ghost_freed cell of a merged lock's object). Such an access ends the search with a
   * `merge-unsound` violation, and the checker searches again without merging. */
  releaseGuard?: Uint8Array;
}
