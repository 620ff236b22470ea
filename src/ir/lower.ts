// Lowering: syntax tree -> step IR. Helper functions are inlined at each call (so the
// trace can show the call site and the primitive inside it); expressions are flattened so
// that each shared access is its own instruction; locals become numbered slots.

import { Expr, FunctionDef, Program, Stmt, TypeRef } from "../frontend/ast.js";
import { Loc, fail, lineText } from "../frontend/diagnostics.js";
import { isPlainHerd7Test } from "../frontend/header.js";
import { lookupBuiltin } from "./builtins.js";
import { BinOp, Instr, LExpr, LocalInfo, ProcessIR, Src } from "./ir.js";
import { INT32, Layouts, isLockType, scalarWidth } from "./layout.js";
import { SharedMemory } from "./memory.js";

export interface Val {
  e: LExpr;
  t: TypeRef;
}

export type LVal =
  | { k: "local"; slot: number; t: TypeRef; name: string; loc: Loc }
  | { k: "mem"; addr: LExpr; t: TypeRef; isConst: boolean; loc: Loc };

interface Label {
  pc: number;
  fixups: number[];
}

interface FnCtx {
  name: string;
  retSlot: number;
  retType: TypeRef;
  exit: Label;
  labels: Map<string, { label: Label; defined: boolean; loc: Loc; insideAtomic: boolean; gotoLocs: Loc[] }>;
  breaks: { label: Label; atomic: number }[];
  continues: { label: Label; atomic: number }[];
  atomicAtEntry: number;
}

const MAX_INLINE_DEPTH = 64;

export class ProcLowerer {
  readonly code: Instr[] = [];
  readonly locals: LocalInfo[] = [];
  readonly registers = new Map<string, number>();
  readonly initLocals = new Map<number, number>();
  private scopes: Map<string, { slot: number; t: TypeRef }>[] = [];
  private calls: Src["calls"] = [];
  private active = new Set<string>();
  private fn!: FnCtx;
  private cur!: Src;
  atomicDepth = 0;
  usesRcu = false;
  readonly fences: NonNullable<ProcessIR["fences"]> = [];
  private assignedNames = new Set<string>();
  private readonly paramSlots = new Set<number>();
  /** A plain herd7 test (a final condition, no Expect: line): herd7's leniency applies. */
  private readonly herd7: boolean;

  constructor(
    readonly prog: Program,
    readonly mem: SharedMemory,
    readonly layouts: Layouts,
    readonly procIndex: number,
  ) {
    this.herd7 = isPlainHerd7Test(prog);
  }

  // ---- entry ---------------------------------------------------------------
  lowerProcess(def: FunctionDef): ProcessIR {
    this.scopes = [new Map()];
    this.fn = this.newFnCtx(def.name, { kind: "void" });
    this.cur = this.srcFor(def.loc);
    for (const p of def.params) {
      // herd7: a parameter `int *x` names the shared location x.
      const slot = this.declare(p.name, p.type, p.loc, true);
      this.paramSlots.add(slot);
      const addr = this.mem.paramBinding(p.name, p.type, p.loc);
      this.initLocals.set(slot, addr);
    }
    this.assignedNames = assignedNames(def.body);
    // A register the init block gives a value (`0:r4=x2;`) is assigned too.
    for (const d of this.prog.shared) {
      const m = /^(\d+):(.+)$/.exec(d.name);
      if (m && Number(m[1]) === this.procIndex) this.assignedNames.add(m[2]);
    }
    for (const s of def.body) this.stmt(s);
    this.place(this.fn.exit);
    this.checkLabels();
    this.cur = this.srcFor(def.loc, "(process ends)");
    this.emit({ op: "end", src: this.cur });
    this.patch();
    return { name: def.name, code: this.code, locals: this.locals, registers: this.registers, initLocals: this.initLocals, fences: this.fences };
  }

  private newFnCtx(name: string, retType: TypeRef): FnCtx {
    const retSlot = retType.kind === "void" ? -1 : this.newLocal(`${name}()`, retType, false);
    return { name, retSlot, retType, exit: this.newLabel(), labels: new Map(), breaks: [], continues: [], atomicAtEntry: this.atomicDepth };
  }

  // ---- emission helpers ----------------------------------------------------
  emit(ins: Instr): number {
    this.code.push(ins);
    return this.code.length - 1;
  }
  src(): Src {
    return this.cur;
  }
  srcFor(loc: Loc, text?: string): Src {
    return { loc, text: text ?? lineText(loc.file, loc.line).trim(), calls: this.calls };
  }
  private readonly allLabels: Label[] = [];
  newLabel(): Label {
    const l: Label = { pc: -1, fixups: [] };
    this.allLabels.push(l);
    return l;
  }
  place(l: Label): void {
    l.pc = this.code.length;
  }
  jmp(l: Label): void {
    l.fixups.push(this.emit({ op: "jmp", target: -1, src: this.cur }));
  }
  br(cond: LExpr, l: Label): void {
    l.fixups.push(this.emit({ op: "br", cond, target: -1, src: this.cur }));
  }
  private patch(): void {
    for (const l of this.allLabels) {
      for (const at of l.fixups) {
        const ins = this.code[at];
        if (ins.op === "jmp" || ins.op === "br") ins.target = l.pc;
      }
    }
  }
  newLocal(name: string, t: TypeRef, user: boolean): number {
    const w = scalarWidth(t);
    this.locals.push({ name, bits: w.bits, signed: w.signed, isPointer: t.kind === "ptr", user });
    return this.locals.length - 1;
  }
  temp(t: TypeRef = INT32): number {
    return this.newLocal(`t${this.locals.length}`, t, false);
  }
  /** Evaluate into a fresh temporary (used when a value must survive later side effects). */
  toTemp(v: Val): Val {
    if (v.e.k === "const" || v.e.k === "local") return v;
    const slot = this.temp(v.t);
    this.emit({ op: "set", dst: slot, e: v.e, src: this.cur });
    return { e: { k: "local", slot }, t: v.t };
  }

  private declare(name: string, t: TypeRef, loc: Loc, user: boolean): number {
    if (t.kind === "struct") fail(loc, `local variables of type struct ${t.name} are not supported; use a pointer to a shared object`);
    if (t.kind === "void") fail(loc, "a variable cannot have type void");
    if (t.kind === "named" && !/^atomic/.test(t.name) && !isLockType(t)) fail(loc, `unknown type '${t.name}'`);
    const scope = this.scopes[this.scopes.length - 1];
    const again = scope.get(name);
    // herd7 accepts a register declared twice in a process: the same register.
    if (again && this.herd7 && this.scopes.length === 1 && sameType(again.t, t)) return again.slot;
    if (again) fail(loc, `'${name}' is already declared in this scope`);
    const slot = this.newLocal(name, t, user);
    scope.set(name, { slot, t });
    // The process body's own variables are its herd7 registers (for the final condition).
    if (this.calls.length === 0 && !this.registers.has(name)) this.registers.set(name, slot);
    return slot;
  }

  /**
   * A busy-wait loop — `while (READ_ONCE(*x) != 0) cpu_relax();`, or `do { } while (...)` —
   * is lowered as `await(!(test))`: one blocking step instead of a step that loops back to
   * itself. The rule: the body does nothing under SC (empty, or only cpu_relax(), barrier()
   * and other no-op hints), and the test reads shared memory exactly once and has no other
   * effect. Then one evaluation of the test is one step either way, and the loop leaves
   * exactly when such a step sees the test false: the reachable states are the same; the
   * spinning process is shown as blocked (so a wait that can never end is a deadlock, and
   * liveness sees no self-loop). docs/format.md states the rule.
   */
  private busyWait(test: Expr, body: Stmt): boolean {
    if (!isIdleBody(body)) return false;
    const reads = this.sharedReads(test);
    if (reads !== 1) return false;
    this.awaitOn({ k: "unary", loc: test.loc, op: "!", arg: test }, exprEnd(test));
    return true;
  }

  /**
   * The other spelling of a wait: `for (;;) { if (READ_ONCE(*x)) break; cpu_relax(); }` (or
   * `while (1)`, `do ... while (1)`): an endless loop whose body is one `if (test) break;` among
   * idle statements. It leaves exactly when a one-read evaluation of the test is true, so it
   * is `await(test)`, under the same rule as busyWait.
   */
  private breakWait(body: Stmt): boolean {
    const stmts = body.k === "block" ? body.body : [body];
    const exits = stmts.filter((x) => !isIdleBody(x));
    if (exits.length !== 1) return false;
    const e = exits[0];
    if (e.k !== "if" || e.else || !(e.then.k === "break" || (e.then.k === "block" && e.then.body.length === 1 && e.then.body[0].k === "break"))) return false;
    if (this.sharedReads(e.test) !== 1) return false;
    this.awaitOn(e.test);
    return true;
  }

  /** Lowers the wait as `await(cond)` would be: one blocking step. */
  private awaitOn(cond: Expr, end = exprEnd(cond)): void {
    this.rvDiscard({ k: "call", loc: cond.loc, callee: "await", calleeLoc: cond.loc, args: [cond], end });
  }

  /** Shared reads the expression makes, or -1 if it has any other effect (a call, a write). */
  private sharedReads(e: Expr): number {
    switch (e.k) {
      case "num":
      case "str":
        return 0;
      case "name":
        return this.lookupLocal(e.name) || this.prog.defines.has(e.name) ? 0 : this.mem.global(e.name) ? 1 : -1;
      case "unary": {
        if (e.op === "&") return this.addressReads(e.arg);
        const a = this.sharedReads(e.arg);
        return a < 0 ? -1 : e.op === "*" ? a + 1 : a;
      }
      case "cast":
        return this.sharedReads(e.arg);
      case "binary": {
        const a = this.sharedReads(e.left);
        const b = this.sharedReads(e.right);
        return a < 0 || b < 0 ? -1 : a + b;
      }
      case "cond": {
        const parts = [e.test, e.then, e.else].map((x) => this.sharedReads(x));
        return parts.some((x) => x < 0) ? -1 : parts.reduce((x, y) => x + y, 0);
      }
      case "member": {
        const o = this.sharedReads(e.obj);
        return !e.arrow || o < 0 ? o : o + 1;
      }
      case "call": {
        // READ_ONCE(*p) and friends take an lvalue (only its address is computed); the
        // others take pointers and numbers as values.
        const lvalueArg = LVALUE_READS.has(e.callee);
        if (!lvalueArg && !SHARED_READS.has(e.callee)) return -1;
        let n = 1;
        for (const a of e.args) {
          const r = lvalueArg ? this.addressReads(a) : this.sharedReads(a);
          if (r < 0) return -1;
          n += r;
        }
        return n;
      }
      default:
        return -1;
    }
  }

  /** Shared reads made to compute the address of the lvalue e (not to read e itself), or -1. */
  private addressReads(e: Expr): number {
    if (e.k === "name") return 0;
    if (e.k === "unary" && e.op === "*") return this.sharedReads(e.arg);
    if (e.k === "member") return e.arrow ? this.sharedReads(e.obj) : this.addressReads(e.obj);
    return -1;
  }

  private declareImplicitRegister(name: string, loc: Loc): number {
    const inner = this.scopes;
    this.scopes = [inner[0]];
    try {
      return this.declare(name, INT32, loc, true);
    } finally {
      this.scopes = inner;
    }
  }

  private lookupLocal(name: string): { slot: number; t: TypeRef } | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const hit = this.scopes[i].get(name);
      if (hit) return hit;
    }
    return undefined;
  }

  // ---- statements ----------------------------------------------------------
  private stmt(s: Stmt): void {
    this.cur = "end" in s ? this.srcFor(s.loc, spanText(s.loc, s.end)) : this.srcFor(s.loc);
    switch (s.k) {
      case "decl": {
        // As in C, the new name is in scope inside its own initialiser (`int r4 = (r1 != r4);`).
        const slot = this.declare(s.name, s.type, s.loc, true);
        let init: Val | null = null;
        if (s.init) {
          if (s.init.k === "init") fail(s.init.loc, "brace initialisers are only allowed for shared objects in the init block");
          init = this.rv(s.init);
        }
        this.assignLocal(slot, s.type, init ? init.e : { k: "const", v: 0 });
        return;
      }
      case "expr":
        this.rvDiscard(s.expr);
        return;
      case "if": {
        const c = this.rv(s.test);
        const elseL = this.newLabel();
        const endL = this.newLabel();
        this.br({ k: "un", op: "!", a: c.e }, s.else ? elseL : endL);
        this.block([s.then]);
        if (s.else) {
          this.jmp(endL);
          this.place(elseL);
          this.block([s.else]);
        }
        this.place(endL);
        return;
      }
      case "while": {
        if (this.busyWait(s.test, s.body) || (isTrue(s.test) && this.breakWait(s.body))) return;
        const top = this.newLabel();
        const endL = this.newLabel();
        this.place(top);
        const c = this.rv(s.test);
        this.br({ k: "un", op: "!", a: c.e }, endL);
        this.loopBody(s.body, endL, top);
        this.cur = this.srcFor(s.loc);
        this.jmp(top);
        this.place(endL);
        return;
      }
      case "do": {
        if (this.busyWait(s.test, s.body) || (isTrue(s.test) && this.breakWait(s.body))) return;
        const top = this.newLabel();
        const cont = this.newLabel();
        const endL = this.newLabel();
        this.place(top);
        this.loopBody(s.body, endL, cont);
        this.place(cont);
        this.cur = this.srcFor(s.test.loc);
        const c = this.rv(s.test);
        this.br(c.e, top);
        this.place(endL);
        return;
      }
      case "for": {
        if (!s.init && !s.update && (!s.test || isTrue(s.test)) && this.breakWait(s.body)) return;
        this.scopes.push(new Map());
        if (s.init) this.stmt(s.init);
        const top = this.newLabel();
        const cont = this.newLabel();
        const endL = this.newLabel();
        this.place(top);
        if (s.test) {
          this.cur = this.srcFor(s.test.loc);
          const c = this.rv(s.test);
          this.br({ k: "un", op: "!", a: c.e }, endL);
        }
        this.loopBody(s.body, endL, cont);
        this.place(cont);
        if (s.update) {
          this.cur = this.srcFor(s.update.loc);
          this.rvDiscard(s.update);
        }
        this.jmp(top);
        this.place(endL);
        this.scopes.pop();
        return;
      }
      case "switch":
        return this.switchStmt(s);
      case "case":
        fail(s.loc, `'${s.value ? "case" : "default"}' outside a switch (or nested inside a block of the switch)`);
      case "break": {
        const b = this.fn.breaks[this.fn.breaks.length - 1];
        if (!b) fail(s.loc, "'break' outside a loop or switch");
        this.leaveAtomic(b.atomic);
        this.jmp(b.label);
        return;
      }
      case "continue": {
        const c = this.fn.continues[this.fn.continues.length - 1];
        if (!c) fail(s.loc, "'continue' outside a loop");
        this.leaveAtomic(c.atomic);
        this.jmp(c.label);
        return;
      }
      case "return": {
        if (s.value) {
          if (this.fn.retSlot < 0) fail(s.loc, `'${this.fn.name}' returns void but a value is returned`);
          const v = this.rv(s.value);
          this.assignLocal(this.fn.retSlot, this.fn.retType, v.e);
        } else if (this.fn.retSlot >= 0) fail(s.loc, `'${this.fn.name}' must return a value`);
        this.leaveAtomic(this.fn.atomicAtEntry);
        this.jmp(this.fn.exit);
        return;
      }
      case "goto": {
        // A goto may leave __atomic blocks (the jump ends them: the step goes on through local
        // code at the target); it may not enter one.
        const l = this.labelFor(s.label, s.loc);
        if (l.defined && l.insideAtomic) fail(s.loc, `goto into an __atomic block (label '${s.label}') is not supported`);
        l.gotoLocs.push(s.loc);
        this.leaveAtomic(this.fn.atomicAtEntry);
        this.jmp(l.label);
        return;
      }
      case "label": {
        const l = this.labelFor(s.label, s.loc);
        if (l.defined) fail(s.loc, `label '${s.label}' is defined twice`);
        l.defined = true;
        l.insideAtomic = this.atomicDepth > this.fn.atomicAtEntry;
        if (l.insideAtomic && l.gotoLocs.length) fail(l.gotoLocs[0], `goto into an __atomic block (label '${s.label}') is not supported`);
        this.place(l.label);
        // SPIN's convention: a label starting with "progress" marks a progress point.
        if (/^progress/.test(s.label)) this.emit({ op: "progress", src: this.cur });
        return;
      }
      case "block":
        this.block(s.body);
        return;
      case "atomic":
        this.emit({ op: "atomic_begin", src: this.cur });
        this.atomicDepth++;
        this.block(s.body);
        this.atomicDepth--;
        this.cur = this.srcFor(s.loc);
        this.emit({ op: "atomic_end", src: this.cur });
        return;
      case "empty":
        return;
    }
  }

  private block(body: Stmt[]): void {
    this.scopes.push(new Map());
    for (const s of body) this.stmt(s);
    this.scopes.pop();
  }

  private loopBody(body: Stmt, endL: Label, contL: Label): void {
    this.fn.breaks.push({ label: endL, atomic: this.atomicDepth });
    this.fn.continues.push({ label: contL, atomic: this.atomicDepth });
    this.block([body]);
    this.fn.breaks.pop();
    this.fn.continues.pop();
  }

  private leaveAtomic(depth: number): void {
    for (let d = this.atomicDepth; d > depth; d--) this.emit({ op: "atomic_end", src: this.cur });
  }

  private switchStmt(s: Extract<Stmt, { k: "switch" }>): void {
    const v = this.toTemp(this.rv(s.test));
    const body = s.body.k === "block" ? s.body.body : [s.body];
    const endL = this.newLabel();
    const caseLabels = new Map<Stmt, Label>();
    let defaultL: Label | null = null;
    for (const c of body) {
      if (c.k !== "case") continue;
      const l = this.newLabel();
      caseLabels.set(c, l);
      if (!c.value) defaultL = l;
      else {
        const cv = this.constEval(c.value);
        this.br({ k: "bin", op: "==", a: v.e, b: { k: "const", v: cv }, unsigned: false }, l);
      }
    }
    this.jmp(defaultL ?? endL);
    this.fn.breaks.push({ label: endL, atomic: this.atomicDepth });
    this.scopes.push(new Map());
    for (const c of body) {
      const l = caseLabels.get(c);
      if (l) this.place(l);
      else this.stmt(c);
    }
    this.scopes.pop();
    this.fn.breaks.pop();
    this.place(endL);
  }

  private labelFor(name: string, loc: Loc): { label: Label; defined: boolean; loc: Loc; insideAtomic: boolean; gotoLocs: Loc[] } {
    let l = this.fn.labels.get(name);
    if (!l) {
      l = { label: this.newLabel(), defined: false, loc, insideAtomic: false, gotoLocs: [] };
      this.fn.labels.set(name, l);
    }
    return l;
  }

  private checkLabels(): void {
    for (const [name, l] of this.fn.labels) if (!l.defined) fail(l.loc, `label '${name}' is used but not defined`);
  }

  // ---- expressions ---------------------------------------------------------
  /** Value of an expression whose result is not used (statement context). */
  rvDiscard(e: Expr): void {
    if (e.k === "incdec") {
      this.assignOp(e.arg, e.op === "++" ? "+" : "-", { e: { k: "const", v: 1 }, t: INT32 });
      return;
    }
    this.rv(e);
  }

  rv(e: Expr): Val {
    switch (e.k) {
      case "num":
        return { e: { k: "const", v: e.value }, t: INT32 };
      case "str":
        fail(e.loc, "strings are only allowed as arguments of WARN() and the like");
      case "name": {
        const local = this.lookupLocal(e.name);
        if (local) return { e: { k: "local", slot: local.slot }, t: local.t };
        const def = this.prog.defines.get(e.name);
        if (def) return this.rv(def);
        const arr = this.mem.arrayBase(e.name);
        if (arr) return { e: { k: "const", v: arr.addr }, t: { kind: "ptr", to: arr.elem } };
        return this.read(this.lv(e));
      }
      case "unary": {
        if (e.op === "&") return this.addressOf(e.arg);
        if (e.op === "*") return this.read(this.lv(e));
        const a = this.rv(e.arg);
        if (e.op === "+") return a;
        if (e.op === "!") return { e: { k: "un", op: "!", a: a.e }, t: { kind: "bool" } };
        return { e: { k: "un", op: e.op as "-" | "~", a: a.e }, t: promote(a.t) };
      }
      case "incdec": {
        const lv = this.lv(e.arg);
        const old = this.toTemp(this.read(lv));
        const nv = this.arith(e.op === "++" ? "+" : "-", old, { e: { k: "const", v: 1 }, t: INT32 }, e.loc);
        const stored = this.write(lv, nv);
        return e.prefix ? stored : old;
      }
      case "binary":
        return this.binary(e);
      case "assign": {
        if (e.op === "=") {
          const lv = this.lv(e.target);
          const v = this.rv(e.value);
          return this.write(lv, v);
        }
        return this.assignOp(e.target, e.op.slice(0, -1), this.rv(e.value));
      }
      case "cond": {
        const c = this.rv(e.test);
        if (this.isPure(e.then) && this.isPure(e.else)) {
          const a = this.rv(e.then);
          const b = this.rv(e.else);
          return { e: { k: "cond", c: c.e, a: a.e, b: b.e }, t: a.t };
        }
        const slot = this.temp(INT32);
        const elseL = this.newLabel();
        const endL = this.newLabel();
        this.br({ k: "un", op: "!", a: c.e }, elseL);
        const av = this.rv(e.then);
        this.emit({ op: "set", dst: slot, e: av.e, src: this.cur });
        this.jmp(endL);
        this.place(elseL);
        const bv = this.rv(e.else);
        this.emit({ op: "set", dst: slot, e: bv.e, src: this.cur });
        this.place(endL);
        return { e: { k: "local", slot }, t: av.t };
      }
      case "call":
        return this.call(e);
      case "member":
      case "index":
        return this.read(this.lv(e));
      case "cast": {
        const a = this.rv(e.arg);
        if (e.type.kind === "int" || e.type.kind === "bool") return { e: wrapTo(a.e, e.type), t: e.type };
        return { e: a.e, t: e.type };
      }
      case "init":
        fail(e.loc, "brace initialisers are only allowed in declarations of shared objects");
    }
  }

  private binary(e: Extract<Expr, { k: "binary" }>): Val {
    if (e.op === "&&" || e.op === "||") {
      const a = this.rv(e.left);
      if (this.isPure(e.right)) {
        const b = this.rv(e.right);
        return { e: { k: "bin", op: e.op, a: a.e, b: b.e, unsigned: false }, t: { kind: "bool" } };
      }
      // Short-circuit: the right side has effects (a shared access, a call), so branch.
      const endL = this.newLabel();
      const slot = this.temp({ kind: "bool" });
      this.emit({ op: "set", dst: slot, e: { k: "bool", a: a.e }, src: this.cur });
      this.br(e.op === "&&" ? { k: "un", op: "!", a: { k: "local", slot } } : { k: "local", slot }, endL);
      const b = this.rv(e.right);
      this.emit({ op: "set", dst: slot, e: { k: "bool", a: b.e }, src: this.cur });
      this.place(endL);
      return { e: { k: "local", slot }, t: { kind: "bool" } };
    }
    let a = this.rv(e.left);
    // The left value must survive whatever evaluating the right side does.
    if (!this.isPure(e.right)) a = this.toTemp(a);
    const b = this.rv(e.right);
    return this.arith(e.op, a, b, e.loc);
  }

  /** True when evaluating `e` emits no instruction: constants, locals, defines, operators. */
  isPure(e: Expr): boolean {
    switch (e.k) {
      case "num":
        return true;
      case "name":
        return !!this.lookupLocal(e.name) || this.prog.defines.has(e.name) || !!this.mem.arrayBase(e.name);
      case "unary":
        if (e.op === "&") return e.arg.k === "name" && !this.lookupLocal(e.arg.name) ? true : false;
        return e.op !== "*" && this.isPure(e.arg);
      case "binary":
        return e.op !== "/" && e.op !== "%" && this.isPure(e.left) && this.isPure(e.right);
      case "cond":
        return this.isPure(e.test) && this.isPure(e.then) && this.isPure(e.else);
      case "cast":
        return this.isPure(e.arg);
      default:
        return false;
    }
  }

  arith(op: string, a: Val, b: Val, loc: Loc): Val {
    const ptrA = a.t.kind === "ptr";
    const ptrB = b.t.kind === "ptr";
    if ((op === "+" || op === "-") && ptrA && !ptrB) {
      const size = this.layouts.size(a.t.kind === "ptr" ? a.t.to : INT32, loc);
      const off: LExpr = size === 1 ? b.e : { k: "bin", op: "*", a: b.e, b: { k: "const", v: size }, unsigned: false };
      return { e: { k: "bin", op: op as BinOp, a: a.e, b: off, unsigned: false }, t: a.t };
    }
    const unsigned = isUnsigned32(a.t) || isUnsigned32(b.t);
    if ((op === "/" || op === "%") && b.e.k !== "const") {
      this.emit({ op: "check", kind: "assert", cond: { k: "un", op: "!", a: b.e }, msg: "division by zero", src: this.cur });
    } else if ((op === "/" || op === "%") && b.e.k === "const" && b.e.v === 0) fail(loc, "division by zero");
    const cmp = ["==", "!=", "<", ">", "<=", ">="].includes(op);
    const t: TypeRef = cmp ? { kind: "bool" } : unsigned ? { kind: "int", bits: 32, signed: false, name: "unsigned int" } : ptrA ? a.t : INT32;
    if (op === ">>" && !unsigned && isUnsigned32(a.t)) return { e: { k: "bin", op: ">>", a: a.e, b: b.e, unsigned: true }, t };
    return { e: { k: "bin", op: op as BinOp, a: a.e, b: b.e, unsigned }, t };
  }

  private assignOp(target: Expr, op: string, rhs: Val): Val {
    const lv = this.lv(target);
    const old = this.read(lv);
    return this.write(lv, this.arith(op, old, rhs, target.loc));
  }

  // ---- lvalues, reads, writes ----------------------------------------------
  lv(e: Expr): LVal {
    switch (e.k) {
      case "name": {
        const local = this.lookupLocal(e.name);
        if (local) return { k: "local", slot: local.slot, t: local.t, name: e.name, loc: e.loc };
        const g = this.mem.global(e.name);
        if (g) return { k: "mem", addr: { k: "const", v: g.addr }, t: g.type, isConst: false, loc: e.loc };
        if (this.prog.defines.has(e.name)) fail(e.loc, `'${e.name}' is a constant, not a variable`);
        if (this.calls.length === 0 && (this.herd7 || this.assignedNames.has(e.name))) {
          // herd7 lets a process use a register it never declares: an implicit int local to
          // the process, 0 until assigned (the final condition may name it). In a pageproof
          // scenario (an Expect: line) only names the body assigns: one that is only ever read
          // is a typo there. Helper functions get no such licence.
          const slot = this.declareImplicitRegister(e.name, e.loc);
          return { k: "local", slot, t: INT32, name: e.name, loc: e.loc };
        }
        fail(e.loc, `undefined name '${e.name}'`);
      }
      case "unary":
        if (e.op === "*") {
          const p = this.rv(e.arg);
          const to = p.t.kind === "ptr" ? p.t.to : INT32;
          return { k: "mem", addr: p.e, t: to, isConst: false, loc: e.loc };
        }
        break;
      case "member": {
        let base: LExpr;
        let st: TypeRef;
        if (e.arrow) {
          const p = this.rv(e.obj);
          if (p.t.kind !== "ptr" || p.t.to.kind !== "struct") fail(e.loc, `'->${e.field}' needs a pointer to a struct`);
          base = p.e;
          st = p.t.to;
        } else {
          const o = this.lv(e.obj);
          if (o.k !== "mem" || o.t.kind !== "struct") fail(e.loc, `'.${e.field}' needs a struct object`);
          base = o.addr;
          st = o.t;
        }
        if (st.kind !== "struct") fail(e.loc, "not a struct");
        const f = this.layouts.field(st.name, e.field, e.loc);
        // Through a pointer that may be NULL, a field's address is NULL too, not 0 + offset: the
        // access is then the NULL pointer dereference it is in the kernel, instead of touching
        // whichever cell has the field's offset as its address.
        const shifted: LExpr = { k: "bin", op: "+", a: base, b: { k: "const", v: f.offset }, unsigned: false };
        const addr: LExpr = f.offset === 0 ? base : base.k === "const" ? { k: "const", v: base.v + f.offset } : e.arrow ? { k: "cond", c: base, a: shifted, b: { k: "const", v: 0 } } : shifted;
        return { k: "mem", addr, t: f.type, isConst: f.isConst, loc: e.loc };
      }
      case "index": {
        const p = this.rv(e.obj);
        if (p.t.kind !== "ptr") fail(e.loc, "indexing needs an array or a pointer");
        const i = this.rv(e.index);
        const a = this.arith("+", p, i, e.loc);
        return { k: "mem", addr: a.e, t: p.t.to, isConst: false, loc: e.loc };
      }
      case "cast":
        return this.lv(e.arg);
      default:
        break;
    }
    fail(e.loc, "expected something that can be assigned (a variable, *p, p->field)");
  }

  read(lv: LVal): Val {
    if (lv.k === "local") return { e: { k: "local", slot: lv.slot }, t: lv.t };
    if (lv.t.kind === "struct") fail(lv.loc, "a whole struct cannot be read; access one of its fields");
    const slot = this.temp(lv.t);
    // A const field never changes after the init block: reading it is local, not a step.
    this.emit({ op: "load", dst: slot, addr: lv.addr, src: this.cur, constCell: lv.isConst || undefined });
    return { e: { k: "local", slot }, t: lv.t };
  }

  write(lv: LVal, v: Val): Val {
    if (lv.k === "local") {
      this.assignLocal(lv.slot, lv.t, v.e);
      return { e: { k: "local", slot: lv.slot }, t: lv.t };
    }
    if (lv.isConst) fail(lv.loc, "cannot assign to a const field");
    if (lv.t.kind === "struct") fail(lv.loc, "a whole struct cannot be assigned; assign its fields");
    const val = this.toTemp({ e: wrapTo(v.e, lv.t), t: lv.t });
    this.emit({ op: "store", addr: lv.addr, val: val.e, src: this.cur });
    return val;
  }

  assignLocal(slot: number, t: TypeRef, e: LExpr): void {
    this.emit({ op: "set", dst: slot, e: wrapTo(e, t), src: this.cur });
  }

  private addressOf(e: Expr): Val {
    const lv = this.lv(e);
    // herd7 reads `&x` of a parameter `atomic_t *x` as the location x itself.
    if (lv.k === "local" && this.herd7 && this.paramSlots.has(lv.slot) && lv.t.kind === "ptr") return { e: { k: "local", slot: lv.slot }, t: lv.t };
    if (lv.k === "local") fail(e.loc, `cannot take the address of local '${lv.name}': locals live in registers; declare it in the init block to share it`);
    return { e: lv.addr, t: { kind: "ptr", to: lv.t } };
  }

  /** Compile-time value of a constant expression (case labels, init values). */
  constEval(e: Expr): number {
    const v = this.rvPure(e);
    if (v.k !== "const") fail(e.loc, "expected a constant expression");
    return v.v;
  }

  private rvPure(e: Expr): LExpr {
    if (!this.isPure(e)) fail(e.loc, "expected a constant expression");
    return foldConst(this.rv(e).e);
  }

  // ---- calls -----------------------------------------------------------------
  private call(e: Extract<Expr, { k: "call" }>): Val {
    const fn = this.prog.functions.get(e.callee);
    if (fn) return this.inline(fn, e);
    const b = lookupBuiltin(e.callee);
    if (b) {
      const saved = this.cur;
      const start = this.code.length;
      const v = b(this, e);
      this.cur = saved;
      // For the LKMM mode: which primitive each access came from (the innermost call wins),
      // and where the barriers, which emit nothing, stand.
      for (let i = start; i < this.code.length; i++) this.code[i].prim ??= e.callee;
      if (this.code.length === start) this.fences.push({ at: start, name: e.callee, src: this.srcFor(e.loc, this.callText(e)) });
      return v;
    }
    fail(e.calleeLoc, `call to undefined function '${e.callee}'`);
  }

  callText(e: Extract<Expr, { k: "call" }>): string {
    return spanText(e.loc, e.end);
  }

  private inline(fn: FunctionDef, e: Extract<Expr, { k: "call" }>): Val {
    if (this.active.has(fn.name)) fail(e.loc, `recursive call to '${fn.name}': functions are inlined, so recursion is not supported`);
    if (this.calls.length >= MAX_INLINE_DEPTH) fail(e.loc, `calls nested more than ${MAX_INLINE_DEPTH} deep: functions are inlined, so the chain must end sooner`);
    if (e.args.length !== fn.params.length)
      fail(e.loc, `'${fn.name}' takes ${fn.params.length} argument${fn.params.length === 1 ? "" : "s"}, ${e.args.length} given`);
    const argVals = e.args.map((a) => this.toTemp(this.rv(a)));
    const saved = { scopes: this.scopes, calls: this.calls, fn: this.fn, cur: this.cur };
    this.calls = [...this.calls, { loc: e.loc, text: this.callText(e), fn: fn.name }];
    this.scopes = [new Map()];
    this.active.add(fn.name);
    this.fn = this.newFnCtx(fn.name, fn.returnType);
    fn.params.forEach((p, i) => {
      const slot = this.declare(p.name, p.type, p.loc, true);
      this.cur = this.srcFor(p.loc);
      this.assignLocal(slot, p.type, argVals[i].e);
    });
    for (const s of fn.body) this.stmt(s);
    // Falling off the end of a non-void function leaves the value undefined in C; here it is 0.
    this.place(this.fn.exit);
    this.checkLabels();
    const ret = this.fn.retSlot;
    this.active.delete(fn.name);
    this.scopes = saved.scopes;
    this.calls = saved.calls;
    this.fn = saved.fn;
    this.cur = saved.cur;
    if (ret < 0) return { e: { k: "const", v: 0 }, t: { kind: "void" } };
    return { e: { k: "local", slot: ret }, t: fn.returnType };
  }

}
/** Source text from loc to end on one line (whitespace runs collapsed), for traces. */
function spanText(loc: Loc, end: number): string {
  return loc.file.text.slice(loc.offset, end).replace(/\s+/g, " ").trim();
}

function isUnsigned32(t: TypeRef): boolean {
  return t.kind === "int" && !t.signed && t.bits >= 32;
}

function promote(t: TypeRef): TypeRef {
  return isUnsigned32(t) ? t : INT32;
}

export function wrapTo(e: LExpr, t: TypeRef): LExpr {
  if (t.kind === "bool") return { k: "bool", a: e };
  if (t.kind === "int" && (t.bits < 32 || !t.signed)) {
    if (t.bits >= 32) return e; // unsigned 32-bit: same bits in an int32 cell
    return foldConst({ k: "wrap", bits: t.bits, signed: t.signed, a: e });
  }
  return e;
}

export function foldConst(e: LExpr): LExpr {
  if (e.k === "un" || e.k === "wrap" || e.k === "bool") e = { ...e, a: foldConst(e.a) };
  else if (e.k === "bin") e = { ...e, a: foldConst(e.a), b: foldConst(e.b) };
  if (e.k === "bool" && e.a.k === "const") return { k: "const", v: +(e.a.v !== 0) };
  if (e.k === "wrap" && e.a.k === "const") return { k: "const", v: wrapValue(e.a.v, e.bits, e.signed) };
  if (e.k === "un" && e.a.k === "const") return { k: "const", v: e.op === "-" ? -e.a.v | 0 : e.op === "!" ? +!e.a.v : ~e.a.v };
  if (e.k === "bin" && e.a.k === "const" && e.b.k === "const") return { k: "const", v: evalBin(e.op, e.a.v, e.b.v, e.unsigned) };
  return e;
}

export function wrapValue(v: number, bits: number, signed: boolean): number {
  if (bits >= 32) return v | 0;
  if (bits === 1 && !signed) return v & 1;
  const shift = 32 - bits;
  return signed ? (v << shift) >> shift : (v << shift) >>> shift;
}

export function evalBin(op: BinOp, a: number, b: number, unsigned: boolean): number {
  const ua = a >>> 0;
  const ub = b >>> 0;
  switch (op) {
    case "+": return (a + b) | 0;
    case "-": return (a - b) | 0;
    case "*": return Math.imul(a, b);
    case "/": return b === 0 ? 0 : unsigned ? (ua / ub) | 0 : (a / b) | 0;
    case "%": return b === 0 ? 0 : unsigned ? (ua % ub) | 0 : (a % b) | 0;
    case "&": return a & b;
    case "|": return a | b;
    case "^": return a ^ b;
    case "<<": return a << b;
    case ">>": return unsigned ? (a >>> b) | 0 : a >> b;
    case "==": return +(a === b);
    case "!=": return +(a !== b);
    case "<": return unsigned ? +(ua < ub) : +(a < b);
    case ">": return unsigned ? +(ua > ub) : +(a > b);
    case "<=": return unsigned ? +(ua <= ub) : +(a <= b);
    case ">=": return unsigned ? +(ua >= ub) : +(a >= b);
    case "&&": return +(a !== 0 && b !== 0);
    case "||": return +(a !== 0 || b !== 0);
  }
}

/** Bare names that a process body assigns (`r1 = ...`, `r1++`): candidates for herd7's implicit registers. */
function assignedNames(body: Stmt[]): Set<string> {
  const out = new Set<string>();
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== "object") return;
    const o = n as Record<string, unknown>;
    const target = o.k === "assign" ? (o.target as Expr) : o.k === "incdec" ? (o.arg as Expr) : null;
    if (target?.k === "name") out.add(target.name);
    for (const [key, v] of Object.entries(o)) if (key !== "loc" && key !== "calleeLoc") walk(v);
  };
  walk(body);
  return out;
}

function sameType(a: TypeRef, b: TypeRef): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Primitives that make one shared read and nothing else (busy-wait tests may use them). */
const SHARED_READS = new Set([
  "atomic_read", "atomic_read_acquire", "atomic_long_read", "atomic64_read", "smp_load_acquire", "test_bit",
  "spin_is_locked", "mutex_is_locked",
]);
const LVALUE_READS = new Set(["READ_ONCE", "rcu_dereference", "rcu_access_pointer", "data_race"]);

/** No-ops under SC that a spin loop's body may hold. */
const IDLE_CALLS = new Set(["cpu_relax", "barrier", "smp_mb", "smp_rmb", "smp_wmb", "cond_resched", "schedule", "might_sleep"]);

function isIdleBody(s: Stmt): boolean {
  if (s.k === "empty") return true;
  if (s.k === "block") return s.body.every(isIdleBody);
  return s.k === "expr" && s.expr.k === "call" && IDLE_CALLS.has(s.expr.callee) && s.expr.args.length === 0;
}

function exprEnd(e: Expr): number {
  return "end" in e && typeof e.end === "number" ? e.end : e.loc.offset + 1;
}

/** A constant-true loop condition: `1`, `true`. */
function isTrue(e: Expr): boolean {
  return e.k === "num" && e.value !== 0;
}
