// Compiles one process's IR into one JavaScript function (the transition compiler).
//
// The function runs one step of the process on a state vector in place: a `switch` on the
// pc inside a loop, with every instruction inlined, locals and constant addresses turned
// into literal indices (`s[17]`), and the yield rule (stop before the next shared access,
// unless inside an atomic block) written into each yielding case. V8 compiles it like
// hand-written code: no closure call per instruction, no interpretation of the IR.

import { Instr, LExpr, MERGE_UNSOUND, ModelIR, ViolationKind, yields } from "../ir/ir.js";

/** What the generated code needs at run time besides the state. */
export interface StepEnv {
  freed: Int32Array; // cell -> its object's __ghost_freed cell, or -1
  wrap: (addr: number, v: number) => number; // store a value at a cell's width
  names: string[]; // cell names, for messages
  budgetError: (pc: number) => never; // endless local loop
  lockCells: Int32Array; // for "ends holding a lock"
  guard: Uint8Array; // model.releaseGuard, or empty
}

export type StepFn = (s: Int32Array, ctx: unknown, prefixOnly: boolean) => number;

export const LOCAL_BUDGET = 1_000_000;

const js = JSON.stringify;

/**
 * `record`: also log every instruction and shared access into ctx.record (the replay of a
 * counterexample, trace.ts). The search uses the variant without, which has no logging code.
 */
export function compileProcess(model: ModelIR, pid: number, base: number, dead: Int32Array[], record = false): (env: StepEnv) => StepFn {
  const p = model.processes[pid];
  const code = p.code;
  const B = base + 1;
  const nCells = model.cells.length;
  const endPc = code.length - 1;
  const L = (slot: number) => `s[${B + slot}]`;

  const expr = (e: LExpr): string => {
    switch (e.k) {
      case "const":
        return `(${e.v})`;
      case "local":
        return L(e.slot);
      case "un":
        return e.op === "-" ? `(-${expr(e.a)} | 0)` : e.op === "!" ? `(${expr(e.a)} === 0 ? 1 : 0)` : `(~${expr(e.a)})`;
      case "bool":
        return `(${expr(e.a)} !== 0 ? 1 : 0)`;
      case "wrap": {
        const sh = 32 - e.bits;
        if (e.bits === 1 && !e.signed) return `(${expr(e.a)} & 1)`;
        return e.signed ? `((${expr(e.a)} << ${sh}) >> ${sh})` : `(((${expr(e.a)} << ${sh}) >>> ${sh}) | 0)`;
      }
      case "cond":
        return `(${expr(e.c)} !== 0 ? ${expr(e.a)} : ${expr(e.b)})`;
      case "bin": {
        const a = expr(e.a);
        const b = expr(e.b);
        const u = e.unsigned;
        const ua = `(${a} >>> 0)`;
        const ub = `(${b} >>> 0)`;
        switch (e.op) {
          case "+": return `((${a} + ${b}) | 0)`;
          case "-": return `((${a} - ${b}) | 0)`;
          case "*": return `Math.imul(${a}, ${b})`;
          case "/": return u ? `div_u(${a}, ${b})` : `div_s(${a}, ${b})`;
          case "%": return u ? `mod_u(${a}, ${b})` : `mod_s(${a}, ${b})`;
          case "&": return `(${a} & ${b})`;
          case "|": return `(${a} | ${b})`;
          case "^": return `(${a} ^ ${b})`;
          case "<<": return `(${a} << ${b})`;
          case ">>": return u ? `((${a} >>> ${b}) | 0)` : `(${a} >> ${b})`;
          case "==": return `(${a} === ${b} ? 1 : 0)`;
          case "!=": return `(${a} !== ${b} ? 1 : 0)`;
          case "<": return u ? `(${ua} < ${ub} ? 1 : 0)` : `(${a} < ${b} ? 1 : 0)`;
          case ">": return u ? `(${ua} > ${ub} ? 1 : 0)` : `(${a} > ${b} ? 1 : 0)`;
          case "<=": return u ? `(${ua} <= ${ub} ? 1 : 0)` : `(${a} <= ${b} ? 1 : 0)`;
          case ">=": return u ? `(${ua} >= ${ub} ? 1 : 0)` : `(${a} >= ${b} ? 1 : 0)`;
          case "&&": return `(${a} !== 0 && ${b} !== 0 ? 1 : 0)`;
          case "||": return `(${a} !== 0 || ${b} !== 0 ? 1 : 0)`;
        }
      }
    }
  };

  const viol = (pc: number, kind: ViolationKind, msg: string) => `{ ctx.violation = { kind: ${js(kind)}, msg: ${js(msg)}, proc: ${pid}, pc: ${pc} }; return 2; }`;
  const violDyn = (pc: number | string, kind: ViolationKind, msgExpr: string) => `{ ctx.violation = { kind: ${js(kind)}, msg: ${msgExpr}, proc: ${pid}, pc: ${pc} }; return 2; }`;
  /** One of the model's own findings (lock or RCU discipline, a self-deadlock): a violation, or
   * in herd7 mode a warning after which `then` runs (herd7 asks only about the final condition). */
  const finding = (pc: number | string, kind: ViolationKind, msgExpr: string, then: string) =>
    `{ if (ctx.findingsAsWarnings) { ctx.warnings.push({ kind: ${js(kind)}, msg: ${msgExpr}, proc: ${pid}, pc: ${pc} }); ${then} } else ${violDyn(pc, kind, msgExpr)} }`;

  /** Code that puts the checked address of `e` into `a`, or fails the step. */
  const guard = model.releaseGuard;
  const address = (pc: number, e: LExpr, plain?: "r" | "w"): string => {
    if (e.k === "const") {
      const a = e.v;
      if (a <= 0 || a >= nCells) return finding(pc, "bug", js(a === 0 ? "NULL pointer dereference" : `access to invalid address ${a}`), "return 1;");
      const f = model.cells[a].freedCell;
      const uaf = f >= 0 ? `if (s[${f}] !== 0) ${viol(pc, "use-after-free", `access to ${model.cells[a].name} after the object was freed`)}` : "";
      return `a = ${a}; ${uaf}`;
    }
    return `a = ${expr(e)};
        if (a <= 0 || a >= ${nCells}) ${finding(pc, "bug", `a === 0 ? "NULL pointer dereference" : "access to invalid address " + a`, "return 1;")}
        if (env.freed[a] >= 0 && s[env.freed[a]] !== 0) ${violDyn(pc, "use-after-free", `"access to " + env.names[a] + " after the object was freed"`)}${
          guard && plain ? `
        if ((env.guard[a] & ${plain === "w" ? 3 : 1}) !== 0) ${violDyn(pc, MERGE_UNSOUND, `"P${pid} accesses " + env.names[a] + " through an address not known before the search"`)}` : ""
        }`;
  };
  const wrapStore = (e: LExpr, v: string): string => {
    if (e.k === "const") {
      const c = model.cells[e.v];
      if (!c || c.bits >= 32) return `(${v} | 0)`;
      const sh = 32 - c.bits;
      return c.signed ? `((${v} << ${sh}) >> ${sh})` : `((${v} << ${sh}) >>> ${sh})`;
    }
    return `env.wrap(a, ${v})`;
  };
  // SRCU on the struct srcu_struct at `a` (2 * nProcs hidden cells, layout.ts): a + q is
  // process q's nesting depth on it, a + nProcs + q the readers q's grace period waits for.
  const nProcs = model.processes.length;
  const srcuName: Record<string, string> = { srcu_lock: "srcu_read_lock", srcu_unlock: "srcu_read_unlock", srcu_gp_start: "synchronize_srcu", srcu_gp_wait: "synchronize_srcu" };
  const structName = (cellName: string) => cellName.replace(/\.srcu_nesting\[0\]$/, "");
  const srcuCase = (pc: number, op: string, e: LExpr, ownerExpr?: LExpr): string => {
    const owner = ownerExpr ? expr(ownerExpr) : null;
    const fn = srcuName[op];
    let head: string;
    let nameOf: string; // a JS expression for the struct's name, for messages
    let at: (k: number) => string; // the index of hidden cell a + k
    if (e.k === "const") {
      if (e.v > 0 && e.v < nCells && !model.srcuStructs.includes(e.v)) return viol(pc, "bug", `${fn}() on ${model.cells[e.v].name}, which is not a struct srcu_struct`);
      head = address(pc, e);
      nameOf = js(e.v > 0 && e.v < nCells ? structName(model.cells[e.v].name) : "");
      at = (k) => String(e.v + k);
    } else {
      const bases = model.srcuStructs.map((b) => `a !== ${b}`).join(" && ") || "true";
      head = `${address(pc, e)}
        if (${bases}) ${violDyn(pc, "bug", `${js(fn + "() on ")} + env.names[a] + ", which is not a struct srcu_struct"`)}`;
      nameOf = `env.names[a].replace(/\\.srcu_nesting\\[0\\]$/, "")`;
      at = (k) => (k === 0 ? "a" : `a + ${k}`);
    }
    const nest = `s[${at(pid)}]`;
    switch (op) {
      case "srcu_lock":
        return `${head}\n${nest}++;`;
      case "srcu_unlock": {
        if (owner) {
          // srcu_up_read(s, idx): the reader of process idx - 1, which may be another process.
          const clearOwner = Array.from({ length: nProcs }, (_, q) => `s[${at(nProcs + q)}] &= ~(1 << o);`).join(" ");
          return `${head}
        { const o = (${owner}) - 1;
          if (o < 0 || o >= ${nProcs} || s[${at(0)} + o] === 0) ${finding(pc, "bug", `${js(`P${pid} calls srcu_up_read() on `)} + ${nameOf} + ${js(" with an index that names no reader (srcu_down_read() returns it)")}`, "")}
          else if (--s[${at(0)} + o] === 0) { ${clearOwner} } }`;
        }
        const clear = Array.from({ length: nProcs }, (_, q) => `s[${at(nProcs + q)}] &= ${~(1 << pid)};`).join(" ");
        return `${head}
        if (${nest} === 0) ${finding(pc, "bug", `${js(`P${pid} calls srcu_read_unlock() on `)} + ${nameOf} + ${js(" without srcu_read_lock()")}`, "")}
        else if (--${nest} === 0) { ${clear} }`;
      }
      case "srcu_gp_start": {
        const mask = Array.from({ length: nProcs }, (_, q) => `(s[${at(q)}] !== 0 ? ${1 << q} : 0)`).join(" | ");
        return `${head}
        if (${nest} !== 0) ${finding(pc, "deadlock", `${js(`P${pid} calls synchronize_srcu() on `)} + ${nameOf} + ${js(" inside its own SRCU read-side critical section on it (self-deadlock)")}`, "return 1;")}
        s[${at(nProcs + pid)}] = ${mask};`;
      }
      default:
        return `${head}\nif (s[${at(nProcs + pid)}] !== 0) return 1;`;
    }
  };
  const rec = (kind: "r" | "w", before: string, after: string) => (record ? `if (rec) rec.accesses.push({ cell: a, kind: ${js(kind)}, before: ${before}, after: ${after} });` : "");
  // The local-step budget is spent on backward jumps only: an endless local loop has one.
  const backJump = (pc: number, target: number) => (target <= pc ? `if (--budget === 0) env.budgetError(${pc}); ` : "");

  const cases: string[] = [];
  code.forEach((ins: Instr, pc) => {
    const y = yields(ins);
    let body = y ? `if (depth === 0) { if (!first) break loop; first = false; }\n` : "";
    if (record) body += `if (rec) rec.pcs.push(${pc});\n`;
    // Falls through into the next case (no dispatch through the switch).
    const next = `pc = ${pc + 1};`;
    switch (ins.op) {
      case "set":
        body += `${L(ins.dst)} = ${expr(ins.e)}; ${next}`;
        break;
      case "br":
        body += `if (${expr(ins.cond)} !== 0) { ${backJump(pc, ins.target)}pc = ${ins.target}; continue; } ${next}`;
        break;
      case "jmp":
        body += `${backJump(pc, ins.target)}pc = ${ins.target}; continue;`;
        break;
      case "check":
        if (ins.kind === "warn")
          body += `if (${expr(ins.cond)} !== 0) { if (ctx.warnAsViolation) ${viol(pc, "warn", ins.msg)} ctx.warnings.push({ kind: "warn", msg: ${js(ins.msg)}, proc: ${pid}, pc: ${pc} }); } ${next}`;
        else body += `if (${expr(ins.cond)} !== 0) ${viol(pc, ins.kind, ins.msg)} ${next}`;
        break;
      case "guard":
        body += `if (${expr(ins.cond)} === 0) return 1; ${next}`;
        break;
      case "load":
        body += `${address(pc, ins.addr, "r")}\n${L(ins.dst)} = s[a]; ${rec("r", "s[a]", "s[a]")} ${next}`;
        break;
      case "store":
        body += `${address(pc, ins.addr, "w")}\n{ const before = s[a]; s[a] = ${wrapStore(ins.addr, expr(ins.val))}; ${rec("w", "before", "s[a]")} } ${next}`;
        break;
      case "rmw": {
        const x = expr(ins.a);
        const yv = expr(ins.b);
        const nv: Record<string, string> = {
          xchg: x,
          add: `old + ${x}`,
          sub: `old - ${x}`,
          and: `old & ${x}`,
          or: `old | ${x}`,
          xor: `old ^ ${x}`,
          andnot: `old & ~${x}`,
          cmpxchg: `(old === ${x} ? ${yv} : old)`,
          add_unless: `(old !== ${yv} ? old + ${x} : old)`,
        };
        body += `${address(pc, ins.addr, "w")}
        { const old = s[a]; const nv = ${wrapStore(ins.addr, `(${nv[ins.rmw]})`)}; s[a] = nv; ${L(ins.dst)} = ${ins.ret === "old" ? "old" : "nv"}; ${rec("w", "old", "nv")} } ${next}`;
        break;
      }
      case "lock":
        body += `${address(pc, ins.addr)}
        if (s[a] !== 0) { if (s[a] === ${pid + 1}) ${finding(pc, "deadlock", `"P${pid} takes " + env.names[a] + ", which it already holds"`, "")} return 1; }
        s[a] = ${pid + 1}; ${rec("w", "0", String(pid + 1))} ${ins.joinNext ? "first = true; " : ""}${next}`;
        break;
      case "trylock":
        body += `${address(pc, ins.addr)}
        if (s[a] !== 0) { ${L(ins.dst)} = 0; } else { s[a] = ${pid + 1}; ${L(ins.dst)} = 1; ${rec("w", "0", String(pid + 1))} } ${next}`;
        break;
      case "unlock":
        body += `${address(pc, ins.addr)}
        if (s[a] !== ${pid + 1}) ${finding(pc, "bug", `"P${pid} unlocks " + env.names[a] + ", which it does not hold"`, "")}
        else { s[a] = 0; ${rec("w", String(pid + 1), "0")} } ${next}`;
        break;
      case "unlock_wait":
        body += `${address(pc, ins.addr)}
        if (s[a] !== 0) { if (s[a] === ${pid + 1}) ${finding(pc, "deadlock", `"P${pid} waits in spin_unlock_wait() for " + env.names[a] + ", which it holds itself (self-deadlock)"`, "")} return 1; }
        ${rec("r", "s[a]", "s[a]")} ${next}`;
        break;
      case "rcu_lock":
        body += `s[${model.rcuNesting + pid}]++; ${next}`;
        break;
      case "rcu_unlock": {
        const nest = model.rcuNesting + pid;
        const clear = model.processes.map((_, q) => `s[${model.rcuWait + q}] &= ${~(1 << pid)};`).join(" ");
        body += `if (s[${nest}] === 0) ${finding(pc, "bug", js("rcu_read_unlock() without rcu_read_lock()"), "")}
        else if (--s[${nest}] === 0) { ${clear} } ${next}`;
        break;
      }
      case "gp_start": {
        const mask = model.processes.map((_, q) => `(s[${model.rcuNesting + q}] !== 0 ? ${1 << q} : 0)`).join(" | ");
        body += `if (s[${model.rcuNesting + pid}] !== 0) ${finding(pc, "deadlock", js(`P${pid} calls synchronize_rcu() inside its own RCU read-side critical section (self-deadlock)`), "return 1;")}
        s[${model.rcuWait + pid}] = ${mask}; ${next}`;
        break;
      }
      case "gp_wait":
        body += `if (s[${model.rcuWait + pid}] !== 0) return 1; ${next}`;
        break;
      case "srcu_lock":
      case "srcu_unlock":
      case "srcu_gp_start":
      case "srcu_gp_wait":
        body += srcuCase(pc, ins.op, ins.addr, ins.op === "srcu_unlock" ? ins.owner : undefined) + ` ${next}`;
        break;
      case "progress":
        body += `ctx.marks |= 1; ${next}`;
        break;
      case "goal":
        body += `ctx.marks |= 2; ${next}`;
        break;
      case "atomic_begin":
        body += `depth++; ${next}`;
        break;
      case "atomic_end":
        body += `depth--; ${next}`;
        break;
      case "end":
        body = `break loop;`;
        break;
    }
    cases.push(`case ${pc}: {\n${body}\n}`);
  });

  const src = `
"use strict";
const div_s = (x, y) => (y === 0 ? 0 : (x / y) | 0);
const mod_s = (x, y) => (y === 0 ? 0 : (x % y) | 0);
const div_u = (x, y) => ((y >>> 0) === 0 ? 0 : ((x >>> 0) / (y >>> 0)) | 0);
const mod_u = (x, y) => ((y >>> 0) === 0 ? 0 : ((x >>> 0) % (y >>> 0)) | 0);
return function step_P${pid}(s, ctx, prefixOnly) {
  let pc = s[${base}];
  if (pc === ${endPc}) return 1;
  let depth = 0;
  let first = !prefixOnly;
  let budget = ${LOCAL_BUDGET};
  let a = 0;
  ${record ? "const rec = ctx.record;" : ""}
  loop: for (;;) {
    switch (pc) {
${cases.join("\n")}
    }
  }
  s[${base}] = pc;
  ${endPc >= 0 ? `if (pc === ${endPc}) { const lc = env.lockCells; for (let i = 0; i < lc.length; i++) if (s[lc[i]] === ${pid + 1}) ${finding("pc", "bug", `"P${pid} ends holding " + env.names[lc[i]]`, "")} }` : ""}
  ${deadSwitch(dead, B)}
  return 0;
};`;
  return (env: StepEnv) => new Function("env", src)(env) as StepFn;
}

/**
 * Code that zeroes the local slots dead at the pc where the step stopped (dead[pc]), so that
 * they do not split states: a switch with literal indices, pcs with the same slots sharing a case.
 */
function deadSwitch(dead: Int32Array[], B: number): string {
  const byCode = new Map<string, number[]>();
  dead.forEach((slots, pc) => {
    if (slots.length === 0) return;
    const code = Array.from(slots, (slot) => `s[${B + slot}] = 0;`).join(" ");
    byCode.set(code, [...(byCode.get(code) ?? []), pc]);
  });
  if (byCode.size === 0) return "";
  const cases = [...byCode].map(([code, pcs]) => `${pcs.map((pc) => `case ${pc}:`).join(" ")} ${code} break;`);
  return `switch (pc) {\n${cases.join("\n")}\n  }`;
}
