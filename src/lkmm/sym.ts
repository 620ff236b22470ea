// Symbolic read values (herd7's way): under the symbolic mode of paths.ts a read returns a
// variable for its event, local arithmetic builds expressions over those variables, and a
// path forks only where a test needs a concrete outcome, recording the outcome as a
// constraint. exec.ts gives the variables values per candidate execution: a read takes the
// value of the write it reads from, a write's expression is evaluated with its process's read
// values (resolve()), and the candidate exists only if every constraint holds.

import { evalBin, wrapValue } from "../ir/lower.js";
import { BinOp } from "../ir/ir.js";

/** An expression over a path's reads; `read` is the value of the path's event `ev`. Nodes are
 * immutable and carry an id (for keys: same id, same expression). */
export type SExpr =
  | { k: "read"; id: number; ev: number; loc: number }
  | { k: "un"; id: number; op: "-" | "!" | "~"; a: Val }
  | { k: "bin"; id: number; op: BinOp; a: Val; b: Val; unsigned: boolean }
  | { k: "wrap"; id: number; bits: number; signed: boolean; a: Val }
  | { k: "bool"; id: number; a: Val }
  | { k: "cond"; id: number; c: Val; a: Val; b: Val };

/** A concrete value or an expression. */
export type Val = number | SExpr;

/** A test the path took: (expr != 0) === holds. */
export interface Constraint {
  e: SExpr;
  holds: boolean;
}

let nextId = 1;
const id = () => nextId++;

/** The value of the path's read event ev, of location loc. */
export const readVar = (ev: number, loc: number): SExpr => ({ k: "read", id: id(), ev, loc });

export function unOp(op: "-" | "!" | "~", a: Val): Val {
  if (typeof a === "number") return op === "-" ? -a | 0 : op === "!" ? +(a === 0) : ~a;
  return { k: "un", id: id(), op, a };
}

export function binOp(op: BinOp, a: Val, b: Val, unsigned: boolean): Val {
  if (typeof a === "number" && typeof b === "number") return evalBin(op, a, b, unsigned);
  // x & 0, x * 0: no dependence on x's value (the taint stays, as herd7's data dependency does).
  if ((op === "&" || op === "*") && (a === 0 || b === 0)) return 0;
  if ((op === "+" || op === "|" || op === "^" || op === "-" || op === "<<" || op === ">>") && b === 0) return a;
  return { k: "bin", id: id(), op, a, b, unsigned };
}

export function wrapOp(a: Val, bits: number, signed: boolean): Val {
  if (typeof a === "number") return wrapValue(a, bits, signed);
  // Every value is a 32-bit integer already (evalBin's results are).
  if (bits >= 32) return a;
  if (a.k === "wrap" && a.bits === bits && a.signed === signed) return a;
  return { k: "wrap", id: id(), bits, signed, a };
}

export function boolOp(a: Val): Val {
  if (typeof a === "number") return +(a !== 0);
  if (isBoolean(a)) return a;
  return { k: "bool", id: id(), a };
}

export function condOp(c: Val, a: Val, b: Val): Val {
  if (typeof c === "number") return c !== 0 ? a : b;
  return { k: "cond", id: id(), c, a, b };
}

const COMPARISONS = new Set<BinOp>(["==", "!=", "<", ">", "<=", ">=", "&&", "||"]);

/** An expression whose value is 0 or 1. */
function isBoolean(e: SExpr): boolean {
  return e.k === "bool" || (e.k === "un" && e.op === "!") || (e.k === "bin" && COMPARISONS.has(e.op));
}

/** The value of v given the values of its path's reads (readVal(ev)). */
export function evalVal(v: Val, readVal: (ev: number) => number): number {
  if (typeof v === "number") return v;
  switch (v.k) {
    case "read":
      return readVal(v.ev);
    case "un": {
      const a = evalVal(v.a, readVal);
      return v.op === "-" ? -a | 0 : v.op === "!" ? +(a === 0) : ~a;
    }
    case "bin":
      return evalBin(v.op, evalVal(v.a, readVal), evalVal(v.b, readVal), v.unsigned);
    case "wrap":
      return wrapValue(evalVal(v.a, readVal), v.bits, v.signed);
    case "bool":
      return +(evalVal(v.a, readVal) !== 0);
    case "cond":
      return evalVal(v.c, readVal) !== 0 ? evalVal(v.a, readVal) : evalVal(v.b, readVal);
  }
}

/** v with the reads of `bound` replaced by their values (folded where that makes constants). */
export function substitute(v: Val, bound: ReadonlyMap<number, number>): Val {
  return bound.size === 0 ? v : mapReads(v, (r) => bound.get(r.ev));
}

/** v with each read r replaced by f(r) where that is defined (folded where that makes
 * constants; the same object where nothing changes). */
export function mapReads(v: Val, f: (r: SExpr & { k: "read" }) => Val | undefined): Val {
  if (typeof v === "number") return v;
  switch (v.k) {
    case "read":
      return f(v) ?? v;
    case "un": {
      const a = mapReads(v.a, f);
      return a === v.a ? v : unOp(v.op, a);
    }
    case "bin": {
      const a = mapReads(v.a, f);
      const b = mapReads(v.b, f);
      return a === v.a && b === v.b ? v : binOp(v.op, a, b, v.unsigned);
    }
    case "wrap": {
      const a = mapReads(v.a, f);
      return a === v.a ? v : wrapOp(a, v.bits, v.signed);
    }
    case "bool": {
      const a = mapReads(v.a, f);
      return a === v.a ? v : boolOp(a);
    }
    case "cond": {
      const c = mapReads(v.c, f);
      const a = mapReads(v.a, f);
      const b = mapReads(v.b, f);
      return c === v.c && a === v.a && b === v.b ? v : condOp(c, a, b);
    }
  }
}

/** The path's reads an expression uses (event indices). */
export function readsOf(v: Val, out: Set<number> = new Set()): Set<number> {
  if (typeof v === "number") return out;
  switch (v.k) {
    case "read":
      out.add(v.ev);
      break;
    case "un":
    case "wrap":
    case "bool":
      readsOf(v.a, out);
      break;
    case "bin":
      readsOf(v.a, out);
      readsOf(v.b, out);
      break;
    case "cond":
      readsOf(v.c, out);
      readsOf(v.a, out);
      readsOf(v.b, out);
      break;
  }
  return out;
}

/** A test as (base expression, negated): `!x`, `x == 0` and `x != 0`, `bool(x)` test x. Used to
 * recognise a test the path has already decided. */
export function testOf(e: SExpr): { base: Val; negated: boolean } {
  let base: Val = e;
  let negated = false;
  for (;;) {
    if (typeof base === "number") return { base, negated };
    if (base.k === "un" && base.op === "!") {
      negated = !negated;
      base = base.a;
    } else if (base.k === "bool") base = base.a;
    else if (base.k === "bin" && (base.op === "==" || base.op === "!=") && (base.b === 0 || base.a === 0)) {
      if (base.op === "==") negated = !negated;
      base = base.b === 0 ? base.a : base.b;
    } else return { base, negated };
  }
}

/**
 * The key under which a test's outcome is remembered (paths.ts facts): its base's id, except
 * that a test of one bit of an expression is keyed by the expression and the bit whatever its
 * shape, `(x >> k) & 1` (test_bit()) or `x & (1 << k)` (the success of a test_and_set_bit()).
 */
export function factKey(base: SExpr): number | string {
  if (base.k === "bin" && base.op === "&" && base.b === 1 && typeof base.a !== "number" && base.a.k === "bin" && base.a.op === ">>" && typeof base.a.b === "number" && typeof base.a.a !== "number")
    return `${base.a.a.id}&${(1 << base.a.b) >>> 0}`;
  if (base.k === "bin" && base.op === "&" && typeof base.b === "number" && typeof base.a !== "number" && base.b !== 0 && (base.b & (base.b - 1)) === 0) return `${base.a.id}&${base.b >>> 0}`;
  return base.id;
}

/** If the outcome `holds` of test e fixes one read's value, that read and value (x == c, !x). */
export function bindingOf(e: SExpr, holds: boolean): [number, number] | null {
  const { base, negated } = testOf(e);
  if (typeof base === "number") return null;
  const truth = holds !== negated;
  if (!truth && base.k === "read") return [base.ev, 0];
  if (truth && base.k === "bin" && base.op === "==") {
    if (typeof base.a === "number" && typeof base.b !== "number" && base.b.k === "read") return [base.b.ev, base.a];
    if (typeof base.b === "number" && typeof base.a !== "number" && base.a.k === "read") return [base.a.ev, base.b];
  }
  return null;
}
