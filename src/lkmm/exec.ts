// herd7's method: candidate executions are a path per process (paths.ts), a reads-from
// choice for every read (a write of the same location and value) and a coherence order per
// location (the initial write first, each process's own writes in program order); every
// candidate is checked against the model (model.ts). Reads whose value no write gives end the
// candidate early, and a location's coherence orders are only enumerated for the writes of
// the chosen paths. Where every process's paths have one shape, whole subtrees of candidates
// are found allowed at once (enumerateBulk), each candidate still getting check()'s verdict.
// Symbolic paths (paths.ts) leave values open: a read may read any same-location write, and
// each candidate's values are resolved along rf (resolve.ts); one whose constraints fail is not
// a candidate (as a concrete read with no same-value write is none).

import { FinalExpr, ModelIR } from "../ir/ir.js";
import { PEvent, T } from "./events.js";
import { Lkmm, Static, Verdict, XEvent } from "./model.js";
import { Path } from "./paths.js";
import { Rel } from "./rel.js";
import { Resolved, ValueResolver, mayGive } from "./resolve.js";
import { PerLocation } from "./per-location.js";

/** One candidate execution: events of all processes numbered together, initial writes first.
 * visit() may see buffers that the next candidate reuses (events, rf, the final memory): what
 * it keeps beyond the call must be a snapshot(). */
export interface Execution {
  events: (PEvent & { proc: number; index: number })[];
  paths: Path[];
  rf: Rel;
  co: Rel;
  st: Static;
  model: Lkmm;
  verdict: Verdict;
  /** Final slots of each process and the final value of each location. */
  final: { slots: Int32Array[]; mem: { get(loc: number): number | undefined } };
}

/** A copy of x that later candidates do not change (a symbolic path's events and the slots hold
 * this candidate's values, which the next one overwrites). */
export function snapshot(x: Execution): Execution {
  const mem = x.final.mem instanceof FinalMemory ? x.final.mem.toMap() : x.final.mem;
  const events = x.events.map((e) => (e.vx !== undefined ? { ...e } : e));
  return { ...x, events, paths: x.paths.slice(), rf: x.rf.clone(), final: { slots: x.final.slots.map((s) => s.slice()), mem } };
}

/** The run met an allowed candidate whose values depend on themselves through reads-from
 * (resolve.ts): symbolic values cannot give it values. */
export class ValueCycle extends Error {
  constructor(readonly where: string) {
    super(`a value depends on itself through reads-from in an allowed candidate (${where})`);
  }
}

/** The events of a combination. A symbolic path's events with an expression get the current
 * candidate's values (resolve.ts): one candidate is looked at at a time, and snapshot() copies them. */
function eventsOf(init: Execution["events"], paths: Path[]): Execution["events"] {
  const events = init.slice();
  for (const p of paths) for (const e of p.events) events.push(e);
  return events;
}

/** Final values of the locations: the value of the co-last write of each, read from the
 * events as they are when asked (the events buffer of a bulk enumeration changes). */
class FinalMemory {
  constructor(
    private readonly locs: number[],
    private readonly last: Int32Array,
    private readonly events: Execution["events"],
  ) {}
  get(loc: number): number | undefined {
    const k = this.locs.indexOf(loc);
    return k < 0 ? undefined : this.events[this.last[k]].val;
  }
  toMap(): Map<number, number> {
    return new Map(this.locs.map((l, k) => [l, this.events[this.last[k]].val]));
  }
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
  /** No forbidden execution is wanted (no final condition needs a witness): the symbolic search
   * skips the part of the candidates whose chosen part already breaks an ordering axiom. */
  skipForbidden?: boolean;
}

/** visit() returns true to stop the enumeration. */
export class StopEnum extends Error {}

export class ExecLimit extends Error {
  constructor(readonly limit: "max-candidates" | "timeout") {
    super(limit);
  }
}

/** What the path combinations with the same shapes (paths that differ only in values) share:
 * the locations and initial writes, where each process's events start, the writes a read may
 * read (by location), the coherence orders, the static relations and the model's constant parts. */
interface ShapeEntry {
  locs: number[];
  init: Execution["events"];
  n: number;
  /** Each read's index and the same-location writes it may read (not its own later ones). */
  reads: number[];
  sameLoc: number[][];
  coLocs: [number, number[]][];
  coChoices: number[][][];
  /** co for each combination of coherence choices (mixed radix over coLocs), built on first use. */
  coCache: (Rel | undefined)[] | null;
  /** Per location (in locs' order): its index in coLocs, or -1 (only the initial write). */
  memOrder: number[];
  /** Where each process's events start. */
  base: number[];
  coCount: number;
  st: Static;
  lk: Lkmm;
}

interface ShapeNode {
  next: (ShapeNode | undefined)[];
  entry: ShapeEntry | null;
}

/** For tests: `bulk` false checks every candidate in full (none found allowed in bulk, none
 * pruned by coherence); `prune` false keeps the candidates coherence forbids where bulk
 * counting does not apply; `seen` is shown every candidate; `cuts` false turns off the
 * symbolic search's per-location filter and ordering checks; `orderChecks` true makes it check
 * orderings even where forbidden executions are wanted (a final condition's witness). */
export const enumTesting: { bulk: boolean; prune: boolean; seen: ((x: Execution) => void) | null; cuts: boolean; orderChecks: boolean } = {
  bulk: true,
  prune: true,
  seen: null,
  cuts: true,
  orderChecks: false,
};

/** Calls visit() with every candidate execution (consistent or not: visit decides). */
export function enumerate(model: ModelIR, perProc: Path[][], extraLocs: number[], limits: EnumLimits, visit0: (x: Execution) => void): number {
  const nP = perProc.length;
  const seen = enumTesting.seen;
  const visit = seen ? (x: Execution) => (seen(x), visit0(x)) : visit0;
  // Each process with paths of one shape (values aside): one ShapeEntry, and whole subtrees of
  // candidates can be found allowed at once (enumerateBulk).
  if (enumTesting.bulk && !limits.wantOrder && perProc.every((ps) => ps.length > 0 && ps.every((p) => p.shape === ps[0].shape))) {
    const entry = shapeEntry(model, perProc.map((ps) => ps[0]), extraLocs);
    if (!entry.lk.plainAccesses && entry.coCount <= MAX_BULK_CO) return enumerateBulk(entry, perProc, limits, visit);
  }
  // Combinations of paths with the same shapes share a ShapeEntry, found by walking a trie of
  // shape numbers as the paths are picked (the tests of the corpus have thousands of such
  // combinations). The order of the candidates is the plain nested order: paths, then rf, then co.
  const root: ShapeNode = { next: [], entry: null };
  const chosen: Path[] = new Array(nP);
  let candidates = 0;
  let combos = 0;
  const prune = (limits.prune ?? true) && enumTesting.bulk && enumTesting.prune;
  const feasible = prune ? needsMet(model, perProc) : null;
  const pickIdx = feasible?.pickIdx;
  let cached = 0;
  const cuts = prune && enumTesting.cuts;
  // Symbolic paths: partial executions checked for ordering cycles (OrderChecks), and each
  // location's events alone must admit coherent values (per-location.ts).
  const orderChecks = cuts && (limits.skipForbidden || enumTesting.orderChecks) ? new OrderChecks() : null;
  const perLocation = cuts && perProc.some((ps) => ps.some((path) => path.symbolic)) ? new PerLocation(model, perProc) : null;
  const pick = (p: number, node: ShapeNode): void => {
    if (p === nP) {
      if ((++combos & 1023) === 0 && performance.now() > limits.deadline) throw new ExecLimit("timeout");
      // Cached per combination of shapes while there are not too many (symbolic paths have
      // nearly as many shapes as paths, and an entry holds the static relations).
      let entry = node.entry;
      if (!entry && chosen.some((path) => path.symbolic) && !valuesPossible(model, chosen)) return;
      if (!entry) {
        entry = shapeEntry(model, chosen, extraLocs);
        if (cached++ < MAX_CACHED_SHAPES) node.entry = entry;
      }
      candidates += combine(entry, chosen.slice(), limits, candidates, visit, prune, orderChecks);
      return;
    }
    const ps = perProc[p];
    // The last process: only the paths every location's events allow with the others' choices.
    const options = perLocation && p === nP - 1 ? perLocation.lastOptions(chosen) : null;
    for (let k = 0; k < ps.length; k++) {
      if (options && (options[k >>> 5] & (1 << (k & 31))) === 0) continue;
      const path = ps[k];
      chosen[p] = path;
      if (feasible) {
        pickIdx![p] = k;
        if ((++combos & 1023) === 0 && performance.now() > limits.deadline) throw new ExecLimit("timeout");
        if (!feasible.ok(p)) continue;
      }
      pick(p + 1, (node.next[path.shape] ??= { next: [], entry: null }));
    }
  };
  pick(0, root);
  return candidates;
}

/**
 * What each path needs from the others (the (location, value) pairs it reads that neither its
 * own latest write there nor the initial value gives) and what it writes, as bit sets: a
 * combination in which some path needs a pair no other chosen path writes has no candidate
 * (its read has no write to read from), so it is skipped before it is built. ok(p): can every
 * chosen path's needs (processes 0..p, the paths at pickIdx) be met by the other chosen paths
 * and whatever the processes not chosen yet may write?
 */
function needsMet(model: ModelIR, perProc: Path[][]): { pickIdx: Int32Array; ok: (p: number) => boolean } {
  const nP = perProc.length;
  const pairIds = new Map<string, number>();
  const id = (loc: number, val: number) => {
    const k = `${loc}:${val}`;
    let i = pairIds.get(k);
    if (i === undefined) pairIds.set(k, (i = pairIds.size));
    return i;
  };
  // A location some path writes a symbolic value to may get any value: no need there is known
  // unmet. A symbolic read needs no particular value.
  const anyValue = new Set<number>();
  for (const ps of perProc) for (const p of ps) if (p.symbolic) for (const e of p.events) if (e.kind === "W" && e.vx !== undefined) anyValue.add(e.loc);
  const raw = perProc.map((ps) =>
    ps.map((p) => {
      const gives: number[] = [];
      const needs: number[] = [];
      const own = new Map<number, number>();
      for (const e of p.events) {
        if (e.vx !== undefined || anyValue.has(e.loc)) continue;
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
  const ok = (p: number): boolean => {
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
  return { pickIdx, ok };
}

/** Nodes valuesPossible() searches before it answers "maybe". The full search it saves is often
 * cheaper than a long pre-check: on the kernel-model catalog 1000 nodes ran v6.15/03a in 6.8 s
 * and 2020-splice-thread/10 in 15 s, against 17 s and 26 s with 20 000 (same candidates). */
const VALUE_NODES = 1000;

/**
 * Symbolic paths: can the reads get values under which every constraint holds, each read
 * reading some write of its location (not a later one of its own process)? If not, the
 * combination has no candidate, and its relations (shapeEntry) and coherence orders are never
 * built. Coherence is left to the full search; past VALUE_NODES nodes the answer is "maybe".
 */
function valuesPossible(model: ModelIR, paths: Path[]): boolean {
  const events: Execution["events"] = [];
  const writesAt = new Map<number, number[]>();
  const addWrite = (loc: number, i: number) => {
    const ws = writesAt.get(loc);
    if (ws) ws.push(i);
    else writesAt.set(loc, [i]);
  };
  for (const p of paths)
    for (const e of p.events)
      if (e.kind !== "F" && e.loc >= 0 && !writesAt.has(e.loc)) {
        addWrite(e.loc, events.length);
        events.push({ kind: "W", tags: T.IW, loc: e.loc, val: model.cells[e.loc]?.init ?? 0, src: INIT_SRC, prim: "init", proc: -1, index: -1 });
      }
  const base: number[] = [];
  for (const p of paths) {
    base.push(events.length);
    for (const e of p.events) {
      if (e.kind === "W") addWrite(e.loc, events.length);
      events.push(e);
    }
  }
  const reads: number[] = [];
  const cands: number[][] = [];
  for (let r = 0; r < events.length; r++) {
    const e = events[r];
    if (e.kind !== "R") continue;
    const cs = (writesAt.get(e.loc) ?? []).filter((w) => !(events[w].proc === e.proc && w > r) && mayGive(events[w], e));
    if (cs.length === 0) return false;
    reads.push(r);
    cands.push(cs);
  }
  const resolver = new ValueResolver(events, paths, base);
  resolver.prepareOrder(reads);
  const rfOf = new Int32Array(events.length);
  let nodes = 0;
  const search = (k: number): boolean => {
    if (k === reads.length) return resolver.resolve(rfOf) !== Resolved.UNSAT;
    for (const w of cands[k]) {
      if (++nodes > VALUE_NODES) return true;
      rfOf[reads[k]] = w;
      if (resolver.partialOk(k, rfOf) && search(k + 1)) return true;
    }
    return false;
  };
  return search(0);
}

const INIT_SRC = { loc: { file: null as never, offset: 0, line: 0, col: 0 }, text: "init", calls: [] };

function shapeEntry(model: ModelIR, paths: Path[], extraLocs: number[]): ShapeEntry {
  // Locations: every one accessed, plus those the final condition names.
  const locSet = new Set<number>(extraLocs);
  for (const p of paths) for (const e of p.events) if (e.kind !== "F" && e.loc >= 0) locSet.add(e.loc);
  const locs = [...locSet].sort((a, b) => a - b);
  const init: Execution["events"] = [];
  const initOf = new Map<number, number>();
  for (const l of locs) {
    initOf.set(l, init.length);
    const c = model.cells[l];
    init.push({ kind: "W", tags: T.IW, loc: l, val: c?.init ?? 0, src: INIT_SRC, prim: "init", proc: -1, index: -1 });
  }
  const events: Execution["events"] = init.slice();
  const base: number[] = [];
  for (const p of paths) {
    base.push(events.length);
    for (const e of p.events) events.push(e);
  }
  const n = events.length;
  // Reads-from candidates: writes of the same location (the value is matched per combination).
  const reads: number[] = [];
  const sameLoc: number[][] = [];
  for (let i = 0; i < n; i++) {
    const e = events[i];
    if (e.kind !== "R") continue;
    const cs: number[] = [];
    for (let j = 0; j < n; j++) {
      const w = events[j];
      if (w.kind !== "W" || w.loc !== e.loc) continue;
      // A process's own later write cannot be read (coherence would refuse it anyway).
      if (w.proc === e.proc && j > i) continue;
      cs.push(j);
    }
    reads.push(i);
    sameLoc.push(cs);
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
  // The symbolic search never lists the orders (byLocation builds them), so they are made on
  // first use: a refcount with twenty writes has millions.
  let coChoices: number[][][] | null = null;
  const coCount = coLocs.reduce((k, [, ws]) => k * interleavings(ws, events), 1);
  const st = staticOf(events, paths, base);
  return {
    locs, init, n, reads, sameLoc, coLocs,
    get coChoices() {
      return (coChoices ??= coLocs.map(([l, ws]) => permutations(ws, events).map((perm) => [initOf.get(l)!, ...perm])));
    },
    coCache: coCount <= 4096 ? new Array<Rel | undefined>(coCount) : null,
    memOrder: locs.map((l) => coLocs.findIndex(([x]) => x === l)),
    base, coCount, st, lk: new Lkmm(st),
  };
}

function combine(entry: ShapeEntry, paths: Path[], limits: EnumLimits, before: number, visit: (x: Execution) => void, prune: boolean, orderChecks: OrderChecks | null): number {
  // entry.coChoices is made on first use (never by the symbolic search): read it where needed.
  const { n, reads, sameLoc, coLocs, coCache, locs, memOrder, st, lk } = entry;
  const events = eventsOf(entry.init, paths);
  // Reads-from candidates: the same-location writes with the value read (any, where a value is symbolic).
  const cands: number[][] = new Array(reads.length);
  for (let k = 0; k < reads.length; k++) {
    const r = events[reads[k]];
    const cs = sameLoc[k].filter((j) => mayGive(events[j], r));
    if (cs.length === 0) return 0;
    cands[k] = cs;
  }
  const resolver = paths.some((p) => p.symbolic) ? new ValueResolver(events, paths, entry.base) : null;
  const rfOf = new Int32Array(n);
  const rf = new Rel(n);
  let count = 0;
  const coPick = new Int32Array(coLocs.length);
  const coOf = (): Rel => {
    let idx = 0;
    for (let k = 0; k < coLocs.length; k++) idx = idx * entry.coChoices[k].length + coPick[k];
    const hit = coCache?.[idx];
    if (hit) return hit;
    const co = new Rel(n);
    for (let k = 0; k < coLocs.length; k++) {
      const order = entry.coChoices[k][coPick[k]];
      for (let a = 0; a < order.length; a++) for (let b = a + 1; b < order.length; b++) co.add(order[a], order[b]);
    }
    // Locations written by no process: only the initial write, nothing to order.
    if (coCache) coCache[idx] = co;
    return co;
  };
  const slots = resolver ? resolver.slots : paths.map((p) => p.slots);
  // The search by location (symbolic paths) builds co itself and gives it with the last write
  // of each location in coLocs; the others pick co from coChoices.
  /** Checks and visits the candidate; false if its values do not hold (not a candidate). */
  const visitAll = (built?: Rel, lastOf?: Int32Array): boolean => {
    const co = built ? built.clone() : coOf();
    if (resolver && !resolved(resolver, rfOf, lk, rf, co)) return false;
    count++;
    if (before + count > limits.maxCandidates) throw new ExecLimit("max-candidates");
    if (((before + count) & 255) === 0 && performance.now() > limits.deadline) throw new ExecLimit("timeout");
    const verdict = lk.check(rf, co, false, limits.wantOrder ?? false);
    const mem = new Map<number, number>();
    for (let k = 0; k < locs.length; k++) {
      const o = memOrder[k];
      mem.set(locs[k], o < 0 ? events[k].val : events[lastOf ? lastOf[o] : entry.coChoices[o][coPick[o]].at(-1)!].val);
    }
    visit({ events, paths, rf: rf.clone(), co, st, model: lk, verdict, final: { slots, mem } });
    return true;
  };
  if (prune) {
    // Symbolic paths are searched location by location, concrete ones by whole co orders.
    if (resolver) byLocation(entry, events, cands, rf, rfOf, visitAll, resolver, limits.deadline, orderChecks);
    else pruned(entry, events, cands, rf, rfOf, coPick, visitAll, limits.deadline);
    return count;
  }
  const coRec = (k: number): void => {
    if (k === coLocs.length) {
      visitAll();
      return;
    }
    for (let c = 0; c < entry.coChoices[k].length; c++) {
      coPick[k] = c;
      coRec(k + 1);
    }
  };
  const rfRec = (k: number): void => {
    if (k === reads.length) return coRec(0);
    const r = reads[k];
    for (const w of cands[k]) {
      rf.add(w, r);
      rfOf[r] = w;
      rfRec(k + 1);
      rf.a[w * rf.w + (r >>> 5)] &= ~(1 << (r & 31));
    }
  };
  rfRec(0);
  return count;
}

/** Symbolic values under this rf: true if the candidate exists (its values are then in the
 * events and slots). A candidate whose values depend on themselves through rf is dropped if
 * the model forbids it; if it allows it the run stops (ValueCycle). */
function resolved(resolver: ValueResolver, rfOf: Int32Array, lk: Lkmm, rf: Rel, co: Rel): boolean {
  const r = resolver.resolve(rfOf);
  if (r === Resolved.OK) return true;
  if (r === Resolved.CYCLE && lk.check(rf, co, false, false).ok) throw new ValueCycle(resolver.cycleText());
  return false;
}

/**
 * combine()'s candidates without those that break coherence or atomicity: the coherence order
 * is chosen first, then each read's write among those its process may still see. Coherence (SC
 * per location) under a fixed co is each process seeing a location's writes in co order: a read
 * sees nothing co-before what the process saw or wrote there earlier, nor anything from its own
 * later writes on; an RMW's read sees its write's immediate co-predecessor (atomicity, given
 * coherence). visitAll() visits and counts each candidate.
 */
function pruned(entry: ShapeEntry, events: Execution["events"], cands: number[][], rf: Rel, rfOf: Int32Array, coPick: Int32Array, visitAll: () => void, deadline: number): void {
  const { n, reads, coLocs, locs, st } = entry;
  const rmwWriteOf = new Map<number, number>();
  for (const [r, w] of st.rmw.pairs()) rmwWriteOf.set(r, w);
  // Per read: the process's writes to its location before and after it in program order, and
  // the process's earlier reads of it.
  const ownBefore: number[][] = [];
  const ownAfter: number[][] = [];
  const readsBefore: number[][] = [];
  const readIdx = new Int32Array(n).fill(-1);
  reads.forEach((r, k) => (readIdx[r] = k));
  for (const r of reads) {
    const e = events[r];
    const b: number[] = [];
    const a: number[] = [];
    const rb: number[] = [];
    for (let j = 0; j < n; j++) {
      const x = events[j];
      if (x.proc !== e.proc || x.loc !== e.loc || x.kind === "F" || j === r) continue;
      if (x.kind === "W") (j < r ? b : a).push(j);
      else if (j < r) rb.push(readIdx[j]);
    }
    ownBefore.push(b);
    ownAfter.push(a);
    readsBefore.push(rb);
  }
  const pos = new Int32Array(n).fill(-1);
  const pickRf = new Int32Array(reads.length);
  const coherent = (k: number, w: number): boolean => {
    const p = pos[w];
    for (const b of ownBefore[k]) if (pos[b] > p) return false;
    for (const a of ownAfter[k]) if (pos[a] <= p) return false;
    for (const j of readsBefore[k]) if (pos[pickRf[j]] > p) return false;
    const rw = rmwWriteOf.get(reads[k]);
    return rw === undefined || pos[rw] === p + 1;
  };
  let nodes = 0;
  const rfRec = (k: number): void => {
    if (k === reads.length) return visitAll();
    const r = reads[k];
    for (const w of cands[k]) {
      if (!coherent(k, w)) continue;
      if ((++nodes & 4095) === 0 && performance.now() > deadline) throw new ExecLimit("timeout");
      pickRf[k] = w;
      rfOf[r] = w;
      rf.add(w, r);
      rfRec(k + 1);
      rf.a[w * rf.w + (r >>> 5)] &= ~(1 << (r & 31));
    }
  };
  const coRec = (k: number): void => {
    if (k === coLocs.length) return rfRec(0);
    for (let c = 0; c < entry.coChoices[k].length; c++) {
      coPick[k] = c;
      entry.coChoices[k][c].forEach((w, i) => (pos[w] = i));
      coRec(k + 1);
    }
  };
  // The initial writes come first in the events, one per location, each first in its co.
  for (let i = 0; i < locs.length; i++) pos[i] = 0;
  coRec(0);
}

/**
 * pruned()'s candidates for symbolic paths, found location by location. A location's coherence order and
 * its reads' writes are chosen as per-location.ts plays them: step by step, a process takes
 * its next event at the location (program order), a write is placed next in co, a read reads
 * the write placed last (an RMW's read the one just before its own write). Every coherent
 * choice is one such sequence, and it is made unique by letting the reads that see the same
 * write go in the order of their processes. Each read's write goes to the resolver as it is
 * chosen, so a constraint fails as soon as its values are known: a refcount's RMW chain is cut
 * at the first test it fails, not enumerated as whole coherence orders. Then the next location.
 */
function byLocation(
  entry: ShapeEntry, events: Execution["events"], cands: number[][], rf: Rel, rfOf: Int32Array,
  visitAll: (co: Rel, lastOf: Int32Array) => boolean, resolver: ValueResolver, deadline: number, orderChecks: OrderChecks | null,
): void {
  const { n, reads, coLocs, locs, st } = entry;
  const rmwWriteOf = new Int32Array(n).fill(-1);
  for (const [r, w] of st.rmw.pairs()) rmwWriteOf[r] = w;
  // Which writes each read may read (its value may match).
  const may = new Rel(n);
  reads.forEach((r, k) => {
    for (const w of cands[k]) may.add(w, r);
  });
  // Per location: its processes' events there, in program order. Locations only the initial
  // write writes first (their reads have one write), then those in coLocs.
  const coOfLoc = new Map(coLocs.map(([l], i) => [l, i]));
  const order = [...locs.filter((l) => !coOfLoc.has(l)), ...coLocs.map(([l]) => l)];
  const groups = order.map((l) => {
    const byProc = new Map<number, number[]>();
    for (let i = locs.length; i < n; i++) {
      const e = events[i];
      if (e.loc !== l || e.kind === "F") continue;
      const xs = byProc.get(e.proc) ?? [];
      xs.push(i);
      byProc.set(e.proc, xs);
    }
    const procs = [...byProc.keys()].sort((a, b) => a - b);
    return {
      init: locs.indexOf(l),
      co: coOfLoc.get(l) ?? -1,
      procs,
      lists: procs.map((q) => byProc.get(q)!),
      size: [...byProc.values()].reduce((s, xs) => s + xs.length, 0),
    };
  });
  const co = new Rel(n);
  const lastOf = new Int32Array(coLocs.length);
  const idx = groups.map((g) => new Int32Array(g.procs.length));
  /** The writes placed at the current location, in co order (the initial write first). */
  let placed: number[] = [];
  let nodes = 0;
  const place = (w: number) => {
    for (const u of placed) co.add(u, w);
    placed.push(w);
  };
  const unplace = () => {
    const w = placed.pop()!;
    for (const u of placed) co.a[u * co.w + (w >>> 5)] &= ~(1 << (w & 31));
  };
  // The pairs (read, write of another process) ruled out because the read happens before the
  // write given what the locations before fixed (Lkmm.unreadable); made at a location's start
  // where ordering checks run, and kept for the locations after it.
  let cannotRead: Rel | null = null;
  const give = (r: number, w: number, d: number): boolean => {
    if (!may.has(w, r)) return false;
    if (cannotRead?.has(r, w)) return false;
    rfOf[r] = w;
    return resolver.assign(d, r, rfOf);
  };
  const nextGroup = (g: number, d: number): void => {
    if (g > 0 && groups[g - 1].co >= 0) lastOf[groups[g - 1].co] = placed[placed.length - 1];
    if (g === groups.length) {
      // A candidate whose values hold is checked in full, which costs about what a check does.
      if (visitAll(co, lastOf) && orderChecks) orderChecks.work += CHECK;
      return;
    }
    // A location's order and reads-from are complete: if what is chosen so far already closes
    // an ordering cycle, no completion is allowed. (Checked only here: checks in the middle of
    // a location, with co from each placed write to those not placed yet, cost more than they
    // saved on the catalog.)
    if (orderChecks && g > 0 && groups[g - 1].co >= 0) {
      const unreadable = entry.lk.unreadable(rf);
      if (!unreadable) return;
      orderChecks.at(g, () => entry.lk.forbiddenForAll(rf, co), () => enter(g, d, unreadable));
    } else enter(g, d, null);
  };
  const enter = (g: number, d: number, unreadable: Rel | null): void => {
    const saved = placed;
    const savedCannot = cannotRead;
    placed = [groups[g].init];
    cannotRead = unreadable ?? savedCannot;
    step(g, d, groups[g].size, 0);
    placed = saved;
    cannotRead = savedCannot;
  };
  /** Location g has `left` events to take; `after`: the first process whose read may read the
   * last write (reads that see one write go in process order). */
  const step = (g: number, d: number, left: number, after: number): void => {
    if (left === 0) return nextGroup(g + 1, d);
    if ((++nodes & 4095) === 0 && performance.now() > deadline) throw new ExecLimit("timeout");
    if (orderChecks) orderChecks.work++;
    const group = groups[g];
    const at = idx[g];
    const last = placed[placed.length - 1];
    for (let p = 0; p < group.procs.length; p++) {
      const list = group.lists[p];
      const i = at[p];
      if (i === list.length) continue;
      const e = list[i];
      if (events[e].kind === "W") {
        at[p] = i + 1;
        place(e);
        step(g, d, left - 1, 0);
        unplace();
        at[p] = i;
        continue;
      }
      const w = rmwWriteOf[e];
      if (w < 0 && p < after) continue;
      if (!give(e, last, d)) continue;
      rf.add(last, e);
      if (w >= 0) {
        // An RMW's two events are adjacent in its process's list (nothing comes between them).
        if (list[i + 1] !== w) throw new Error("LKMM mode: an RMW's read and write are not adjacent");
        at[p] = i + 2;
        place(w);
        step(g, d + 1, left - 2, 0);
        unplace();
      } else {
        at[p] = i + 1;
        step(g, d + 1, left - 1, p);
      }
      at[p] = i;
      rf.a[last * rf.w + (e >>> 5)] &= ~(1 << (e & 31));
    }
  };
  resolver.prepare();
  nextGroup(0, 0);
}

/**
 * When to check part of a symbolic search's execution for an ordering cycle (Lkmm.
 * forbiddenForAll). A check costs about what checking one whole candidate costs (about 200 us
 * here, against about 1 us for a search step), and at most points it saves less than that, so
 * each point (the end of a location, by its place in the search order) is checked only while
 * it pays: while the share of its checks that cut, times the work under a node that a check
 * would cut, exceeds a check's cost. That work is measured by samples: a point's first visits
 * and every 64th are checked and then searched anyway. (The work under all nodes, or under
 * those a check lets through, is not the figure: on the kernel model a forbidden prefix often
 * dies on its values soon after, so its subtree is small, and with either figure the checks
 * cost more than they saved: v6.15/04 19-66 s against 12 s without checks; now 13 s, and
 * v6.15/11 43 s against 104 s.) Work is counted in search steps and candidates checked (CHECK
 * each), fixed numbers, so that the search is the same in every run.
 */
class OrderChecks {
  /** Work done so far, in steps (a candidate's check counts as CHECK). */
  work = 0;
  private readonly stats = new Map<number, { visits: number; tried: number; cut: number; sampled: number; sampledWork: number }>();

  /** The search at `point` with a check where it pays (forbidden(): no completion is allowed). */
  at(point: number, forbidden: () => boolean, search: () => void): void {
    let s = this.stats.get(point);
    if (!s) this.stats.set(point, (s = { visits: 0, tried: 0, cut: 0, sampled: 0, sampledWork: 0 }));
    const v = ++s.visits;
    if (v <= 4 || v % 64 === 32) {
      // A sample: checked, and searched whatever the check says.
      s.tried++;
      const bad = forbidden();
      const w = this.work;
      search();
      if (bad) {
        s.cut++;
        s.sampled++;
        s.sampledWork += this.work - w;
      }
      return;
    }
    if (s.sampled > 0 && (s.cut / s.tried) * (s.sampledWork / s.sampled) > CHECK) {
      s.tried++;
      if (forbidden()) {
        s.cut++;
        return;
      }
    }
    search();
  }
}
/** What a check (or a candidate's check) costs, in search steps. */
const CHECK = 250;

const MAX_BULK_CO = 16;
const MAX_CACHED_SHAPES = 4096;
const ALLOWED: Verdict = Object.freeze({ ok: true, races: Object.freeze([]) as unknown as [number, number][] });
/** Below this many candidates a subtree is checked one by one (a failed union check costs about one check). */
const MIN_BULK = 8;

/**
 * The candidates of one shape combination in the same order as enumerate()'s (paths process
 * by process, then each read's write, then coherence), with whole subtrees found allowed at
 * once. At a node of that tree some processes' paths (or some reads' writes) are chosen; the
 * union of every reads-from edge still possible below it (a read may read a write of the same
 * location whose value it may have) is checked for happens-before, propagation and rcu with
 * each coherence order (Lkmm.holdsForAll). Those axioms are monotone in rf, so if they hold
 * for the union they hold for every candidate below, which then needs only the coherence and
 * atomic axioms - cheap per candidate, and not monotone over a union (a read's rf and fr to the
 * same write make a cycle). The verdicts are those of Lkmm.check, candidate by candidate. On the
 * corpus's rings of 19 processes (2^19 candidates, one forbidden), a few dozen union checks
 * replace half a million full ones.
 */
function enumerateBulk(entry: ShapeEntry, perProc: Path[][], limits: EnumLimits, visit: (x: Execution) => void): number {
  const { n, reads, sameLoc, coChoices, coLocs, coCount, locs, memOrder, base, st, lk } = entry;
  const nP = perProc.length;
  // One buffer of events, each process's part overwritten when its path changes.
  const events: Execution["events"] = entry.init.slice();
  for (const ps of perProc) for (const e of ps[0].events) events.push(e);
  // Every coherence choice, as combine() orders them (the last location varies fastest), and
  // the co-last write of each location under it.
  const cos: { co: Rel; pick: number[]; mem: FinalMemory }[] = [];
  for (let idx = 0; idx < coCount; idx++) {
    const pick: number[] = new Array(coLocs.length);
    let rest = idx;
    for (let k = coLocs.length - 1; k >= 0; k--) {
      pick[k] = rest % coChoices[k].length;
      rest = Math.floor(rest / coChoices[k].length);
    }
    const co = new Rel(n);
    for (let k = 0; k < coLocs.length; k++) {
      const order = coChoices[k][pick[k]];
      for (let a = 0; a < order.length; a++) for (let b = a + 1; b < order.length; b++) co.add(order[a], order[b]);
    }
    const last = Int32Array.from(locs, (_, k) => (memOrder[k] < 0 ? k : coChoices[memOrder[k]][pick[memOrder[k]]].at(-1)!));
    cos.push({ co, pick, mem: new FinalMemory(locs, last, events) });
  }
  const holdsForAll = (rf: Rel) => cos.every(({ co }) => lk.holdsForAll(rf, co));
  // The process of each event (-1: an initial write) and the values it has on some path.
  const procAt = new Int32Array(n).fill(-1);
  base.forEach((b, p) => perProc[p][0].events.forEach((_, i) => (procAt[b + i] = p)));
  const valuesAt: Set<number>[] = new Array(n);
  // Symbolic paths: values are known per candidate only; the union takes every same-location
  // write, a superset of each subtree's (which is all the monotone check needs), and each
  // candidate's values are resolved before it counts.
  const resolver = perProc.some((ps) => ps.some((p) => p.symbolic)) ? new ValueResolver(events, perProc.map((ps) => ps[0]), base) : null;
  const rfOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = procAt[i];
    valuesAt[i] = p < 0 ? new Set([entry.init[i].val]) : new Set(perProc[p].map((path) => path.events[i - base[p]].val));
  }
  // Suffix products of the paths per process: the size of a subtree at the path level.
  const below = new Array<number>(nP + 1).fill(1);
  for (let p = nP - 1; p >= 0; p--) below[p] = below[p + 1] * perProc[p].length;

  // Coherence and atomicity are per location (every edge of po-loc, rf, co, fr and of
  // rmw & (fre ; coe) joins events of one location), so a location's verdict depends only on
  // which write each of its reads reads and on its coherence order: cached per location.
  const chosenIdx = new Int32Array(reads.length); // index in sameLoc[k] of read k's write
  const locChecks = locs
    .map((l, li) => {
      const ks = reads.map((r, k) => (events[r].loc === l ? k : -1)).filter((k) => k >= 0);
      const o = memOrder[li];
      let size = o < 0 ? 1 : coChoices[o].length;
      const mult = ks.map((k) => {
        const m = size;
        size *= sameLoc[k].length;
        return m;
      });
      return { ks, mult, o, cache: size <= 1 << 16 ? new Int8Array(size) : null };
    })
    .filter((lc) => lc.ks.length > 0);
  const coherent = (c: number): boolean => {
    const { co, pick } = cos[c];
    for (const lc of locChecks) {
      let key = lc.o < 0 ? 0 : pick[lc.o];
      for (let j = 0; j < lc.ks.length; j++) key += chosenIdx[lc.ks[j]] * lc.mult[j];
      let v = lc.cache ? lc.cache[key] : 0;
      if (v === 0) {
        const rfL = new Rel(n);
        for (const k of lc.ks) rfL.add(sameLoc[k][chosenIdx[k]], reads[k]);
        v = lk.checkCoherence(rfL, co) === null ? 1 : 2;
        if (lc.cache) lc.cache[key] = v;
      }
      if (v === 2) return false;
    }
    return true;
  };

  // Buffers shared by every candidate (visit() snapshots what it keeps).
  const chosen: Path[] = perProc.map((ps) => ps[0]);
  const slots: Int32Array[] = resolver ? resolver.slots : chosen.map((p) => p.slots);
  const rf = new Rel(n);
  const candIdx = sameLoc.map((ws) => new Int32Array(ws.length));
  const candN = new Int32Array(reads.length);
  // The last process whose path decides read k's candidates (its own, or a writer's), and the
  // first process whose path changed since the last combination.
  const dependsOn = Int32Array.from(reads, (r, k) => Math.max(procAt[r], ...sameLoc[k].map((w) => procAt[w])));
  let dirty = 0;
  const after = new Array<number>(reads.length + 1).fill(1);
  const x: Execution = { events, paths: chosen, rf, co: cos[0].co, st, model: lk, verdict: ALLOWED, final: { slots, mem: cos[0].mem } };
  let count = 0;
  let combos = 0;

  const mayBe = (i: number, decided: number, v: number): boolean => (procAt[i] >= decided ? valuesAt[i].has(v) : events[i].val === v);
  /** The union of the reads-from edges possible once processes < decided have their paths. */
  const unionAt = (decided: number): Rel => {
    const u = new Rel(n);
    for (let k = 0; k < reads.length; k++) {
      const r = reads[k];
      for (const w of sameLoc[k]) {
        let ok: boolean;
        if (resolver) ok = true;
        else if (procAt[r] < decided) ok = mayBe(w, decided, events[r].val);
        else if (procAt[w] >= decided) ok = [...valuesAt[r]].some((v) => valuesAt[w].has(v));
        else ok = valuesAt[r].has(events[w].val);
        if (ok) u.add(w, r);
      }
    }
    return u;
  };

  const pathLevel = (p: number, cheap: boolean): void => {
    if (p === nP) return combo(cheap);
    if (!cheap && below[p] >= MIN_BULK && holdsForAll(unionAt(p))) cheap = true;
    const b = base[p];
    for (const path of perProc[p]) {
      chosen[p] = path;
      if (resolver) resolver.setPath(p, path);
      else slots[p] = path.slots;
      const evs = path.events;
      for (let i = 0; i < evs.length; i++) events[b + i] = evs[i];
      if (p < dirty) dirty = p;
      pathLevel(p + 1, cheap);
    }
  };

  const leaf = (cheap: boolean) => {
    if (resolver) {
      // The values depend on rf only: resolved once for every coherence order.
      const r = resolver.resolve(rfOf);
      if (r === Resolved.UNSAT) return;
      if (r === Resolved.CYCLE) {
        for (const { co } of cos) if (lk.check(rf, co, false, false).ok) throw new ValueCycle(resolver.cycleText());
        return;
      }
    }
    for (let c = 0; c < cos.length; c++) {
      const co = cos[c].co;
      count++;
      if (count > limits.maxCandidates) throw new ExecLimit("max-candidates");
      if ((count & 255) === 0 && performance.now() > limits.deadline) throw new ExecLimit("timeout");
      // The order axioms hold for the whole subtree: only coherence and atomicity to check
      // (the full check names the cycle when they fail).
      x.verdict = cheap ? (coherent(c) ? ALLOWED : lk.checkCoherence(rf, co)!) : lk.check(rf, co, false, false);
      x.co = co;
      x.final.mem = cos[c].mem;
      visit(x);
    }
  };

  // Below a node whose order axioms hold: every remaining reads-from choice in turn (an
  // odometer, the last read fastest, as the recursion orders them).
  const pos = new Int32Array(reads.length);
  const setRf = (k: number, c: number) => {
    const i = candIdx[k][c];
    pos[k] = c;
    chosenIdx[k] = i;
    rf.add(sameLoc[k][i], reads[k]);
    if (resolver) rfOf[reads[k]] = sameLoc[k][i];
  };
  const clearRf = (k: number) => {
    const w = sameLoc[k][chosenIdx[k]];
    const r = reads[k];
    rf.a[w * rf.w + (r >>> 5)] &= ~(1 << (r & 31));
  };
  const rfAll = (k0: number): void => {
    const m = reads.length;
    for (let k = k0; k < m; k++) setRf(k, 0);
    for (;;) {
      leaf(true);
      let k = m - 1;
      for (; k >= k0; k--) {
        clearRf(k);
        if (pos[k] + 1 < candN[k]) {
          setRf(k, pos[k] + 1);
          break;
        }
        setRf(k, 0);
      }
      if (k < k0) break;
    }
    for (let k = k0; k < m; k++) clearRf(k);
  };

  const rfLevel = (k: number, cheap: boolean): void => {
    if (cheap) return rfAll(k);
    if (k === reads.length) return leaf(cheap);
    if (!cheap && after[k] >= MIN_BULK) {
      const u = rf.clone();
      for (let j = k; j < reads.length; j++) for (let c = 0; c < candN[j]; c++) u.add(sameLoc[j][candIdx[j][c]], reads[j]);
      if (holdsForAll(u)) cheap = true;
    }
    const r = reads[k];
    const ws = sameLoc[k];
    const cs = candIdx[k];
    for (let c = 0; c < candN[k]; c++) {
      const i = cs[c];
      const w = ws[i];
      chosenIdx[k] = i;
      rf.add(w, r);
      rfOf[r] = w;
      rfLevel(k + 1, cheap);
      rf.a[w * rf.w + (r >>> 5)] &= ~(1 << (r & 31));
    }
  };

  const combo = (cheap: boolean): void => {
    if ((++combos & 1023) === 0 && performance.now() > limits.deadline) throw new ExecLimit("timeout");
    // Reads-from candidates: the same-location writes with the value read - again only for the
    // reads whose value or whose writes' values a path chosen since the last combination gives.
    let none = false;
    for (let k = 0; k < reads.length; k++) {
      if (dependsOn[k] >= dirty) {
        const r = events[reads[k]];
        const ws = sameLoc[k];
        const cs = candIdx[k];
        let m = 0;
        // (Concrete values: the plain comparison, this loop being hot on the corpus's rings.)
        for (let i = 0; i < ws.length; i++) {
          const w = events[ws[i]];
          if (w.vx === undefined && r.vx === undefined ? w.val === r.val : mayGive(w, r)) cs[m++] = i;
        }
        candN[k] = m;
      }
      if (candN[k] === 0) none = true;
    }
    dirty = nP;
    if (none) return;
    for (let k = reads.length - 1; k >= 0; k--) after[k] = after[k + 1] * candN[k];
    rfLevel(0, cheap);
  };

  pathLevel(0, false);
  return count;
}

/** How many orders permutations() lists: the interleavings of the processes' writes. */
function interleavings(ws: number[], events: { proc: number }[]): number {
  const per = new Map<number, number>();
  for (const w of ws) per.set(events[w].proc, (per.get(events[w].proc) ?? 0) + 1);
  let k = 1;
  let total = 0;
  for (const c of per.values()) for (let j = 1; j <= c; j++) k = (k * ++total) / j;
  return Math.round(k);
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
