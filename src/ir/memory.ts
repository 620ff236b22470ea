// Allocation of shared objects (the init block, plus herd7's implicit locations named by
// process parameters) into cells, and evaluation of their initial values.

import { Expr, Program, SharedDecl, TypeRef } from "../frontend/ast.js";
import { Loc, fail } from "../frontend/diagnostics.js";
import { CellInfo } from "./ir.js";
import { INT32, Layouts, SRCU_STRUCT, isHexType, isLockType, isSrcuStruct, scalarWidth, typeName } from "./layout.js";
import { evalBin, wrapValue } from "./lower.js";

interface Global {
  name: string;
  addr: number;
  type: TypeRef; // element type for arrays
  arrayLen: number | null;
  decl: SharedDecl | null;
}

export interface MemoryOptions {
  /** Narrow every `_refcount` field to this many bits (so overflow is reachable in small models). */
  refcountBits?: number;
}

export class SharedMemory {
  readonly cells: CellInfo[] = [{ name: "(null)", bits: 32, signed: true, init: 0, freedCell: -1, ghost: true, isLock: false }];
  private readonly globals = new Map<string, Global>();
  /** Base address of every struct srcu_struct, in address order. */
  readonly srcuBases: number[] = [];

  constructor(
    private readonly prog: Program,
    private readonly layouts: Layouts,
    private readonly opts: MemoryOptions,
  ) {}

  /** Phase 1: give every declared and every parameter-named location an address. */
  allocate(): void {
    for (const d of this.prog.shared) {
      if (d.name.includes(":")) continue; // register initialisers belong to processes
      if (this.globals.has(d.name)) fail(d.loc, `'${d.name}' is declared twice`);
      let type = d.type ?? INT32;
      if (type.kind === "void") fail(d.loc, "a shared variable cannot have type void");
      this.alloc(d.name, type, d.arrayLen, d, d.loc);
    }
    for (const p of this.prog.processes) {
      for (const param of p.params) {
        if (this.globals.has(param.name)) continue;
        const t = param.type;
        if (t.kind !== "ptr") fail(param.loc, `herd7 parameters name shared locations and must be pointers, e.g. 'int *${param.name}'`);
        this.alloc(param.name, t.to.kind === "void" ? INT32 : t.to, null, null, param.loc);
      }
    }
  }

  /** Phase 2: initial values (after allocation, so `x1 = y1` can name any location). */
  private initialising = false;
  initialise(): void {
    this.initialising = true;
    for (const g of [...this.globals.values()]) {
      const n = g.arrayLen ?? 1;
      const size = this.layouts.size(g.type, g.decl?.loc ?? ({} as Loc));
      for (let i = 0; i < n; i++) this.initObject(g.addr + i * size, g.type, null, g.decl?.loc);
      const init = g.decl?.init;
      if (!init) continue;
      if (g.arrayLen !== null) {
        if (init.k !== "init") fail(init.loc, "an array is initialised with { ... }");
        init.fields.forEach((f, i) => {
          if (i >= n) fail(f.loc, "too many initialisers for the array");
          this.initObject(g.addr + i * size, g.type, f.value, f.loc);
        });
      } else this.initObject(g.addr, g.type, init, init.loc);
    }
    this.initialising = false;
  }

  private alloc(name: string, type: TypeRef, arrayLen: number | null, decl: SharedDecl | null, loc: Loc): void {
    const addr = this.cells.length;
    const n = arrayLen ?? 1;
    for (let i = 0; i < n; i++) this.allocCells(arrayLen === null ? name : `${name}[${i}]`, type, loc, -1);
    this.globals.set(name, { name, addr, type, arrayLen, decl });
  }

  private allocCells(name: string, type: TypeRef, loc: Loc, freedCell: number): void {
    if (isSrcuStruct(type)) {
      // Opaque: hidden bookkeeping cells for the SRCU primitives (layout.ts).
      this.srcuBases.push(this.cells.length);
      for (const f of this.layouts.struct(SRCU_STRUCT, loc)) this.cells.push({ name: `${name}.${f.name}`, bits: 32, signed: true, init: 0, freedCell, ghost: true, isLock: false });
      return;
    }
    if (type.kind === "struct") {
      const fields = this.layouts.struct(type.name, loc);
      const base = this.cells.length;
      const freed = fields.find((f) => f.name === "__ghost_freed");
      const fc = freed ? base + freed.offset : freedCell;
      for (const f of fields) this.allocCells(`${name}.${f.name}`, f.type, loc, f.name === "__ghost_freed" ? -1 : fc);
      return;
    }
    let { bits, signed } = scalarWidth(type);
    const field = name.slice(name.lastIndexOf(".") + 1);
    if (field === "_refcount" && this.opts.refcountBits) bits = this.opts.refcountBits;
    this.cells.push({ name, bits, signed, init: 0, freedCell, ghost: field.startsWith("__ghost"), isLock: isLockType(type), ...(isHexType(type) ? { hex: true as const } : {}) });
  }

  /** Set the initial values of the object at addr: field defaults, then the initialiser. */
  private initObject(addr: number, type: TypeRef, init: Expr | null, loc: Loc | undefined): void {
    if (isSrcuStruct(type)) {
      if (init !== null) fail(init.loc, "struct srcu_struct is opaque and starts with no readers: it takes no initialiser");
      return;
    }
    if (type.kind === "struct") {
      const fields = this.layouts.struct(type.name, loc!);
      const def = this.prog.structs.get(type.name);
      if (init === null) {
        // Field defaults (a pageproof extension: `atomic_t _mapcount = -1;` in the struct).
        def?.fields.forEach((f, i) => this.initObject(addr + fields[i].offset, f.type, f.init, f.loc));
        return;
      }
      if (init.k !== "init") fail(init.loc, `struct ${type.name} is initialised with { .field = value, ... }`);
      init.fields.forEach((f, i) => {
        const fl = f.name === null ? fields[i] : fields.find((x) => x.name === f.name);
        if (!fl) fail(f.loc, f.name === null ? "too many initialisers" : `struct ${type.name} has no field '${f.name}'`);
        this.initObject(addr + fl.offset, fl.type, f.value, f.loc);
      });
      return;
    }
    if (init === null) return;
    if (init.k === "init") {
      // ATOMIC_INIT-style `{ 1 }` for a scalar.
      if (init.fields.length !== 1) fail(init.loc, `a ${typeName(type)} takes one value`);
      init = init.fields[0].value;
    }
    const cell = this.cells[addr];
    cell.init = wrapValue(this.constValue(init), cell.bits, cell.signed);
  }

  /** Parameters of the one-return functions being evaluated by constValue (innermost last). */
  private readonly constArgs: Map<string, number>[] = [];

  /**
   * Value of a constant expression in the init block: numbers, #defines, &x, and x (= &x, as
   * herd7), operators, casts, and calls of a function whose body is one `return expr;` (the
   * kernel model's `mk_pte(&page, PAGE_RW)`), evaluated with its arguments' values.
   */
  constValue(e: Expr): number {
    switch (e.k) {
      case "num":
        return e.value;
      case "name": {
        const arg = this.constArgs[this.constArgs.length - 1]?.get(e.name);
        if (arg !== undefined) return arg;
        const def = this.prog.defines.get(e.name);
        if (def) return this.constValue(def);
        if (this.constArgs.length > 0) fail(e.loc, `'${e.name}' is neither a parameter nor a #define: a function called in an initialiser sees only those`);
        const g = this.globals.get(e.name) ?? this.implicit(e.name);
        if (g) return g.addr;
        fail(e.loc, `undefined name '${e.name}'`);
      }
      case "unary": {
        if (e.op === "&") return this.addressOf(e.arg);
        const v = this.constValue(e.arg);
        if (e.op === "-") return -v | 0;
        if (e.op === "!") return +!v;
        if (e.op === "~") return ~v;
        if (e.op === "+") return v;
        break;
      }
      case "binary":
        return evalBin(e.op as never, this.constValue(e.left), this.constValue(e.right), false);
      case "cast":
        return this.constValue(e.arg);
      case "cond":
        return this.constValue(e.test) ? this.constValue(e.then) : this.constValue(e.else);
      case "call":
        if ((e.callee === "ATOMIC_INIT" || e.callee === "ATOMIC_LONG_INIT") && e.args.length === 1) return this.constValue(e.args[0]);
        return this.constCall(e);
      default:
        break;
    }
    fail(e.loc, "expected a constant (a number, a #define, or the address of a shared location)");
  }

  /** A call in an initialiser: a function whose body is `return expr;`, with constant arguments. */
  private constCall(e: Extract<Expr, { k: "call" }>): number {
    const fn = this.prog.functions.get(e.callee);
    if (!fn) fail(e.calleeLoc, `'${e.callee}' is not a function: an initialiser can only call a function whose body is one return statement`);
    const body = fn.body.length === 1 && fn.body[0].k === "return" ? fn.body[0].value : null;
    if (!body) fail(e.calleeLoc, `'${e.callee}' is not constant in an initialiser: only a function whose body is one return statement can be called there`);
    if (fn.params.length !== e.args.length) fail(e.loc, `'${e.callee}' takes ${fn.params.length} argument${fn.params.length === 1 ? "" : "s"}`);
    if (this.constArgs.length >= 16) fail(e.loc, `calls nest too deeply in an initialiser (is '${e.callee}' recursive?)`);
    const args = new Map(fn.params.map((p, i) => [p.name, this.constValue(e.args[i])] as [string, number]));
    this.constArgs.push(args);
    try {
      return this.constValue(body);
    } finally {
      this.constArgs.pop();
    }
  }

  private addressOf(e: Expr): number {
    if (e.k === "name") {
      // `int *x = &a;` with no `a` declared: herd7 makes a an int location, as for `x = a`.
      const g = this.globals.get(e.name) ?? this.implicit(e.name);
      if (!g) fail(e.loc, `undefined name '${e.name}'`);
      return g.addr;
    }
    if (e.k === "index" && e.obj.k === "name") {
      const g = this.globals.get(e.obj.name);
      if (!g || g.arrayLen === null) fail(e.loc, "not an array");
      const i = this.constValue(e.index);
      if (i < 0 || i >= g.arrayLen) fail(e.index.loc, `index ${i} is out of bounds for ${e.obj.name}[${g.arrayLen}]`);
      return g.addr + i * this.layouts.size(g.type, e.loc);
    }
    if (e.k === "member" && !e.arrow) {
      const base = this.addressOf(e.obj);
      const t = this.typeAt(e.obj);
      if (t.kind !== "struct") fail(e.loc, "not a struct");
      return base + this.layouts.field(t.name, e.field, e.loc).offset;
    }
    fail(e.loc, "expected a shared location");
  }

  private typeAt(e: Expr): TypeRef {
    if (e.k === "name") return this.globals.get(e.name)!.type;
    if (e.k === "index") return this.typeAt(e.obj);
    if (e.k === "member") {
      const t = this.typeAt(e.obj);
      if (t.kind === "struct") return this.layouts.field(t.name, e.field, e.loc).type;
    }
    return INT32;
  }

  /**
   * herd7 creates a location named only as a value (`x1 = y1;` with y1 used nowhere else; in
   * a plain herd7 test also `exists (1:r1=x1)`). `lateImplicit` allows it after the init block.
   */
  lateImplicit = false;
  private implicit(name: string): Global | undefined {
    if (!(this.initialising || this.lateImplicit) || !/^[A-Za-z_]\w*$/.test(name)) return undefined;
    this.alloc(name, INT32, null, null, { offset: 0, line: 1, col: 1 } as Loc);
    return this.globals.get(name);
  }

  global(name: string): { addr: number; type: TypeRef } | undefined {
    const g = this.globals.get(name);
    return g && g.arrayLen === null ? g : undefined;
  }

  arrayBase(name: string): { addr: number; elem: TypeRef } | undefined {
    const g = this.globals.get(name);
    return g && g.arrayLen !== null ? { addr: g.addr, elem: g.type } : undefined;
  }

  /** herd7: `P0(int *x)` receives the address of shared x. */
  paramBinding(name: string, _type: TypeRef, loc: Loc): number {
    const g = this.globals.get(name);
    if (!g) fail(loc, `no shared location '${name}'`);
    return g.addr;
  }

  /** Hidden cells the engine needs (RCU bookkeeping), one per process. */
  allocHidden(name: string, n: number): number {
    const addr = this.cells.length;
    for (let i = 0; i < n; i++) this.cells.push({ name: `${name}[${i}]`, bits: 32, signed: true, init: 0, freedCell: -1, ghost: true, isLock: false });
    return addr;
  }

  /** Cell address -> name of the location it starts, for printing pointer values. */
  addressNames(): Map<number, string> {
    const m = new Map<number, string>();
    for (const g of this.globals.values()) m.set(g.addr, g.name);
    return m;
  }

  globalNames(): string[] {
    return [...this.globals.keys()];
  }
}
