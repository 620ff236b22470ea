// One location at a time: can its events have a coherence order and reads-from under which the
// values its reads see meet the tests the paths took on them? (Symbolic paths, design.md "One
// location at a time".) Every consistent candidate has, per location, a total coherence order
// with the initial write first and each process's writes in program order, each read seeing
// its process's view of that order move forward (the coherence axiom), and each RMW's read
// taking its write's immediate co-predecessor (atomicity). If one location's events alone admit
// no such order with values meeting the tests that mention only that location's reads, the
// combination of paths has no candidate and is never built: exec.ts picks the last process's
// paths from lastOptions(), a bit set of those that leave every location possible.
//
// This is a relaxation, so it is exact to skip on "no": a value that depends on a read of
// another location is unknown here and meets every test. The answer for one location depends
// only on the events the paths have there, so it is kept per such set of events: the kernel
// model's paths differ mostly elsewhere, and the same refcount chain comes back thousands of
// times.

import type { ModelIR } from "../ir/ir.js";
import type { Path } from "./paths.js";
import { Constraint, evalVal, mapReads, readVar, readsOf, type Val } from "./sym.js";

/** One path's events at one location, numbered 0.. in program order. */
interface Piece {
  id: number;
  kinds: ("R" | "W")[];
  /** Per event: a write's value (number or expression over this piece's reads by local number,
   * null: depends on another location), a read's expected value (number: a concrete read). */
  vals: (Val | null)[];
  /** Per event: the other half of its RMW (local number), or -1. */
  rmw: number[];
  /** The path's tests whose reads are all at this location (reads renumbered locally). */
  tests: Constraint[];
}

/** Past this many search nodes for one location the answer is "possible". */
const NODES = 20_000;

export class PerLocation {
  private readonly pieces = new Map<Path, Map<number, Piece>>();
  private readonly pieceIds = new Map<string, number>();
  /** Every location some path accesses. */
  private readonly locs: number[];
  /** Per location: the last process's pieces there (id 0: none) and which of its paths have each. */
  private readonly lastPieces = new Map<number, { piece: Piece | null; paths: Uint32Array }[]>();
  /** Per location and pieces of the other processes: the last process's paths that complete them. */
  private readonly memo = new Map<string, Uint32Array>();
  private readonly words: number;

  constructor(private readonly model: ModelIR, private readonly perProc: readonly Path[][]) {
    const locs = new Set<number>();
    for (const ps of perProc) for (const p of ps) for (const l of this.piecesOf(p).keys()) locs.add(l);
    this.locs = [...locs];
    const last = perProc[perProc.length - 1];
    this.words = (last.length + 31) >>> 5;
    for (const l of this.locs) {
      const byId = new Map<number, { piece: Piece | null; paths: Uint32Array }>();
      last.forEach((path, k) => {
        const piece = this.piecesOf(path).get(l) ?? null;
        const id = piece?.id ?? 0;
        let e = byId.get(id);
        if (!e) byId.set(id, (e = { piece, paths: new Uint32Array(this.words) }));
        e.paths[k >>> 5] |= 1 << (k & 31);
      });
      this.lastPieces.set(l, [...byId.values()]);
    }
  }

  /**
   * The last process's paths (a bit set over its paths) that, with `chosen`'s paths for the
   * other processes, leave every location's events a coherent assignment of values. The
   * combinations with the other paths have no candidate.
   */
  lastOptions(chosen: readonly Path[]): Uint32Array {
    const out = new Uint32Array(this.words).fill(~0);
    const others = chosen.slice(0, this.perProc.length - 1).map((p) => this.piecesOf(p));
    for (const l of this.locs) {
      const ps = others.map((m) => m.get(l) ?? null);
      const key = `${l}:${ps.map((p) => (p ? p.id : 0)).join(",")}`;
      let ok = this.memo.get(key);
      if (!ok) {
        ok = new Uint32Array(this.words);
        const given = ps.filter((p): p is Piece => p !== null);
        for (const { piece, paths } of this.lastPieces.get(l)!) {
          const all = piece ? [...given, piece] : given;
          if (all.length === 0 || solve(this.model.cells[l]?.init ?? 0, all)) for (let i = 0; i < ok.length; i++) ok[i] |= paths[i];
        }
        this.memo.set(key, ok);
      }
      for (let i = 0; i < out.length; i++) out[i] &= ok[i];
    }
    return out;
  }

  private piecesOf(path: Path): Map<number, Piece> {
    let m = this.pieces.get(path);
    if (m) return m;
    m = new Map();
    const local = new Map<number, number>(); // path event index -> local number at its location
    const byLoc = new Map<number, number[]>();
    path.events.forEach((e, i) => {
      if ((e.kind !== "R" && e.kind !== "W") || e.loc < 0) return;
      const xs = byLoc.get(e.loc) ?? [];
      local.set(i, xs.length);
      xs.push(i);
      byLoc.set(e.loc, xs);
    });
    const pairOf = new Map<number, number>();
    for (const [r, w] of path.rmw) pairOf.set(r, w).set(w, r);
    for (const [loc, xs] of byLoc) {
      const atLoc = (ev: number) => path.events[ev].loc === loc;
      const rename = (v: Val): Val | null => (readsAllAt(v, atLoc) ? renumber(v, local) : null);
      const tests = path.constraints
        .filter((c) => {
          const rs = readsOf(c.e);
          return rs.size > 0 && [...rs].every(atLoc);
        })
        .map((c) => ({ e: renumber(c.e, local) as Constraint["e"], holds: c.holds }));
      const kinds = xs.map((i) => path.events[i].kind as "R" | "W");
      const vals = xs.map((i) => {
        const e = path.events[i];
        if (e.kind === "R") return e.vx === undefined ? e.val : null;
        return e.vx === undefined ? e.val : rename(e.vx);
      });
      const rmw = xs.map((i) => (pairOf.has(i) && atLoc(pairOf.get(i)!) ? local.get(pairOf.get(i)!)! : -1));
      const key = JSON.stringify([kinds, vals.map(text), rmw, tests.map((c) => [c.holds, text(c.e)])]);
      let id = this.pieceIds.get(key);
      if (id === undefined) this.pieceIds.set(key, (id = this.pieceIds.size + 1));
      m.set(loc, { id, kinds, vals, rmw, tests });
    }
    this.pieces.set(path, m);
    return m;
  }
}

function readsAllAt(v: Val, at: (ev: number) => boolean): boolean {
  for (const r of readsOf(v)) if (!at(r)) return false;
  return true;
}

/** v with each read's event index replaced by its local number. */
const renumber = (v: Val, local: ReadonlyMap<number, number>): Val => mapReads(v, (r) => readVar(local.get(r.ev)!, r.loc));

/** Structural text of a value (ids left out: equal text, equal function of the reads). */
function text(v: Val | null): string {
  if (v === null) return "?";
  if (typeof v === "number") return String(v);
  switch (v.k) {
    case "read":
      return `r${v.ev}`;
    case "un":
      return `(${v.op}${text(v.a)})`;
    case "bin":
      return `(${text(v.a)}${v.op}${v.unsigned ? "u" : ""}${text(v.b)})`;
    case "wrap":
      return `(${v.signed ? "s" : "u"}${v.bits}:${text(v.a)})`;
    case "bool":
      return `(bool ${text(v.a)})`;
    case "cond":
      return `(${text(v.c)}?${text(v.a)}:${text(v.b)})`;
  }
}

/**
 * The search for one location. Any coherent choice of co and rf can be played as a sequence in
 * which each process takes its events at this location in program order: a write is placed
 * next in co, a read reads the write placed last (an RMW's read, the one just before its own
 * write), and a process's reads see co move forward. So the search picks, step by step, the
 * process whose next event comes next; what is left to decide depends only on how far each
 * process has got, the value of the last write and the read values still used later, so a
 * state that failed once is not searched again. True if some sequence meets every test.
 */
function solve(init: number, pieces: Piece[]): boolean {
  const plan = pieces.map(planOf);
  const idx = pieces.map(() => 0);
  const readV = pieces.map((p) => new Int32Array(p.kinds.length));
  const readK = pieces.map((p) => new Uint8Array(p.kinds.length));
  const total = pieces.reduce((s, p) => s + p.kinds.length, 0);
  const failed = new Set<string>();
  let nodes = 0;
  let unknown = false;
  let q0 = 0;
  const readVal = (ev: number): number => {
    if (!readK[q0][ev]) unknown = true;
    return readV[q0][ev];
  };
  /** Value of piece q's expression v (null: unknown). */
  const evalIn = (q: number, v: Val | null): number | null => {
    if (v === null) return null;
    q0 = q;
    unknown = false;
    const x = evalVal(v, readVal);
    return unknown ? null : x;
  };
  const keyOf = (lastV: number, lastK: number): string => {
    let k = `${lastK ? lastV : "?"}`;
    for (let q = 0; q < pieces.length; q++) {
      k += `|${idx[q]}`;
      for (const r of plan[q].live[idx[q]]) k += `,${readK[q][r] ? readV[q][r] : "?"}`;
    }
    return k;
  };
  /** Piece q's read i reads a write of value (v, k): false if a test decided now fails. */
  const read = (q: number, i: number, v: number, k: number): boolean => {
    readV[q][i] = v;
    readK[q][i] = k;
    const want = pieces[q].vals[i];
    if (typeof want === "number" && k && v !== want) return false;
    for (const c of plan[q].testsAt[i]) {
      const x = evalIn(q, c.e);
      if (x !== null && (x !== 0) !== c.holds) return false;
    }
    return true;
  };
  const step = (done: number, lastV: number, lastK: number): boolean => {
    if (done === total) return true;
    if (++nodes > NODES) return true;
    const key = keyOf(lastV, lastK);
    if (failed.has(key)) return false;
    for (let q = 0; q < pieces.length; q++) {
      const p = pieces[q];
      const i = idx[q];
      if (i === p.kinds.length) continue;
      let ok: boolean;
      if (p.kinds[i] === "W") {
        // A plain write: placed next in co.
        const v = evalIn(q, p.vals[i]);
        idx[q] = i + 1;
        ok = step(done + 1, v ?? 0, v === null ? 0 : 1);
      } else if (p.rmw[i] >= 0) {
        // An RMW: its read takes the last write, its write comes next.
        const w = p.rmw[i];
        if (!read(q, i, lastV, lastK)) continue;
        const v = evalIn(q, p.vals[w]);
        idx[q] = w + 1;
        ok = step(done + 2, v ?? 0, v === null ? 0 : 1);
      } else {
        if (!read(q, i, lastV, lastK)) continue;
        idx[q] = i + 1;
        ok = step(done + 1, lastV, lastK);
      }
      idx[q] = i;
      if (ok) return true;
    }
    failed.add(key);
    return false;
  };
  return step(0, init, 1);
}

/** Per piece: the tests to check when each read is taken (those whose last read it is), and
 * per position the earlier reads whose values a later test or write still uses. */
function planOf(p: Piece): { testsAt: Constraint[][]; live: number[][] } {
  const n = p.kinds.length;
  const testsAt: Constraint[][] = Array.from({ length: n }, () => []);
  const lastUse = new Int32Array(n).fill(-1);
  for (const c of p.tests) {
    const rs = [...readsOf(c.e)];
    const last = Math.max(...rs);
    testsAt[last].push(c);
    for (const r of rs) lastUse[r] = Math.max(lastUse[r], last);
  }
  p.vals.forEach((v, j) => {
    if (p.kinds[j] === "W" && v !== null) for (const r of readsOf(v)) lastUse[r] = Math.max(lastUse[r], j);
  });
  // Position i: events 0..i-1 are done; read r is live if a test or write at i or later uses it.
  const live = Array.from({ length: n + 1 }, (_, i) => [...Array(i).keys()].filter((r) => lastUse[r] >= i));
  return { testsAt, live };
}
