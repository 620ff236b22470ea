// Promela export: translate a lowered model (the step IR) into a SPIN model with the same
// step granularity. Each pageproof step (a yielding instruction plus the local instructions
// that follow it, or a whole `__atomic` block) becomes one `atomic { ... }` sequence whose
// first statement is the step's enabling condition; SPIN does not store the states inside an
// atomic sequence, so one pageproof step is one SPIN transition and the stored states match.
//
//  - shared cells are named globals (`int c3_x = 1;`), truncated to their width on every write
//    as the engine does; pointer-valued addresses select the cell with a conditional expression;
//  - each process is `active proctype Pn()` with its locals as `int`s, initialised to the values
//    they have after the process's leading local computation (which is no step in pageproof);
//  - every step is a labelled atomic sequence `S<pc>`; its local control flow is copied into it
//    and it ends by zeroing the locals dead at the next step (src/ir/liveness.ts) and `goto`;
//  - a finished process waits at `end: false`, a valid end state that never terminates, so
//    SPIN's process deletion adds no states; a process blocked elsewhere is an invalid end state,
//    which is pageproof's deadlock;
//  - checks are `assert(!cond)` (every violation kind is an assertion failure in SPIN).
// RCU and SRCU instructions are not supported. Arithmetic assumes two's-complement wrap-around
// (compile pan.c with -fwrapv). For state counts equal to pageproof's, run `spin -o1 -o2 -a`:
// -o1 keeps SPIN from resetting dead variables itself (the export zeroes exactly the locals
// pageproof zeroes), and -o2 keeps it from hiding write-only variables (a shared cell that no
// process reads is still part of pageproof's state; without -o2 SPIN drops it from the state
// vector and stores fewer states, with the same verdicts).

import { CellInfo, Instr, LExpr, ModelIR, ProcessIR, yields } from "../ir/ir.js";
import { deadSlots } from "../ir/liveness.js";
import { Machine, StepContext } from "../engine/machine.js";

export class ExportError extends Error {}

const unsupported = (what: string): never => {
  throw new ExportError(`${what} is not supported by the Promela export`);
};

function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}

interface Ctx {
  model: ModelIR;
  cellName: string[];
  localName: (slot: number) => string;
}

/** A Promela expression for an LExpr; `sub` maps local slots to expressions (guard hoisting). */
function expr(e: LExpr, c: Ctx, sub?: Map<number, string>): string {
  const r = (x: LExpr) => expr(x, c, sub);
  switch (e.k) {
    case "const":
      return e.v < 0 ? `(${e.v})` : String(e.v);
    case "local":
      return sub?.get(e.slot) ?? c.localName(e.slot);
    case "un":
      if (e.op === "!") return `(${r(e.a)} == 0)`;
      return `(${e.op}${r(e.a)})`;
    case "bool":
      return `(${r(e.a)} != 0)`;
    case "wrap":
      return wrapExpr(r(e.a), e.bits, e.signed);
    case "cond":
      return `((${r(e.c)} != 0) -> ${r(e.a)} : ${r(e.b)})`;
    case "bin": {
      const a = r(e.a);
      const b = r(e.b);
      switch (e.op) {
        case "/":
        case "%":
          if (e.unsigned) unsupported("unsigned division");
          return `((${b} == 0) -> 0 : (${a} ${e.op} ${b}))`;
        case "&&":
          return `((${a} != 0) && (${b} != 0))`;
        case "||":
          return `((${a} != 0) || (${b} != 0))`;
        case "<":
        case ">":
        case "<=":
        case ">=":
          if (!e.unsigned) return `(${a} ${e.op} ${b})`;
          // unsigned order: same sign -> signed order; otherwise the negative one is larger
          return `(((${a} < 0) == (${b} < 0)) -> (${a} ${e.op} ${b}) : (${e.op[0] === "<" ? `${a} >= 0` : `${a} < 0`}))`;
        case ">>":
          if (!e.unsigned) return `(${a} >> ${b})`;
          if (e.b.k === "const" && e.b.v > 0 && e.b.v < 32) return `((${a} >> ${e.b.v}) & ${2 ** (32 - e.b.v) - 1})`;
          if (e.b.k === "const" && e.b.v === 0) return a;
          return unsupported("an unsigned right shift by a variable amount");
        default:
          return `(${a} ${e.op} ${b})`;
      }
    }
  }
}

function wrapExpr(v: string, bits: number, signed: boolean): string {
  if (bits >= 32) return v;
  const mask = 2 ** bits - 1;
  if (!signed) return `(${v} & ${mask})`;
  const sb = 2 ** (bits - 1);
  return `(((${v} & ${mask}) ^ ${sb}) - ${sb})`;
}

/** The value of the cell at a (possibly dynamic) address. */
function readCell(c: Ctx, addr: LExpr, sub?: Map<number, string>): string {
  if (addr.k === "const") return c.cellName[addr.v] ?? unsupported(`address ${addr.v}`);
  const a = expr(addr, c, sub);
  let out = "0";
  for (let i = c.cellName.length - 1; i >= 1; i--) out = `((${a} == ${i}) -> ${c.cellName[i]} : ${out})`;
  return out;
}

/** Checks the engine makes before every access (NULL/invalid address, use after free). */
function addrChecks(c: Ctx, addr: LExpr): string[] {
  const cells = c.model.cells;
  if (addr.k === "const") {
    if (addr.v <= 0 || addr.v >= cells.length) return ["assert(false)"];
    const f = cells[addr.v].freedCell;
    return f >= 0 ? [`assert(${c.cellName[f]} == 0)`] : [];
  }
  const a = expr(addr, c);
  const out = [`assert(${a} > 0 && ${a} < ${cells.length})`];
  const freed = cells.map((x, i) => ({ i, f: x.freedCell })).filter((x) => x.i > 0 && x.f >= 0);
  if (freed.length) out.push(`assert(!(${freed.map((x) => `(${a} == ${x.i} && ${c.cellName[x.f]} != 0)`).join(" || ")}))`);
  return out;
}

function writeCell(c: Ctx, addr: LExpr, val: string): string[] {
  const cells = c.model.cells;
  const w = (i: number) => `${c.cellName[i]} = ${wrapExpr(val, cells[i].bits, cells[i].signed)}`;
  if (addr.k === "const") return [w(addr.v)];
  const a = expr(addr, c);
  const arms = cells.map((_, i) => i).filter((i) => i > 0).map((i) => `:: (${a} == ${i}) -> ${w(i)}`);
  return [`if ${arms.join(" ")} fi`];
}

function rmwValue(op: string, old: string, x: string, y: string): string {
  switch (op) {
    case "xchg": return x;
    case "add": return `(${old} + ${x})`;
    case "sub": return `(${old} - ${x})`;
    case "and": return `(${old} & ${x})`;
    case "or": return `(${old} | ${x})`;
    case "xor": return `(${old} ^ ${x})`;
    case "andnot": return `(${old} & (~${x}))`;
    case "cmpxchg": return `((${old} == ${x}) -> ${y} : ${old})`;
    case "add_unless": return `((${old} != ${y}) -> (${old} + ${x}) : ${old})`;
  }
  return unsupported(`rmw ${op}`);
}

/** Statements of one instruction inside a step (control flow handled by the caller). */
function stmts(ins: Instr, pid: number, c: Ctx): string[] {
  const me = pid + 1;
  switch (ins.op) {
    case "set":
      return [`${c.localName(ins.dst)} = ${expr(ins.e, c)}`];
    case "check":
      return [`assert(${expr(ins.cond, c)} == 0) /* ${ins.kind}: ${ins.msg.replace(/\*\//g, "* /")} */`];
    case "guard":
      return []; // hoisted into the step's enabling condition
    case "load":
      if (ins.constCell) return [`${c.localName(ins.dst)} = ${readCell(c, ins.addr)}`];
      return [...addrChecks(c, ins.addr), `${c.localName(ins.dst)} = ${readCell(c, ins.addr)}`];
    case "store":
      return [...addrChecks(c, ins.addr), `_v = ${expr(ins.val, c)}`, ...writeCell(c, ins.addr, "_v")];
    case "rmw":
      return [
        ...addrChecks(c, ins.addr),
        `_old = ${readCell(c, ins.addr)}`,
        `_x = ${expr(ins.a, c)}`,
        `_y = ${expr(ins.b, c)}`,
        ...writeCell(c, ins.addr, rmwValue(ins.rmw, "_old", "_x", "_y")),
        `${c.localName(ins.dst)} = ${ins.ret === "old" ? "_old" : readCell(c, ins.addr)}`,
      ];
    case "lock":
      return [...addrChecks(c, ins.addr), `assert(${readCell(c, ins.addr)} != ${me}) /* deadlock: relock */`, ...writeCell(c, ins.addr, String(me))];
    case "trylock": {
      const cur = readCell(c, ins.addr);
      return [...addrChecks(c, ins.addr), `if :: (${cur} == 0) -> ${writeCell(c, ins.addr, String(me)).join("; ")}; ${c.localName(ins.dst)} = 1 :: else -> ${c.localName(ins.dst)} = 0 fi`];
    }
    case "unlock":
      return [...addrChecks(c, ins.addr), `assert(${readCell(c, ins.addr)} == ${me}) /* bug: unlock of a lock not held */`, ...writeCell(c, ins.addr, "0")];
    case "unlock_wait":
      return [...addrChecks(c, ins.addr), `assert(${readCell(c, ins.addr)} != ${me}) /* deadlock: spin_unlock_wait on a lock held by the caller */`];
    case "rcu_lock":
    case "rcu_unlock":
    case "gp_start":
    case "gp_wait":
      return unsupported("RCU");
    case "srcu_lock":
    case "srcu_unlock":
    case "srcu_gp_start":
    case "srcu_gp_wait":
      return unsupported("SRCU");
    default:
      return [];
  }
}

/** The enabling condition of the step starting at pc y, or null if it is always enabled. */
function enabling(p: ProcessIR, pid: number, y: number, c: Ctx): string | null {
  const code = p.code;
  const first = code[y];
  if (first.op === "lock" || first.op === "unlock_wait") {
    const cur = readCell(c, first.addr);
    const chk = addrChecks(c, first.addr).length ? ` || ${badAddr(c, first.addr)}` : "";
    return `(${cur} == 0 || ${cur} == ${pid + 1}${chk})`;
  }
  if (first.op === "gp_wait") return unsupported("RCU");
  if (first.op === "srcu_gp_wait") return unsupported("SRCU");
  if (first.op !== "atomic_begin") return null;
  // Collect the guards of the atomic step; they must come in its straight-line prefix, after
  // nothing but loads of fixed cells and local assignments, so they can be evaluated first.
  const sub = new Map<number, string>();
  const conds: string[] = [];
  let straight = true;
  let depth = 0;
  const seen = new Set<number>();
  const stack = [y];
  while (stack.length) {
    const pc = stack.pop()!;
    if (seen.has(pc)) continue;
    seen.add(pc);
    const ins = code[pc];
    if (ins.op === "end" || (pc !== y && depth === 0 && yields(ins))) continue; // the next step
    if (ins.op === "guard") {
      if (!straight) throw new ExportError(`${ins.src.loc.file.path}:${ins.src.loc.line}: a guard (await) after a branch or an effect in the same step is not supported by the Promela export`);
      conds.push(`(${expr(ins.cond, c, sub)} != 0)`);
    }
    if (ins.op === "atomic_begin") depth++;
    if (ins.op === "atomic_end") depth--;
    if (ins.op === "load" && ins.addr.k === "const" && c.model.cells[ins.addr.v]?.freedCell < 0 && straight) sub.set(ins.dst, readCell(c, ins.addr));
    else if (ins.op === "set" && straight) sub.set(ins.dst, `(${expr(ins.e, c, sub)})`);
    else if (!["guard", "atomic_begin", "atomic_end"].includes(ins.op)) straight = false;
    if (ins.op === "jmp") stack.push(ins.target);
    else if (ins.op === "br") stack.push(ins.target, pc + 1);
    else stack.push(pc + 1);
  }
  return conds.length ? `(${conds.join(" && ")})` : null;
}

function badAddr(c: Ctx, addr: LExpr): string {
  const cells = c.model.cells;
  if (addr.k === "const") {
    const f = cells[addr.v]?.freedCell ?? -1;
    return addr.v <= 0 || addr.v >= cells.length ? "true" : f >= 0 ? `${c.cellName[f]} != 0` : "false";
  }
  const a = expr(addr, c);
  const freed = cells.map((x, i) => ({ i, f: x.freedCell })).filter((x) => x.i > 0 && x.f >= 0);
  return `(${a} <= 0 || ${a} >= ${cells.length}${freed.map((x) => ` || (${a} == ${x.i} && ${c.cellName[x.f]} != 0)`).join("")})`;
}

export interface PromelaOptions {
  source?: string; // file name, for the header comment
}

export function exportPromela(model: ModelIR, opts: PromelaOptions = {}): string {
  if (model.rcuNesting >= 0 || model.rcuWait >= 0) {
    for (const p of model.processes) for (const i of p.code) if (i.op.startsWith("rcu") || i.op.startsWith("gp_")) unsupported("RCU");
  }
  for (const p of model.processes) for (const i of p.code) if (i.op.startsWith("srcu_")) unsupported("SRCU");
  const m = new Machine(model);
  const ctx0 = new StepContext();
  const init = m.initial(ctx0);
  if (ctx0.violation) throw new ExportError(`the initial state already violates ${ctx0.violation.kind} (${ctx0.violation.msg}); nothing to export`);
  const cellName = model.cells.map((cell: CellInfo, i: number) => (i === 0 ? "" : `c${i}_${sanitize(cell.name)}`));
  const out: string[] = [];
  out.push(`/* ${model.name}: exported by pageproof (export --promela)${opts.source ? ` from ${opts.source}` : ""}.`);
  out.push(` * One atomic sequence = one pageproof step. Verify with:`);
  out.push(` *   spin -o1 -o2 -a FILE.pml && gcc -O2 -fwrapv -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -m1000000`);
  out.push(` * An assertion violation is a pageproof violation; an invalid end state is a deadlock. */`);
  out.push("");
  model.cells.forEach((cell, i) => {
    if (i === 0) return;
    out.push(`int ${cellName[i]} = ${init[i]};${cell.ghost ? " /* ghost */" : ""}${cell.isLock ? " /* lock: 0 free, pid+1 owner */" : ""}`);
  });
  out.push("hidden int _v, _old, _x, _y; /* temporaries inside one atomic step, not part of the state */");
  const keepByProc = model.processes.map(() => new Set<number>());
  for (const o of model.observed) if (o.kind === "reg") keepByProc[o.proc].add(o.slot);
  model.processes.forEach((p, pid) => {
    out.push("");
    out.push(...exportProcess(model, p, pid, m.procs[pid].base, init, cellName, deadSlots(p, keepByProc[pid])));
  });
  return out.join("\n") + "\n";
}

function exportProcess(model: ModelIR, p: ProcessIR, pid: number, base: number, init: Int32Array, cellName: string[], dead: Int32Array[]): string[] {
  const localName = (slot: number) => `l${slot}`; // slot names are joined by slot sharing; listed in the declaration comment
  const c: Ctx = { model, cellName, localName };
  const code = p.code;
  const endPc = code.length - 1;
  const out: string[] = [];
  out.push(`active proctype ${sanitize(p.name)}()`);
  out.push("{");
  p.locals.forEach((l, s) => out.push(`\tint ${localName(s)} = ${init[base + 1 + s]}; /* ${l.name.replace(/\*\//g, "")}${l.bits < 32 ? ` (${l.signed ? "s" : "u"}${l.bits})` : ""} */`));
  const startPc = init[base];
  // Step starts reachable from the initial pc.
  const starts: number[] = [];
  const known = new Set<number>();
  const want = (pc: number) => {
    if (!known.has(pc)) {
      known.add(pc);
      starts.push(pc);
    }
  };
  want(startPc);
  const label = (pc: number) => (pc === endPc ? "Send" : `S${pc}`);
  const bodies: string[][] = [];
  for (let k = 0; k < starts.length; k++) {
    const y = starts[k];
    if (y === endPc) continue;
    // The instructions of this step: reachable from y without crossing a yielding one at depth 0.
    const depthAt = new Map<number, number>();
    const stack: [number, number][] = [[y, 0]];
    while (stack.length) {
      const [pc, d] = stack.pop()!;
      if (depthAt.has(pc)) {
        if (depthAt.get(pc) !== d) throw new ExportError(`P${pid}: inconsistent atomic nesting`);
        continue;
      }
      if (pc !== y && d === 0 && (yields(code[pc]) || code[pc].op === "end")) {
        want(pc);
        continue;
      }
      depthAt.set(pc, d);
      const ins = code[pc];
      const nd = ins.op === "atomic_begin" ? d + 1 : ins.op === "atomic_end" ? d - 1 : d;
      if (ins.op === "end") continue;
      if (ins.op === "jmp") stack.push([ins.target, nd]);
      else if (ins.op === "br") stack.push([ins.target, nd], [pc + 1, nd]);
      else stack.push([pc + 1, nd]);
    }
    const pcs = [y, ...[...depthAt.keys()].filter((pc) => pc !== y).sort((a, b) => a - b)]; // the step's own instruction first
    const inStep = new Set(pcs);
    const local = (pc: number) => `L${y}_${pc}`;
    // Leaving the step for pc t (a step start or end): zero the dead locals, then jump.
    const leave = (t: number): string => {
      const z = [...dead[t]].map((s) => `${localName(s)} = 0; `).join("");
      return `${z}goto ${label(t)}`;
    };
    const jumpTo = (t: number): string => (t !== y && inStep.has(t) ? `goto ${local(t)}` : leave(t));
    const targets = new Set<number>();
    for (const pc of pcs) {
      const ins = code[pc];
      if (ins.op === "jmp") targets.add(ins.target);
      if (ins.op === "br") targets.add(ins.target);
    }
    const lines: string[] = [];
    const en = enabling(p, pid, y, c);
    lines.push(en ? `${en} ->` : "skip;");
    for (let i = 0; i < pcs.length; i++) {
      const pc = pcs[i];
      const ins = code[pc];
      const lab = pc !== y && (targets.has(pc) || pcs[i - 1] !== pc - 1) ? `${local(pc)}: ` : ""; // jump or out-of-order fall-through target
      let body: string[];
      if (ins.op === "jmp") body = [jumpTo(ins.target)];
      else if (ins.op === "br") body = [`if :: (${expr(ins.cond, c)} != 0) -> ${jumpTo(ins.target)} :: else -> skip fi`];
      else body = stmts(ins, pid, c);
      if (ins.op !== "jmp") {
        const next = pc + 1;
        const fallsThrough = pcs[i + 1] === next;
        if (!fallsThrough) body.push(jumpTo(next));
      }
      if (lab && body.length === 0) body.push("skip");
      body.forEach((s, j) => lines.push(`${j === 0 ? lab : ""}${s};`));
    }
    bodies.push([`${label(y)}:\tatomic {`, ...lines.map((l) => `\t\t${l}`), "\t}"]);
  }
  for (const b of bodies) out.push(...b);
  out.push(`Send:`);
  out.push(`end:\tfalse /* finished: a valid end state */`);
  out.push("}");
  return out;
}
