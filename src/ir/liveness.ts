// Live-variable analysis over a process's IR. After every step the engine zeroes the local
// slots that are dead at the new program counter, so stale temporaries never make two
// otherwise equal states differ (the "dead variable reset" of SPIN and TLC).

import { Instr, LExpr, ProcessIR, successors } from "./ir.js";

function usesOf(e: LExpr, out: number[]): void {
  switch (e.k) {
    case "const":
      return;
    case "local":
      out.push(e.slot);
      return;
    case "un":
    case "wrap":
    case "bool":
      usesOf(e.a, out);
      return;
    case "bin":
      usesOf(e.a, out);
      usesOf(e.b, out);
      return;
    case "cond":
      usesOf(e.c, out);
      usesOf(e.a, out);
      usesOf(e.b, out);
      return;
  }
}

function useDef(ins: Instr): { uses: number[]; def: number } {
  const uses: number[] = [];
  let def = -1;
  switch (ins.op) {
    case "set":
      usesOf(ins.e, uses);
      def = ins.dst;
      break;
    case "br":
    case "check":
    case "guard":
      usesOf(ins.cond, uses);
      break;
    case "load":
      usesOf(ins.addr, uses);
      def = ins.dst;
      break;
    case "store":
      usesOf(ins.addr, uses);
      usesOf(ins.val, uses);
      break;
    case "rmw":
      usesOf(ins.addr, uses);
      usesOf(ins.a, uses);
      usesOf(ins.b, uses);
      def = ins.dst;
      break;
    case "srcu_unlock":
      usesOf(ins.addr, uses);
      if (ins.owner) usesOf(ins.owner, uses);
      break;
    case "lock":
    case "unlock":
    case "unlock_wait":
    case "srcu_lock":
    case "srcu_gp_start":
    case "srcu_gp_wait":
      usesOf(ins.addr, uses);
      break;
    case "trylock":
      usesOf(ins.addr, uses);
      def = ins.dst;
      break;
    default:
      break;
  }
  return { uses, def };
}

/** Live-in and live-out slot bitsets per pc (`words` 32-bit words per pc). */
export function liveSets(proc: ProcessIR, keep: Set<number>): { liveIn: Uint32Array; liveOut: Uint32Array; words: number } {
  const code = proc.code;
  const n = code.length;
  const nSlots = proc.locals.length;
  const words = Math.ceil(nSlots / 32) || 1;
  const liveIn = new Uint32Array(n * words);
  const liveOut = new Uint32Array(n * words);
  const ud = code.map(useDef);
  const succ = code.map((_, pc) => successors(code, pc));
  let changed = true;
  const tmp = new Uint32Array(words);
  while (changed) {
    changed = false;
    for (let pc = n - 1; pc >= 0; pc--) {
      tmp.fill(0);
      if (code[pc].op === "end") for (const s of keep) tmp[s >> 5] |= 1 << (s & 31);
      for (const s of succ[pc]) for (let w = 0; w < words; w++) tmp[w] |= liveIn[s * words + w];
      for (let w = 0; w < words; w++) liveOut[pc * words + w] = tmp[w];
      const { uses, def } = ud[pc];
      if (def >= 0) tmp[def >> 5] &= ~(1 << (def & 31));
      for (const u of uses) tmp[u >> 5] |= 1 << (u & 31);
      for (let w = 0; w < words; w++) {
        if (liveIn[pc * words + w] !== tmp[w] >>> 0) {
          liveIn[pc * words + w] = tmp[w];
          changed = true;
        }
      }
    }
  }
  return { liveIn, liveOut, words };
}

/**
 * For each pc, the slots that are dead on entry (never read before being written again).
 * `keep` slots (herd7 registers in the final condition) stay live at the end.
 */
export function deadSlots(proc: ProcessIR, keep: Set<number>): Int32Array[] {
  const { liveIn, words } = liveSets(proc, keep);
  const nSlots = proc.locals.length;
  const out: Int32Array[] = [];
  for (let pc = 0; pc < proc.code.length; pc++) {
    const dead: number[] = [];
    for (let s = 0; s < nSlots; s++) if (!(liveIn[pc * words + (s >> 5)] & (1 << (s & 31)))) dead.push(s);
    out.push(Int32Array.from(dead));
  }
  return out;
}
