// Front half of the pipeline as one call: source text -> parsed program -> step IR.

import { Cond, Program } from "../frontend/ast.js";
import { SourceFile, fail, makeSourceFile } from "../frontend/diagnostics.js";
import { isPlainHerd7Test } from "../frontend/header.js";
import { parseProgram } from "../frontend/parser.js";
import { FinalAtom, FinalExpr, ModelIR, ObservedLoc } from "./ir.js";
import { Layouts } from "./layout.js";
import { ProcLowerer } from "./lower.js";
import { SharedMemory } from "./memory.js";
import { compactSlots, propagateConstants } from "./slots.js";

export type IncludeResolver = (name: string, from: SourceFile, kernel: string) => { path: string; text: string } | null;

export interface CompileOptions {
  refcountBits?: number;
  /** How `#include <name>` finds its file: the Node entry reads prelude/ from disk, the browser passes a map. */
  resolveInclude?: IncludeResolver;
  /** The prelude headers by path under prelude/ (e.g. "v5.7/linux/mm.h"), for hosts without a file system. */
  prelude?: Map<string, string>;
  /** The kernel model (--kernel): overrides the scenario's `Kernel:` line (src/frontend/kernel.ts). */
  kernel?: string;
}

export interface Compiled {
  program: Program;
  model: ModelIR;
}

export function preludeResolver(prelude: Map<string, string>): IncludeResolver {
  return (name, _from, kernel) => {
    const text = prelude.get(`${kernel}/${name}`);
    return text === undefined ? null : { path: `prelude/${kernel}/${name}`, text };
  };
}

export function compileSource(path: string, text: string, opts: CompileOptions = {}): Compiled {
  const file = makeSourceFile(path, text);
  const resolve = opts.resolveInclude ?? preludeResolver(opts.prelude ?? new Map());
  const program = parseProgram(file, { resolveInclude: resolve, ...(opts.kernel !== undefined ? { kernel: opts.kernel } : {}) });
  if (program.processes.length === 0) fail({ file, offset: 0, line: 1, col: 1 }, "no processes: write at least P0(...) { ... }");
  return { program, model: lowerProgram(program, opts) };
}

export function lowerProgram(prog: Program, opts: CompileOptions = {}): ModelIR {
  if (prog.processes.length === 0) fail({ file: makeSourceFile(prog.files[0], ""), offset: 0, line: 1, col: 1 }, "no processes: write at least P0(...) { ... }");
  const bitsSetting = prog.settings.get("refcount-bits");
  const refcountBits = opts.refcountBits ?? (bitsSetting ? Number(bitsSetting) : undefined);
  const layouts = new Layouts(prog.structs, prog.processes.length);
  const mem = new SharedMemory(prog, layouts, { refcountBits });
  mem.allocate();
  mem.initialise();

  const lowerers = prog.processes.map((p, i) => new ProcLowerer(prog, mem, layouts, i));
  const processes = prog.processes.map((p, i) => lowerers[i].lowerProcess(p));

  // A plain herd7 test (a final condition, no Expect: line): herd7's leniency applies.
  const herd7 = isPlainHerd7Test(prog);
  // herd7 register initialisers `0:r1 = 5;`
  for (const d of prog.shared) {
    const m = /^(\d+):(.+)$/.exec(d.name);
    if (!m) continue;
    const proc = processes[Number(m[1])];
    if (!proc) fail(d.loc, `there is no process P${m[1]}`);
    const slot = proc.registers.get(m[2]);
    // herd7 accepts an initialiser for a register the process never uses (and ignores it).
    if (slot === undefined && herd7) continue;
    if (slot === undefined) fail(d.loc, `P${m[1]} has no variable '${m[2]}'`);
    proc.initLocals.set(slot, mem.constValue(d.init!));
  }

  const usesRcu = lowerers.some((l) => l.usesRcu);
  const n = processes.length;
  // Grace-period wait masks have one bit per process in a 32-bit cell.
  const usesSrcu = (pid: number) => processes[pid].code.some((i) => i.op.startsWith("srcu_"));
  if (n > 32) {
    const pid = processes.findIndex((_, q) => lowerers[q].usesRcu || usesSrcu(q));
    if (pid >= 0) fail(prog.processes[pid].loc, `RCU and SRCU grace periods support at most 32 processes (this test has ${n})`);
  }
  const rcuNesting = usesRcu ? mem.allocHidden("rcu_nesting", n) : -1;
  const rcuWait = usesRcu ? mem.allocHidden("rcu_gp_wait", n) : -1;

  const observed: ObservedLoc[] = [];
  const seen = new Set<string>();
  const observe = (proc: number | null, name: string, field: string | null, loc: { file: SourceFile; offset: number; line: number; col: number }): ObservedLoc => {
    const label = (proc === null ? name : `${proc}:${name}`) + (field ? `.${field}` : "");
    let o: ObservedLoc;
    if (proc !== null) {
      const p = processes[proc];
      if (!p) fail(loc, `there is no process P${proc}`);
      let slot = p.registers.get(name);
      if (slot === undefined && herd7 && /^[A-Za-z_]\w*$/.test(name)) {
        // herd7 reports a register the process never mentions: an implicit register, always 0.
        slot = p.locals.push({ name, bits: 32, signed: true, isPointer: false, user: true }) - 1;
        p.registers.set(name, slot);
      }
      if (slot === undefined) fail(loc, `P${proc} has no variable '${name}'`);
      o = { label, kind: "reg", proc, slot, addr: -1, pointer: p.locals[slot].isPointer };
    } else {
      const g = mem.global(name);
      if (!g) fail(loc, `no shared location '${name}'`);
      let addr = g.addr;
      let t = g.type;
      if (field) {
        if (t.kind !== "struct") fail(loc, `'${name}' is not a struct`);
        const f = layouts.field(t.name, field, loc);
        addr += f.offset;
        t = f.type;
      } else if (t.kind === "struct") fail(loc, `'${name}' is a struct: name one of its fields, e.g. ${name}._refcount`);
      o = { label, kind: "mem", proc: -1, slot: -1, addr, pointer: t.kind === "ptr" };
    }
    if (!seen.has(label)) {
      seen.add(label);
      observed.push(o);
    }
    return o;
  };

  const lowerCond = (c: Cond): FinalExpr => {
    switch (c.k) {
      case "and":
      case "or":
        return { k: c.k, a: lowerCond(c.left), b: lowerCond(c.right) };
      case "not":
        return { k: "not", a: lowerCond(c.arg) };
      case "true":
      case "false":
        return { k: "const", v: c.k === "true" };
      case "atom": {
        const o = observe(c.proc, c.name, c.field, c.loc);
        const value = mem.constValue(c.value);
        const atom: FinalAtom = { kind: o.kind, proc: o.proc, slot: o.slot, addr: o.addr, value, negate: c.op === "!=", label: o.label };
        if (c.rhs) {
          const r = observe(c.rhs.proc, c.rhs.name, null, c.rhs.loc);
          atom.rhs = { kind: "reg", proc: r.proc, slot: r.slot };
        }
        return { k: "atom", atom };
      }
    }
  };

  // herd7 compares with a location named nowhere else as with any address (a new location).
  mem.lateImplicit = herd7;
  for (const l of prog.locations) observe(l.proc, l.name, null, l.loc);
  const final = prog.final ? { quant: prog.final.quant, cond: lowerCond(prog.final.cond) } : null;
  const filter = prog.filter ? lowerCond(prog.filter) : null;

  const model0: ModelIR = { name: "", cells: mem.cells, processes, final, filter, observed, rcuNesting, rcuWait, srcuStructs: mem.srcuBases, addrNames: new Map() };
  // Constants into the code, then share state-vector words between locals never live together.
  const colors = processes.map((p, pid) => {
    const keep = new Set(observed.filter((o) => o.kind === "reg" && o.proc === pid).map((o) => o.slot));
    const { proc, color } = compactSlots(propagateConstants(p, model0, keep), keep);
    processes[pid] = proc;
    return color;
  });
  for (const o of observed) if (o.kind === "reg") o.slot = colors[o.proc][o.slot];
  const remap = (e: FinalExpr | null): void => {
    if (!e) return;
    if (e.k === "atom") {
      if (e.atom.kind === "reg") e.atom.slot = colors[e.atom.proc][e.atom.slot];
      if (e.atom.rhs) e.atom.rhs.slot = colors[e.atom.rhs.proc][e.atom.rhs.slot];
    } else if (e.k === "not") remap(e.a);
    else if (e.k === "and" || e.k === "or") {
      remap(e.a);
      remap(e.b);
    }
  };
  remap(final?.cond ?? null);
  remap(filter);

  return { name: prog.name || prog.files[0], cells: mem.cells, processes, final, filter, observed, rcuNesting, rcuWait, srcuStructs: mem.srcuBases, addrNames: mem.addressNames() };
}
