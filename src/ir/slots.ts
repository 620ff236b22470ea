// Local-slot compaction (register allocation). Lowering gives every declaration, inlined
// parameter and temporary its own slot, so a process that calls a few prelude helpers has
// dozens of slots, almost all dead at any moment. Slots whose live ranges never overlap
// share one state-vector word: the state gets narrower, hashing and copying cheaper, and
// the search explores exactly the same states (dead slots are zero either way).

import { Instr, LExpr, ModelIR, ProcessIR } from "./ir.js";
import { constantSlots } from "./footprint.js";
import { foldConst } from "./lower.js";
import { liveSets } from "./liveness.js";

function substExpr(e: LExpr, k: (number | null)[]): LExpr {
  switch (e.k) {
    case "const":
      return e;
    case "local":
      return k[e.slot] !== null ? { k: "const", v: k[e.slot]! } : e;
    case "un":
    case "wrap":
    case "bool":
      return foldConst({ ...e, a: substExpr(e.a, k) });
    case "bin":
      return foldConst({ ...e, a: substExpr(e.a, k), b: substExpr(e.b, k) });
    case "cond": {
      const c = substExpr(e.c, k);
      if (c.k === "const") return c.v !== 0 ? substExpr(e.a, k) : substExpr(e.b, k);
      return { ...e, c, a: substExpr(e.a, k), b: substExpr(e.b, k) };
    }
  }
}

/**
 * Replaces every local that holds one constant wherever it is read (herd7 pointer
 * parameters, the arguments of inlined helpers) by that constant. Its assignments become
 * no-ops, so the slot is dead everywhere and costs no state.
 */
export function propagateConstants(proc: ProcessIR, model: ModelIR, keep: Set<number>): ProcessIR {
  const k = constantSlots(proc, model).map((v, slot) => (keep.has(slot) ? null : v));
  const code = proc.code.map((ins, pc): Instr => {
    const d = defOf(ins);
    if (d >= 0 && k[d] !== null && (ins.op === "set" || (ins.op === "load" && ins.constCell))) return { op: "jmp", target: pc + 1, src: ins.src };
    const m = mapInstrExpr(ins, (e) => substExpr(e, k));
    if (m.op === "br" && m.cond.k === "const") return m.cond.v !== 0 ? { op: "jmp", target: m.target, src: m.src } : { op: "jmp", target: pc + 1, src: m.src };
    return m;
  });
  const initLocals = new Map([...proc.initLocals].filter(([slot]) => k[slot] === null));
  return { ...proc, code, initLocals };
}

function mapInstrExpr(ins: Instr, f: (e: LExpr) => LExpr): Instr {
  switch (ins.op) {
    case "set":
      return { ...ins, e: f(ins.e) };
    case "br":
    case "check":
    case "guard":
      return { ...ins, cond: f(ins.cond) };
    case "load":
      return { ...ins, addr: f(ins.addr) };
    case "store":
      return { ...ins, addr: f(ins.addr), val: f(ins.val) };
    case "rmw":
      return { ...ins, addr: f(ins.addr), a: f(ins.a), b: f(ins.b) };
    case "srcu_unlock":
      return { ...ins, addr: f(ins.addr), ...(ins.owner ? { owner: f(ins.owner) } : {}) };
    case "lock":
    case "unlock":
    case "trylock":
    case "unlock_wait":
    case "srcu_lock":
    case "srcu_gp_start":
    case "srcu_gp_wait":
      return { ...ins, addr: f(ins.addr) };
    default:
      return ins;
  }
}

function mapExpr(e: LExpr, m: Int32Array): LExpr {
  switch (e.k) {
    case "const":
      return e;
    case "local":
      return { k: "local", slot: m[e.slot] };
    case "un":
    case "wrap":
    case "bool":
      return { ...e, a: mapExpr(e.a, m) };
    case "bin":
      return { ...e, a: mapExpr(e.a, m), b: mapExpr(e.b, m) };
    case "cond":
      return { ...e, c: mapExpr(e.c, m), a: mapExpr(e.a, m), b: mapExpr(e.b, m) };
  }
}

function mapInstr(ins: Instr, m: Int32Array): Instr {
  switch (ins.op) {
    case "set":
      return { ...ins, dst: m[ins.dst], e: mapExpr(ins.e, m) };
    case "br":
    case "check":
    case "guard":
      return { ...ins, cond: mapExpr(ins.cond, m) };
    case "load":
      return { ...ins, dst: m[ins.dst], addr: mapExpr(ins.addr, m) };
    case "store":
      return { ...ins, addr: mapExpr(ins.addr, m), val: mapExpr(ins.val, m) };
    case "rmw":
      return { ...ins, dst: m[ins.dst], addr: mapExpr(ins.addr, m), a: mapExpr(ins.a, m), b: mapExpr(ins.b, m) };
    case "srcu_unlock":
      return { ...ins, addr: mapExpr(ins.addr, m), ...(ins.owner ? { owner: mapExpr(ins.owner, m) } : {}) };
    case "lock":
    case "unlock":
    case "unlock_wait":
    case "srcu_lock":
    case "srcu_gp_start":
    case "srcu_gp_wait":
      return { ...ins, addr: mapExpr(ins.addr, m) };
    case "trylock":
      return { ...ins, dst: m[ins.dst], addr: mapExpr(ins.addr, m) };
    default:
      return ins;
  }
}

function defOf(ins: Instr): number {
  switch (ins.op) {
    case "set":
    case "load":
    case "rmw":
    case "trylock":
      return ins.dst;
    default:
      return -1;
  }
}

/** The process with its slots coloured so that no two live-together slots share one, and the old -> new slot map. */
export function compactSlots(proc: ProcessIR, keep: Set<number>): { proc: ProcessIR; color: Int32Array } {
  const n = proc.locals.length;
  const { liveIn, liveOut, words } = liveSets(proc, keep);
  const interferes = Array.from({ length: n }, () => new Set<number>());
  const link = (a: number, b: number) => {
    if (a === b) return;
    interferes[a].add(b);
    interferes[b].add(a);
  };
  const forEachBit = (arr: Uint32Array, at: number, f: (s: number) => void) => {
    for (let w = 0; w < words; w++) {
      let bits = arr[at * words + w];
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits);
        f(w * 32 + b);
        bits &= ~(1 << b);
      }
    }
  };
  proc.code.forEach((ins, pc) => {
    const d = defOf(ins);
    // A defined slot must not share with anything live after the definition.
    if (d >= 0) forEachBit(liveOut, pc, (s) => link(d, s));
  });
  // Slots live at entry hold their initial values together.
  const entry: number[] = [];
  forEachBit(liveIn, 0, (s) => entry.push(s));
  for (const s of proc.initLocals.keys()) entry.push(s);
  for (let i = 0; i < entry.length; i++) for (let j = i + 1; j < entry.length; j++) link(entry[i], entry[j]);
  // Kept slots (observed registers) stay distinct from each other.
  const kept = [...keep];
  for (let i = 0; i < kept.length; i++) for (let j = i + 1; j < kept.length; j++) link(kept[i], kept[j]);
  // Greedy colouring; kept and initialised slots first, so they get the low colours.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => +(!keep.has(a) && !proc.initLocals.has(a)) - +(!keep.has(b) && !proc.initLocals.has(b)) || a - b);
  const color = new Int32Array(n).fill(-1);
  let nColors = 0;
  for (const s of order) {
    const used = new Set<number>();
    for (const t of interferes[s]) if (color[t] >= 0) used.add(color[t]);
    let c = 0;
    while (used.has(c)) c++;
    color[s] = c;
    nColors = Math.max(nColors, c + 1);
  }
  const locals = Array.from({ length: nColors }, (_, c) => {
    const members = order.filter((s) => color[s] === c);
    const named = members.find((s) => keep.has(s)) ?? members.find((s) => proc.locals[s].user) ?? members[0];
    return { ...proc.locals[named], name: members.map((s) => proc.locals[s].name).join("/") };
  });
  const registers = new Map<string, number>();
  for (const [name, slot] of proc.registers) registers.set(name, color[slot]);
  const initLocals = new Map<number, number>();
  for (const [slot, v] of proc.initLocals) initLocals.set(color[slot], v);
  return { proc: { ...proc, code: proc.code.map((i) => mapInstr(i, color)), locals, registers, initLocals }, color };
}
