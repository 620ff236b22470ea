// herd7's method: candidate executions are a path per process (paths.ts), a reads-from
// choice for every read (a write of the same location and value) and a coherence order per
// location (the initial write first, each process's own writes in program order); every
// candidate is checked against the model (model.ts). Reads whose value no write gives end the
// candidate early, and a location's coherence orders are only enumerated for the writes of
// the chosen paths.

import { FinalExpr, ModelIR } from "../ir/ir.js";
import { PEvent, T } from "./events.js";
import { Lkmm, Static, Verdict, XEvent } from "./model.js";
import { Path } from "./paths.js";
import { Rel } from "./rel.js";

/** One candidate execution: events of all processes numbered together, initial writes first. */
export interface Execution {
  events: (PEvent & { proc: number; index: number })[];
  paths: Path[];
  rf: Rel;
  co: Rel;
  st: Static;
  model: Lkmm;
  verdict: Verdict;
  /** Final slots of each process and the final value of each location. */
  final: { slots: Int32Array[]; mem: Map<number, number> };
}

export interface EnumLimits {
  /** Compute the "ordered before" relation of allowed executions (Verdict.order). */
  wantOrder?: boolean;
  /** Stop after this many candidates (then the result is incomplete). */
  maxCandidates: number;
  deadline: number; // performance.now() deadline, Infinity for none
  /** Skip candidates that break coherence or atomicity (default): they are forbidden anyway,
   * and on the kernel model they are nearly all of them. false: every candidate, for a
   * witness of a Never answer that only coherence forbids. */
  prune?: boolean;
}

/** visit() returns true to stop the enumeration. */
export class StopEnum extends Error {}

export class ExecLimit extends Error {
  constructor(readonly limit: "max-candidates" | "timeout") {
    super(limit);
  }
}

/** Calls visit() with every candidate execution (consistent or not: visit decides). */
export function enumerate(model: ModelIR, perProc: Path[][], extraLocs: number[], limits: EnumLimits, visit: (x: Execution) => void): number {
  const nP = perProc.length;
  // Paths that differ only in the values read share the static relations and the model's
  // precomputed parts (the tests of the corpus have thousands of such combinations).
  const cache = new Map<string, { st: Static; lk: Lkmm }>();
  const chosen: Path[] = new Array(nP);
  let candidates = 0;
  let combos = 0;
  // What each path needs from the others (the (location, value) pairs it reads that neither
  // its own latest write there nor the initial value gives) and what it writes, as bit sets:
  // a combination in which some path needs a pair no other chosen path writes has no
  // candidate (its read has no write to read from), so it is skipped before it is built.
  const pairIds = new Map<string, number>();
  const id = (loc: number, val: number) => {
    const k = `${loc}:${val}`;
    let i = pairIds.get(k);
    if (i === undefined) pairIds.set(k, (i = pairIds.size));
    return i;
  };
  const raw = perProc.map((ps) =>
    ps.map((p) => {
      const gives: number[] = [];
      const needs: number[] = [];
      const own = new Map<number, number>();
      for (const e of p.events) {
        if (e.kind === "W") {
          gives.push(id(e.loc, e.val));
          own.set(e.loc, e.val);
        } else if (e.kind === "R" && e.val !== (own.get(e.loc) ?? model.cells[e.loc]?.init ?? 0)) needs.push(id(e.loc, e.val));
      }
      return { gives, needs };
    }),
  );
  const words = (pairIds.size + 31) >>> 5;
  const bits = (xs: number[]) => {
    const b = new Uint32Array(words);
    for (const x of xs) b[x >>> 5] |= 1 << (x & 31);
    return b;
  };
  const gives = raw.map((ps) => ps.map((p) => bits(p.gives)));
  const needs = raw.map((ps) => ps.map((p) => bits(p.needs)));
  // Everything process q may write (any of its paths), for pruning before q is chosen.
  const mayGive = gives.map((gs) => {
    const b = new Uint32Array(words);
    for (const g of gs) for (let k = 0; k < words; k++) b[k] |= g[k];
    return b;
  });
  const pickIdx = new Int32Array(nP);
  // Can every chosen path's needs (processes 0..p) be met by the other chosen paths and
  // whatever the processes not chosen yet may write?
  const feasible = (p: number): boolean => {
    for (let i = 0; i <= p; i++) {
      const need = needs[i][pickIdx[i]];
      for (let k = 0; k < words; k++) {
        if (need[k] === 0) continue;
        let have = 0;
        for (let j = 0; j < nP; j++) if (j !== i) have |= j <= p ? gives[j][pickIdx[j]][k] : mayGive[j][k];
        if ((need[k] & ~have) !== 0) return false;
      }
    }
    return true;
  };
  const pick = (p: number): void => {
    if (p === nP) {
      if ((++combos & 1023) === 0 && performance.now() > limits.deadline) throw new ExecLimit("timeout");
      candidates += combine(model, chosen.slice(), extraLocs, limits, candidates, visit, cache);
      return;
    }
    const ps = perProc[p];
    for (let k = 0; k < ps.length; k++) {
      chosen[p] = ps[k];
      pickIdx[p] = k;
      if ((++combos & 1023) === 0 && performance.now() > limits.deadline) throw new ExecLimit("timeout");
      if (!feasible(p)) continue;
      pick(p + 1);
    }
  };
  pick(0);
  return candidates;
}

const INIT_SRC = { loc: { file: null as never, offset: 0, line: 0, col: 0 }, text: "init", calls: [] };

function combine(model: ModelIR, paths: Path[], extraLocs: number[], limits: EnumLimits, before: number, visit: (x: Execution) => void, cache: Map<string, { st: Static; lk: Lkmm }>): number {
  // Locations: every one accessed, plus those the final condition names.
  const locs = new Set<number>(extraLocs);
  for (const p of paths) for (const e of p.events) if (e.kind !== "F" && e.loc >= 0) locs.add(e.loc);
  const events: Execution["events"] = [];
  const initOf = new Map<number, number>();
  for (const l of [...locs].sort((a, b) => a - b)) {
    initOf.set(l, events.length);
    const c = model.cells[l];
    events.push({ kind: "W", tags: T.IW, loc: l, val: c?.init ?? 0, src: INIT_SRC, prim: "init", proc: -1, index: -1 });
  }
  const base: number[] = [];
  for (const p of paths) {
    base.push(events.length);
    for (const e of p.events) events.push(e);
  }
  const n = events.length;
  // Reads-from candidates: writes of the same location with the value read.
  const reads: number[] = [];
  const cands: number[][] = [];
  for (let i = 0; i < n; i++) {
    const e = events[i];
    if (e.kind !== "R") continue;
    const cs: number[] = [];
    for (let j = 0; j < n; j++) {
      const w = events[j];
      if (w.kind !== "W" || w.loc !== e.loc || w.val !== e.val) continue;
      // A process's own later write cannot be read (coherence would refuse it anyway).
      if (w.proc === e.proc && j > i) continue;
      cs.push(j);
    }
    if (cs.length === 0) return 0;
    reads.push(i);
    cands.push(cs);
  }
  // Coherence orders: per location, the initial write and then a permutation of the others
  // that keeps each process's writes in program order.
  const writesAt = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const e = events[i];
    if (e.kind === "W" && e.proc >= 0) {
      const list = writesAt.get(e.loc) ?? [];
      list.push(i);
      writesAt.set(e.loc, list);
    }
  }
  const coLocs = [...writesAt.entries()];
  const coChoices = coLocs.map(([l, ws]) => permutations(ws, events).map((perm) => [initOf.get(l)!, ...perm]));

  const key = [...locs].sort((a, b) => a - b).join(",") + "/" + paths.map((p) => p.shape).join(",");
  let entry = cache.get(key);
  if (!entry) {
    const st = staticOf(events, paths, base);
    entry = { st, lk: new Lkmm(st) };
    cache.set(key, entry);
  }
  const { st, lk } = entry;
  const prune = limits.prune ?? true;
  // For pruning, per read: the process's writes to its location before and after it in
  // program order, the process's earlier reads of it, and the write of its RMW if any.
  const rmwWriteOf = new Map<number, number>();
  for (const [r, w] of pairs(st.rmw)) rmwWriteOf.set(r, w);
  const ownBefore: number[][] = [];
  const ownAfter: number[][] = [];
  const readsBefore: number[][] = [];
  for (const r of reads) {
    const e = events[r];
    const b: number[] = [];
    const a: number[] = [];
    const rb: number[] = [];
    for (let j = 0; j < n; j++) {
      const x = events[j];
      if (x.proc !== e.proc || x.loc !== e.loc || x.kind === "F" || j === r) continue;
      if (x.kind === "W") (j < r ? b : a).push(j);
      else if (j < r) rb.push(reads.indexOf(j));
    }
    ownBefore.push(b);
    ownAfter.push(a);
    readsBefore.push(rb);
  }
  const pos = new Int32Array(n).fill(-1);
  const rf = new Rel(n);
  const pickRf = new Int32Array(reads.length);
  let count = 0;
  const coPick = new Int32Array(coLocs.length);
  const visitAll = () => {
    const co = new Rel(n);
    coLocs.forEach((_, k) => {
      const order = coChoices[k][coPick[k]];
      for (let a = 0; a < order.length; a++) for (let b = a + 1; b < order.length; b++) co.add(order[a], order[b]);
    });
    // Locations written by no process: only the initial write, nothing to order.
    count++;
    if (before + count > limits.maxCandidates) throw new ExecLimit("max-candidates");
    if (((before + count) & 255) === 0 && performance.now() > limits.deadline) throw new ExecLimit("timeout");
    const verdict = lk.check(rf, co, false, limits.wantOrder ?? false);
    const mem = new Map<number, number>();
    for (const l of locs) {
      const order = coLocs.findIndex(([x]) => x === l);
      const last = order < 0 ? initOf.get(l)! : coChoices[order][coPick[order]].at(-1)!;
      mem.set(l, events[last].val);
    }
    visit({ events, paths, rf: rf.clone(), co, st, model: lk, verdict, final: { slots: paths.map((p) => p.slots), mem } });
  };
  // Coherence (SC per location) under a fixed co is each process seeing a location's writes
  // in co order: a read sees nothing co-before what the process saw or wrote there earlier,
  // nor anything from its own later writes on; an RMW's read sees its write's immediate
  // co-predecessor (atomicity, given coherence).
  const coherent = (k: number, w: number): boolean => {
    const p = pos[w];
    for (const b of ownBefore[k]) if (pos[b] > p) return false;
    for (const a of ownAfter[k]) if (pos[a] <= p) return false;
    for (const j of readsBefore[k]) if (pos[pickRf[j]] > p) return false;
    const rw = rmwWriteOf.get(reads[k]);
    return rw === undefined || pos[rw] === p + 1;
  };
  const rfRec = (k: number): void => {
    if (k === reads.length) return visitAll();
    const r = reads[k];
    for (const w of cands[k]) {
      if (prune && !coherent(k, w)) continue;
      pickRf[k] = w;
      rf.add(w, r);
      rfRec(k + 1);
      rf.a[w * rf.w + (r >>> 5)] &= ~(1 << (r & 31));
    }
  };
  const coRec = (k: number): void => {
    if (k === coLocs.length) return rfRec(0);
    for (let c = 0; c < coChoices[k].length; c++) {
      coPick[k] = c;
      coChoices[k][c].forEach((w, i) => (pos[w] = i));
      coRec(k + 1);
    }
  };
  for (const [l] of coLocs) pos[initOf.get(l)!] = 0;
  for (const l of locs) pos[initOf.get(l)!] = 0;
  coRec(0);
  return count;
}

function pairs(r: Rel): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < r.n; i++) for (let j = 0; j < r.n; j++) if (r.has(i, j)) out.push([i, j]);
  return out;
}

function permutations(ws: number[], events: { proc: number }[]): number[][] {
  const out: number[][] = [];
  const used = new Uint8Array(ws.length);
  const cur: number[] = [];
  const rec = () => {
    if (cur.length === ws.length) {
      out.push(cur.slice());
      return;
    }
    for (let i = 0; i < ws.length; i++) {
      if (used[i]) continue;
      // po-loc order of one process's writes is part of coherence: keep it.
      let ok = true;
      for (let j = 0; j < i; j++) if (!used[j] && events[ws[j]].proc === events[ws[i]].proc) ok = false;
      if (!ok) continue;
      used[i] = 1;
      cur.push(ws[i]);
      rec();
      cur.pop();
      used[i] = 0;
    }
  };
  rec();
  return out;
}

function staticOf(events: Execution["events"], paths: Path[], base: number[]): Static {
  const n = events.length;
  const ev: XEvent[] = events.map((e) => ({ kind: e.kind, tags: e.tags, loc: e.loc, val: e.val, proc: e.proc }));
  const po = new Rel(n);
  const addr = new Rel(n);
  const data = new Rel(n);
  const ctrl = new Rel(n);
  const rmw = new Rel(n);
  const rscs = new Rel(n);
  const srcuRscs = new Rel(n);
  paths.forEach((p, k) => {
    const b = base[k];
    const m = p.events.length;
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) po.add(b + i, b + j);
    for (const [i, j] of p.addr) addr.add(b + i, b + j);
    for (const [i, j] of p.data) data.add(b + i, b + j);
    for (const [i, j] of p.ctrl) ctrl.add(b + i, b + j);
    for (const [i, j] of p.rmw) rmw.add(b + i, b + j);
    for (const [i, j] of p.rscs) rscs.add(b + i, b + j);
    for (const [i, j] of p.srcuRscs) srcuRscs.add(b + i, b + j);
  });
  return { n, ev, po, addr, data, ctrl, rmw, rscs, srcuRscs };
}

/** The final condition (or filter) on one execution. */
export function evalCond(e: FinalExpr, x: Execution["final"]): boolean {
  switch (e.k) {
    case "and":
      return evalCond(e.a, x) && evalCond(e.b, x);
    case "or":
      return evalCond(e.a, x) || evalCond(e.b, x);
    case "not":
      return !evalCond(e.a, x);
    case "const":
      return e.v;
    case "atom": {
      const a = e.atom;
      const v = a.kind === "mem" ? (x.mem.get(a.addr) ?? 0) : x.slots[a.proc][a.slot];
      const w = a.rhs ? x.slots[a.rhs.proc][a.rhs.slot] : a.value;
      return (v === w) !== a.negate;
    }
  }
}
