// The executable form of a model: the state-vector layout and one compiled closure per
// IR instruction. A state is a flat Int32Array:
//   [ shared cells ... | P0: pc, locals ... | P1: pc, locals ... | ... ]
// A step of process p runs from its pc (a yielding instruction) through the local
// instructions that follow, stopping before the next shared access, then zeroes the locals
// that are dead at the new pc.

import { Instr, LExpr, ModelIR, ViolationKind, yields } from "../ir/ir.js";
import { deadSlots } from "../ir/liveness.js";
import { SourceError } from "../frontend/diagnostics.js";

export const OK = 0;
export const DISABLED = 1;
export const VIOLATION = 2;

/** Local instructions one step may run before we call it an endless local loop. */
const LOCAL_BUDGET = 1_000_000;

export interface Violation {
  kind: ViolationKind;
  msg: string;
  proc: number;
  pc: number; // instruction that failed
}

export interface Access {
  cell: number;
  kind: "r" | "w";
  before: number;
  after: number;
}

/** Per-run context: where a violation is reported, and (during replay) what was touched. */
export class StepContext {
  violation: Violation | null = null;
  warnings: Violation[] = [];
  warnAsViolation = true;
  record: { pcs: number[]; accesses: Access[] } | null = null;
  /** Liveness marks of the step just run: bit 0 = passed PROGRESS(), bit 1 = passed GOAL(). */
  marks = 0;
}

type Fn = (s: Int32Array, b: number, ctx: StepContext) => number; // returns OK, DISABLED or VIOLATION

interface Proc {
  base: number; // index of pc in the state vector; locals start at base + 1
  code: Instr[];
  fns: Fn[];
  yields: Uint8Array;
  endPc: number;
  dead: Int32Array[];
  kind: Uint8Array; // 0 plain, 1 atomic_begin, 2 atomic_end, 3 end
}

export class Machine {
  readonly width: number;
  readonly nCells: number;
  readonly procs: Proc[];
  private readonly cellBits: Int8Array;
  private readonly cellSigned: Uint8Array;
  private readonly freedCell: Int32Array;
  /** Addresses of the lock cells (a held lock holds its owner's pid + 1). */
  private readonly lockCells: number[];

  constructor(readonly model: ModelIR) {
    this.nCells = model.cells.length;
    this.cellBits = Int8Array.from(model.cells.map((c) => c.bits));
    this.cellSigned = Uint8Array.from(model.cells.map((c) => (c.signed ? 1 : 0)));
    this.freedCell = Int32Array.from(model.cells.map((c) => c.freedCell));
    this.lockCells = model.cells.flatMap((c, i) => (c.isLock ? [i] : []));
    let base = this.nCells;
    const keepByProc = model.processes.map(() => new Set<number>());
    for (const o of model.observed) if (o.kind === "reg") keepByProc[o.proc].add(o.slot);
    this.procs = model.processes.map((p, pid) => {
      const proc: Proc = {
        base,
        code: p.code,
        fns: [],
        yields: Uint8Array.from(p.code.map((i) => (yields(i) ? 1 : 0))),
        endPc: p.code.length - 1,
        dead: deadSlots(p, keepByProc[pid]),
        kind: Uint8Array.from(p.code.map((i) => (i.op === "atomic_begin" ? 1 : i.op === "atomic_end" ? 2 : i.op === "end" ? 3 : 0))),
      };
      proc.fns = p.code.map((ins, pc) => this.compile(ins, pid, pc));
      base += 1 + p.locals.length;
      return proc;
    });
    this.width = base;
  }

  /** The initial state, after each process's leading local computation. Returns the violation, if any. */
  initial(ctx: StepContext): Int32Array {
    const s = new Int32Array(this.width);
    this.model.cells.forEach((c, i) => (s[i] = c.init));
    this.model.processes.forEach((p, pid) => {
      const b = this.procs[pid].base;
      s[b] = 0;
      for (const [slot, v] of p.initLocals) s[b + 1 + slot] = v;
    });
    for (let pid = 0; pid < this.procs.length && !ctx.violation; pid++) this.run(pid, s, ctx, true);
    return s;
  }

  finished(pid: number, s: Int32Array): boolean {
    const p = this.procs[pid];
    return s[p.base] === p.endPc;
  }

  /** Run one step of process pid on s in place. On DISABLED, s is garbage (callers work on a copy). */
  run(pid: number, s: Int32Array, ctx: StepContext, prefixOnly = false): number {
    const p = this.procs[pid];
    const b = p.base + 1;
    let pc = s[p.base];
    if (pc === p.endPc) return DISABLED;
    let depth = 0;
    let first = !prefixOnly;
    let budget = LOCAL_BUDGET;
    const rec = ctx.record;
    for (;;) {
      if (p.yields[pc] && depth === 0) {
        if (!first) break;
        first = false;
      }
      if (--budget === 0) {
        throw new SourceError(p.code[pc].src.loc, `P${pid} ran ${LOCAL_BUDGET} local instructions without touching shared memory: an endless local loop?`);
      }
      const k = p.kind[pc];
      if (k === 3) break; // end
      if (rec) rec.pcs.push(pc);
      if (k === 1) {
        depth++;
        pc++;
        continue;
      }
      if (k === 2) {
        depth--;
        pc++;
        continue;
      }
      const r = p.fns[pc](s, b, ctx);
      if (r < 0) {
        pc = -r - 1; // a jump
        continue;
      }
      if (r !== OK) {
        if (r === VIOLATION && ctx.violation) {
          ctx.violation.proc = pid;
          ctx.violation.pc = pc;
        }
        return r;
      }
      pc++;
    }
    s[p.base] = pc;
    if (pc === p.endPc) {
      // A process must not end holding a lock.
      for (const at of this.lockCells) {
        if (s[at] !== pid + 1) continue;
        ctx.violation = { kind: "bug", msg: `P${pid} ends holding ${this.model.cells[at].name}`, proc: pid, pc };
        return VIOLATION;
      }
    }
    const dead = p.dead[pc];
    for (let i = 0; i < dead.length; i++) s[b + dead[i]] = 0;
    return OK;
  }

  // ---- instruction compiler ----------------------------------------------------
  private compile(ins: Instr, pid: number, pc: number): Fn {
    const ev = (e: LExpr) => compileExpr(e);
    const viol = (ctx: StepContext, kind: ViolationKind, msg: string): number => {
      ctx.violation = { kind, msg, proc: pid, pc };
      return VIOLATION;
    };
    const nCells = this.nCells;
    const freed = this.freedCell;
    const names = this.model.cells;
    const checkAddr = (a: number, ctx: StepContext, s: Int32Array): number => {
      if (a <= 0 || a >= nCells) return viol(ctx, "bug", a === 0 ? "NULL pointer dereference" : `access to invalid address ${a}`);
      const f = freed[a];
      if (f >= 0 && s[f] !== 0) return viol(ctx, "use-after-free", `access to ${names[a].name} after the object was freed`);
      return OK;
    };
    const wrap = this.wrapper();
    switch (ins.op) {
      case "set": {
        const e = ev(ins.e);
        const d = ins.dst;
        return (s, b) => {
          s[b + d] = e(s, b);
          return OK;
        };
      }
      case "br": {
        const c = ev(ins.cond);
        const t = -(ins.target + 1);
        return (s, b) => (c(s, b) !== 0 ? t : OK);
      }
      case "jmp": {
        const t = -(ins.target + 1);
        return () => t;
      }
      case "check": {
        const c = ev(ins.cond);
        const { kind, msg } = ins;
        if (kind === "warn")
          return (s, b, ctx) => {
            if (c(s, b) === 0) return OK;
            if (ctx.warnAsViolation) return viol(ctx, kind, msg);
            ctx.warnings.push({ kind, msg, proc: pid, pc });
            return OK;
          };
        return (s, b, ctx) => (c(s, b) !== 0 ? viol(ctx, kind, msg) : OK);
      }
      case "guard": {
        const c = ev(ins.cond);
        return (s, b) => (c(s, b) !== 0 ? OK : DISABLED);
      }
      case "load": {
        const a = ev(ins.addr);
        const d = ins.dst;
        return (s, b, ctx) => {
          const at = a(s, b);
          const r = checkAddr(at, ctx, s);
          if (r !== OK) return r;
          s[b + d] = s[at];
          if (ctx.record) ctx.record.accesses.push({ cell: at, kind: "r", before: s[at], after: s[at] });
          return OK;
        };
      }
      case "store": {
        const a = ev(ins.addr);
        const v = ev(ins.val);
        return (s, b, ctx) => {
          const at = a(s, b);
          const r = checkAddr(at, ctx, s);
          if (r !== OK) return r;
          const before = s[at];
          s[at] = wrap(at, v(s, b));
          if (ctx.record) ctx.record.accesses.push({ cell: at, kind: "w", before, after: s[at] });
          return OK;
        };
      }
      case "rmw": {
        const a = ev(ins.addr);
        const x = ev(ins.a);
        const y = ev(ins.b);
        const d = ins.dst;
        const op = ins.rmw;
        const retOld = ins.ret === "old";
        return (s, b, ctx) => {
          const at = a(s, b);
          const r = checkAddr(at, ctx, s);
          if (r !== OK) return r;
          const old = s[at];
          const xv = x(s, b);
          let nv: number;
          switch (op) {
            case "xchg": nv = xv; break;
            case "add": nv = old + xv; break;
            case "sub": nv = old - xv; break;
            case "and": nv = old & xv; break;
            case "or": nv = old | xv; break;
            case "xor": nv = old ^ xv; break;
            case "andnot": nv = old & ~xv; break;
            case "cmpxchg": nv = old === xv ? y(s, b) : old; break;
            case "add_unless": nv = old !== y(s, b) ? old + xv : old; break;
          }
          nv = wrap(at, nv);
          s[at] = nv;
          s[b + d] = retOld ? old : nv;
          if (ctx.record) ctx.record.accesses.push({ cell: at, kind: "w", before: old, after: nv });
          return OK;
        };
      }
      case "lock": {
        const a = ev(ins.addr);
        const me = pid + 1;
        return (s, b, ctx) => {
          const at = a(s, b);
          const r = checkAddr(at, ctx, s);
          if (r !== OK) return r;
          if (s[at] !== 0) {
            if (s[at] === me) return viol(ctx, "deadlock", `P${pid} takes ${names[at].name}, which it already holds`);
            return DISABLED;
          }
          s[at] = me;
          if (ctx.record) ctx.record.accesses.push({ cell: at, kind: "w", before: 0, after: me });
          return OK;
        };
      }
      case "trylock": {
        const a = ev(ins.addr);
        const me = pid + 1;
        const d = ins.dst;
        return (s, b, ctx) => {
          const at = a(s, b);
          const r = checkAddr(at, ctx, s);
          if (r !== OK) return r;
          if (s[at] !== 0) {
            s[b + d] = 0;
            return OK;
          }
          s[at] = me;
          s[b + d] = 1;
          if (ctx.record) ctx.record.accesses.push({ cell: at, kind: "w", before: 0, after: me });
          return OK;
        };
      }
      case "unlock": {
        const a = ev(ins.addr);
        const me = pid + 1;
        return (s, b, ctx) => {
          const at = a(s, b);
          const r = checkAddr(at, ctx, s);
          if (r !== OK) return r;
          if (s[at] !== me) return viol(ctx, "bug", `P${pid} unlocks ${names[at].name}, which it does not hold`);
          s[at] = 0;
          if (ctx.record) ctx.record.accesses.push({ cell: at, kind: "w", before: me, after: 0 });
          return OK;
        };
      }
      case "rcu_lock": {
        const nest = this.model.rcuNesting + pid;
        return (s) => {
          s[nest]++;
          return OK;
        };
      }
      case "rcu_unlock": {
        const nest = this.model.rcuNesting + pid;
        const wait = this.model.rcuWait;
        const n = this.model.processes.length;
        const mask = ~(1 << pid);
        return (s, _b, ctx) => {
          if (s[nest] === 0) return viol(ctx, "bug", "rcu_read_unlock() without rcu_read_lock()");
          if (--s[nest] === 0) for (let q = 0; q < n; q++) s[wait + q] &= mask;
          return OK;
        };
      }
      case "gp_start": {
        const nestBase = this.model.rcuNesting;
        const waitAt = this.model.rcuWait + pid;
        const n = this.model.processes.length;
        return (s, _b, ctx) => {
          if (s[nestBase + pid] !== 0) return viol(ctx, "deadlock", `P${pid} calls synchronize_rcu() inside its own RCU read-side critical section (self-deadlock)`);
          let m = 0;
          for (let q = 0; q < n; q++) if (s[nestBase + q] !== 0) m |= 1 << q;
          s[waitAt] = m;
          return OK;
        };
      }
      case "gp_wait": {
        const waitAt = this.model.rcuWait + pid;
        return (s) => (s[waitAt] === 0 ? OK : DISABLED);
      }
      case "progress":
        return (_s, _b, ctx) => {
          ctx.marks |= 1;
          return OK;
        };
      case "goal":
        return (_s, _b, ctx) => {
          ctx.marks |= 2;
          return OK;
        };
      case "atomic_begin":
      case "atomic_end":
      case "end":
        return () => OK; // handled by run()
    }
  }

  /** Store a value into a cell, truncated to the cell's declared width. */
  private wrapper(): (addr: number, v: number) => number {
    const bits = this.cellBits;
    const signed = this.cellSigned;
    return (at, v) => {
      const w = bits[at];
      if (w >= 32) return v | 0;
      const sh = 32 - w;
      return signed[at] ? (v << sh) >> sh : (v << sh) >>> sh;
    };
  }
}

type EFn = (s: Int32Array, b: number) => number;

export function compileExpr(e: LExpr): EFn {
  switch (e.k) {
    case "const": {
      const v = e.v;
      return () => v;
    }
    case "local": {
      const slot = e.slot;
      return (s, b) => s[b + slot];
    }
    case "un": {
      const a = compileExpr(e.a);
      if (e.op === "-") return (s, b) => -a(s, b) | 0;
      if (e.op === "!") return (s, b) => (a(s, b) === 0 ? 1 : 0);
      return (s, b) => ~a(s, b);
    }
    case "bool": {
      const a = compileExpr(e.a);
      return (s, b) => (a(s, b) !== 0 ? 1 : 0);
    }
    case "wrap": {
      const a = compileExpr(e.a);
      const sh = 32 - e.bits;
      if (e.bits === 1 && !e.signed) return (s, b) => a(s, b) & 1;
      return e.signed ? (s, b) => (a(s, b) << sh) >> sh : (s, b) => ((a(s, b) << sh) >>> sh) | 0;
    }
    case "cond": {
      const c = compileExpr(e.c);
      const x = compileExpr(e.a);
      const y = compileExpr(e.b);
      return (s, b) => (c(s, b) !== 0 ? x(s, b) : y(s, b));
    }
    case "bin": {
      const x = compileExpr(e.a);
      const y = compileExpr(e.b);
      const u = e.unsigned;
      switch (e.op) {
        case "+": return (s, b) => (x(s, b) + y(s, b)) | 0;
        case "-": return (s, b) => (x(s, b) - y(s, b)) | 0;
        case "*": return (s, b) => Math.imul(x(s, b), y(s, b));
        case "/": return u ? (s, b) => { const d = y(s, b) >>> 0; return d === 0 ? 0 : ((x(s, b) >>> 0) / d) | 0; } : (s, b) => { const d = y(s, b); return d === 0 ? 0 : (x(s, b) / d) | 0; };
        case "%": return u ? (s, b) => { const d = y(s, b) >>> 0; return d === 0 ? 0 : ((x(s, b) >>> 0) % d) | 0; } : (s, b) => { const d = y(s, b); return d === 0 ? 0 : (x(s, b) % d) | 0; };
        case "&": return (s, b) => x(s, b) & y(s, b);
        case "|": return (s, b) => x(s, b) | y(s, b);
        case "^": return (s, b) => x(s, b) ^ y(s, b);
        case "<<": return (s, b) => x(s, b) << y(s, b);
        case ">>": return u ? (s, b) => (x(s, b) >>> y(s, b)) | 0 : (s, b) => x(s, b) >> y(s, b);
        case "==": return (s, b) => (x(s, b) === y(s, b) ? 1 : 0);
        case "!=": return (s, b) => (x(s, b) !== y(s, b) ? 1 : 0);
        case "<": return u ? (s, b) => ((x(s, b) >>> 0) < (y(s, b) >>> 0) ? 1 : 0) : (s, b) => (x(s, b) < y(s, b) ? 1 : 0);
        case ">": return u ? (s, b) => ((x(s, b) >>> 0) > (y(s, b) >>> 0) ? 1 : 0) : (s, b) => (x(s, b) > y(s, b) ? 1 : 0);
        case "<=": return u ? (s, b) => ((x(s, b) >>> 0) <= (y(s, b) >>> 0) ? 1 : 0) : (s, b) => (x(s, b) <= y(s, b) ? 1 : 0);
        case ">=": return u ? (s, b) => ((x(s, b) >>> 0) >= (y(s, b) >>> 0) ? 1 : 0) : (s, b) => (x(s, b) >= y(s, b) ? 1 : 0);
        case "&&": return (s, b) => (x(s, b) !== 0 && y(s, b) !== 0 ? 1 : 0);
        case "||": return (s, b) => (x(s, b) !== 0 || y(s, b) !== 0 ? 1 : 0);
      }
    }
  }
}
