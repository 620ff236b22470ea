// What the symbolic mode knows of a read's value before any execution is chosen: per location,
// the small set of values any write may give it (pointers: a page or NULL) or, past a few
// values, the bits no write changes (a page's flags word: PG_hugetlb, PG_large... are never
// written). A test of such bits, or of a pointer that can only be one page, is then decided
// without a fork, and a location whose value becomes an address is read concretely from that
// set without a fixpoint over the processes' paths.
//
// The analysis runs over the step IR, not over paths: per process, one abstract value per slot
// (joined over every assignment of the slot: flow-insensitive, so every path and both ways of
// every branch are covered), and per location the join of what every store, RMW and lock
// operation may write there; to a fixpoint over the processes. A value that reaches a write
// through a chain of reads and writes is covered (by induction along the chain), so every value
// the concrete mode's seed can find is too: a test decided here is decided for every execution
// either mode enumerates.

import { evalBin, wrapValue } from "../ir/lower.js";
import { BinOp, LExpr, ModelIR } from "../ir/ir.js";
import type { Val } from "./sym.js";

/** An abstract value: the bits known (mask) and their values; and, when there are few, every
 * possible value (set, sorted; null: too many or unknown). known === -1: a constant. */
export interface AV {
  known: number;
  value: number;
  set: readonly number[] | null;
}

/** Most values a set keeps before only known bits are. */
const MAX_SET = 16;

const UNKNOWN: AV = { known: 0, value: 0, set: null };
/** No value (the identity of join). */
const NONE: AV = { known: -1, value: 0, set: [] };
const BOOL: AV = { known: ~1, value: 0, set: [0, 1] };
const konst = (v: number): AV => ({ known: -1, value: v | 0, set: [v | 0] });

/** The abstract value of a set of values. */
function ofSet(vals: Iterable<number>): AV {
  const set = [...new Set(vals)].sort((a, b) => a - b);
  if (set.length === 0) return NONE;
  let differ = 0;
  for (const v of set) differ |= v ^ set[0];
  const known = ~differ;
  return { known, value: set[0] & known, set: set.length <= MAX_SET ? set : null };
}

function join(a: AV, b: AV): AV {
  if (a.set?.length === 0) return b;
  if (b.set?.length === 0) return a;
  if (a.set && b.set) return ofSet([...a.set, ...b.set]);
  const known = a.known & b.known & ~(a.value ^ b.value);
  return { known, value: a.value & known, set: null };
}

const same = (a: AV, b: AV) => a.known === b.known && (a.value & a.known) === (b.value & b.known) && String(a.set) === String(b.set);

/** Truthiness: true / false if decided, else null. */
export function truth(a: AV): boolean | null {
  if (a.set) return a.set.every((v) => v !== 0) ? true : a.set.every((v) => v === 0) ? false : null;
  if ((a.known & a.value) !== 0) return true;
  if (a.known === -1) return a.value !== 0;
  return null;
}

function fromBool(t: boolean | null): AV {
  return t === null ? BOOL : konst(+t);
}

/** op over every pair of values when both sets are small, else null. */
function pointwise(a: AV, b: AV, f: (x: number, y: number) => number): AV | null {
  if (!a.set || !b.set || a.set.length * b.set.length > MAX_SET * MAX_SET) return null;
  const out: number[] = [];
  for (const x of a.set) for (const y of b.set) out.push(f(x, y));
  return ofSet(out);
}

export function avUn(op: "-" | "!" | "~", a: AV): AV {
  const f = (x: number) => (op === "-" ? -x | 0 : op === "!" ? +(x === 0) : ~x);
  if (a.set) return ofSet(a.set.map(f));
  if (op === "~") return { known: a.known, value: ~a.value & a.known, set: null };
  if (op === "!") {
    const t = truth(a);
    return fromBool(t === null ? null : !t);
  }
  return UNKNOWN;
}

export function avBin(op: BinOp, a: AV, b: AV, unsigned: boolean): AV {
  const p = pointwise(a, b, (x, y) => evalBin(op, x, y, unsigned));
  if (p) return p;
  switch (op) {
    case "&": {
      const known = (a.known & b.known) | (a.known & ~a.value) | (b.known & ~b.value);
      return { known, value: a.value & b.value & known, set: null };
    }
    case "|": {
      const known = (a.known & b.known) | (a.known & a.value) | (b.known & b.value);
      return { known, value: (a.value | b.value) & known, set: null };
    }
    case "^": {
      const known = a.known & b.known;
      return { known, value: (a.value ^ b.value) & known, set: null };
    }
    case "<<":
      if (b.known === -1 && b.value >= 0 && b.value < 32) return { known: (a.known << b.value) | ((1 << b.value) - 1), value: a.value << b.value, set: null };
      return UNKNOWN;
    case ">>":
      if (b.known === -1 && b.value >= 0 && b.value < 32) {
        if (unsigned) return { known: (a.known >>> b.value) | ~(-1 >>> b.value), value: a.value >>> b.value, set: null };
        return { known: a.known >> b.value, value: (a.value >> b.value) & (a.known >> b.value), set: null };
      }
      return UNKNOWN;
    case "==":
    case "!=": {
      // Some bit known on both sides differs: not equal.
      const differ = (a.known & b.known & (a.value ^ b.value)) !== 0;
      return differ ? konst(+(op === "!=")) : BOOL;
    }
    case "&&":
    case "||": {
      const x = truth(a);
      const y = truth(b);
      if (op === "&&") return fromBool(x === false || y === false ? false : x === true && y === true ? true : null);
      return fromBool(x === true || y === true ? true : x === false && y === false ? false : null);
    }
    case "<":
    case ">":
    case "<=":
    case ">=":
      return BOOL;
    default:
      return UNKNOWN;
  }
}

export function avWrap(a: AV, bits: number, signed: boolean): AV {
  if (a.set) return ofSet(a.set.map((v) => wrapValue(v, bits, signed)));
  if (bits >= 32) return a;
  const mask = (1 << bits) - 1;
  if (!signed) return { known: (a.known & mask) | ~mask, value: a.value & mask, set: null };
  // Signed: the high bits copy the sign bit, known only if it is.
  const sign = 1 << (bits - 1);
  if ((a.known & sign) === 0) return { known: a.known & mask & ~sign, value: a.value & mask & ~sign, set: null };
  const high = (a.value & sign) !== 0 ? ~mask : 0;
  return { known: (a.known & mask) | ~mask, value: (a.value & mask) | high, set: null };
}

function avCond(c: AV, a: () => AV, b: () => AV): AV {
  const t = truth(c);
  if (t !== null) return t ? a() : b();
  return join(a(), b());
}

/**
 * The slots' values on the edge where test `cond` came out `holds`: a test of one slot against 0
 * (`if (tail != NULL)`, `if (!p)`) takes 0 out of the slot's values, or leaves only 0. Without it
 * a NULL pointer's field addresses (0 + offset) would alias the first cells of memory.
 */
function refined(cond: LExpr, holds: boolean, av: AV[]): AV[] {
  let e = cond;
  let nonzero = holds;
  for (;;) {
    if (e.k === "un" && e.op === "!") {
      e = e.a;
      nonzero = !nonzero;
    } else if (e.k === "bool") e = e.a;
    else if (e.k === "bin" && (e.op === "==" || e.op === "!=") && (isZero(e.a) || isZero(e.b))) {
      if (e.op === "==") nonzero = !nonzero;
      e = isZero(e.b) ? e.a : e.b;
    } else break;
  }
  if (e.k !== "local") return av;
  const cur = av[e.slot];
  if (!cur?.set) return av;
  const set = nonzero ? cur.set.filter((v) => v !== 0) : cur.set.filter((v) => v === 0);
  if (set.length === cur.set.length) return av;
  const out = av.slice();
  out[e.slot] = ofSet(set);
  return out;
}

const isZero = (e: LExpr) => e.k === "const" && e.v === 0;

/** Per location, what any execution may have written there (initial value included). */
export class StaticValues {
  private readonly at: AV[];
  /** Per process, per location it may write: the join of what it may write there. */
  private readonly by: Map<number, AV>[];

  constructor(model: ModelIR) {
    const n = model.cells.length;
    this.at = model.cells.map((c) => konst(c.init | 0));
    this.by = model.processes.map(() => new Map<number, AV>());
    let writer = 0; // the process whose code is being run
    const every = Array.from({ length: n }, (_, i) => i);
    /** The locations an address may be (all of them when it is not known). */
    const locsOf = (a: AV): readonly number[] => (a.set ? a.set.filter((l) => l > 0 && l < n) : every);
    const read = (a: AV): AV => locsOf(a).map((l) => this.at[l]).reduce(join, NONE);
    const cellWrap = (l: number, v: AV) => {
      const c = model.cells[l];
      return c ? avWrap(v, c.bits, c.signed) : v;
    };
    // Locations only lose precision: a fixpoint over the processes.
    for (let changed = true; changed; ) {
      changed = false;
      const write = (addr: AV, v: (l: number) => AV) => {
        const mine = this.by[writer];
        for (const l of locsOf(addr)) {
          const w = v(l);
          const had = mine.get(l);
          mine.set(l, had ? join(had, w) : w);
          const j = join(this.at[l], w);
          if (!same(j, this.at[l])) {
            this.at[l] = j;
            changed = true;
          }
        }
      };
      for (const [pid, p] of model.processes.entries()) {
        writer = pid;
        // Per instruction, the slots' values on entry (slots are reused by the IR, so this is
        // flow-sensitive), joined over the instructions that lead there.
        const code = p.code;
        const nslots = Math.max(p.locals.length, 1);
        const entry: (AV[] | null)[] = new Array(code.length).fill(null);
        entry[0] = Array.from({ length: nslots }, (): AV => konst(0));
        for (const [slot, v] of p.initLocals) entry[0][slot] = konst(v);
        const work = [0];
        const queued = new Uint8Array(code.length);
        queued[0] = 1;
        const flow = (to: number, av: AV[]) => {
          if (to < 0 || to >= code.length) return;
          const cur = entry[to];
          if (!cur) entry[to] = av.slice();
          else {
            let grew = false;
            for (let i = 0; i < nslots; i++) {
              const j = join(cur[i], av[i]);
              if (!same(j, cur[i])) {
                cur[i] = j;
                grew = true;
              }
            }
            if (!grew) return;
          }
          if (!queued[to]) {
            queued[to] = 1;
            work.push(to);
          }
        };
        while (work.length) {
          const pc = work.pop()!;
          queued[pc] = 0;
          const ins = code[pc];
          const av = entry[pc]!.slice();
          const ev = (e: LExpr): AV => this.eval(e, av);
          switch (ins.op) {
            case "end":
              continue;
            case "jmp":
              flow(ins.target, av);
              continue;
            case "br": {
              const t = truth(ev(ins.cond));
              if (t !== false) flow(ins.target, refined(ins.cond, true, av));
              if (t !== true) flow(pc + 1, refined(ins.cond, false, av));
              continue;
            }
            case "guard":
              if (truth(ev(ins.cond)) === false) continue;
              break;
            case "set":
              av[ins.dst] = ev(ins.e);
              break;
            case "load": {
              const a = ev(ins.addr);
              av[ins.dst] = ins.constCell ? locsOf(a).map((l) => konst(model.cells[l]?.init ?? 0)).reduce(join, NONE) : read(a);
              break;
            }
            case "store": {
              const v = ev(ins.val);
              write(ev(ins.addr), (l) => cellWrap(l, v));
              break;
            }
            case "rmw": {
              const a = ev(ins.addr);
              const x = ev(ins.a);
              const y = ev(ins.b);
              const nvAt = (old: AV): AV => {
                switch (ins.rmw) {
                  case "xchg": return x;
                  case "add": case "add_unless": return avBin("+", old, x, false);
                  case "sub": return avBin("-", old, x, false);
                  case "and": return avBin("&", old, x, false);
                  case "or": return avBin("|", old, x, false);
                  case "xor": return avBin("^", old, x, false);
                  case "andnot": return avBin("&", old, avUn("~", x), false);
                  case "cmpxchg": return y;
                }
              };
              const old = read(a);
              const nv = locsOf(a).map((l) => cellWrap(l, nvAt(this.at[l]))).reduce(join, NONE);
              write(a, (l) => cellWrap(l, nvAt(this.at[l])));
              av[ins.dst] = ins.ret === "old" ? old : ins.ret === "new" ? join(nv, old) : BOOL;
              break;
            }
            case "lock":
            case "unlock":
            case "trylock": {
              const a = ev(ins.addr);
              write(a, () => konst(0));
              write(a, () => konst(1));
              if (ins.op === "trylock") av[ins.dst] = BOOL;
              break;
            }
            default:
              break;
          }
          flow(pc + 1, av);
        }
      }
    }
  }

  /** Every value loc may hold, if there are few (null: more, or not known). */
  valuesAt(loc: number): readonly number[] | null {
    return this.at[loc]?.set ?? null;
  }

  /**
   * What the processes other than pid may write at loc: every value if few (sorted; [] if none
   * of them writes there), else null. With the process's own latest write (or the initial
   * value before it) these are all a read of pid may see: coherence forbids its own earlier,
   * overwritten writes and its later ones.
   */
  writtenByOthers(loc: number, pid: number): readonly number[] | null {
    let av = NONE;
    this.by.forEach((m, q) => {
      const w = q === pid ? undefined : m.get(loc);
      if (w) av = join(av, w);
    });
    return av.set;
  }

  /** What a read of location loc may see. */
  ofLocation(loc: number): AV {
    return this.at[loc] ?? UNKNOWN;
  }

  private eval(e: LExpr, av: AV[]): AV {
    switch (e.k) {
      case "const":
        return konst(e.v);
      case "local":
        return av[e.slot] ?? UNKNOWN;
      case "un":
        return avUn(e.op, this.eval(e.a, av));
      case "bool":
        return fromBool(truth(this.eval(e.a, av)));
      case "wrap":
        return avWrap(this.eval(e.a, av), e.bits, e.signed);
      case "cond":
        return avCond(this.eval(e.c, av), () => this.eval(e.a, av), () => this.eval(e.b, av));
      case "bin":
        return avBin(e.op, this.eval(e.a, av), this.eval(e.b, av), e.unsigned);
    }
  }

  /** What a symbolic value may be (a read of location loc: ofLocation(loc)). */
  of(v: Val): AV {
    if (typeof v === "number") return konst(v);
    switch (v.k) {
      case "read":
        return this.ofLocation(v.loc);
      case "un":
        return avUn(v.op, this.of(v.a));
      case "bool":
        return fromBool(truth(this.of(v.a)));
      case "wrap":
        return avWrap(this.of(v.a), v.bits, v.signed);
      case "cond":
        return avCond(this.of(v.c), () => this.of(v.a), () => this.of(v.b));
      case "bin":
        return avBin(v.op, this.of(v.a), this.of(v.b), v.unsigned);
    }
  }
}
