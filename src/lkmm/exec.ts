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
  const pick = (p: number): void => {
    if (p === nP) {
      if ((++combos & 1023) === 0 && performance.now() > limits.deadline) throw new ExecLimit("timeout");
      candidates += combine(model, chosen.slice(), extraLocs, limits, candidates, visit, cache);
      return;
    }
    for (const path of perProc[p]) {
      chosen[p] = path;
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
  const coRec = (k: number): void => {
    if (k === coLocs.length) return visitAll();
    for (let c = 0; c < coChoices[k].length; c++) {
      coPick[k] = c;
      coRec(k + 1);
    }
  };
  const rfRec = (k: number): void => {
    if (k === reads.length) return coRec(0);
    const r = reads[k];
    for (const w of cands[k]) {
      pickRf[k] = w;
      rf.add(w, r);
      rfRec(k + 1);
      rf.a[w * rf.w + (r >>> 5)] &= ~(1 << (r & 31));
    }
  };
  rfRec(0);
  return count;
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
