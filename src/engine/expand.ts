// Expansion of one state: run every process's step, keep a persistent subset (POR), bring
// each successor into canonical form (symmetry), fingerprint it and hand it to the visited
// set. The serial search (bfs.ts) and every thread of the parallel search (parallel/) use
// this one routine, so both explore exactly the same graph.

import { FinalExpr, ModelIR } from "../ir/ir.js";
import { DISABLED, Machine, StepContext, VIOLATION, Violation } from "./machine.js";
import { StepFn } from "./codegen.js";
import { PartialOrder } from "./por.js";
import { Fingerprinter } from "./store.js";
import { Canonicaliser } from "./symmetry.js";
import { StepDelta, compileStepDelta } from "./delta.js";
import { StepCache } from "./stepcache.js";
import { Commuting } from "./commute.js";

/** Adds a successor (fingerprint hi/lo) of state `parent`, reached by a step of pid; returns its index, negative if known. */
export type InsertFn = (s: Int32Array, hi: number, lo: number, parent: number, pid: number) => number;

/**
 * A fingerprint store seen by the batched insertion (flush): the probe, split from storing
 * the state, so a successor's vector is only rebuilt and copied when it is new.
 */
export interface BatchTarget {
  /** Reads the visited-set word that add(hi, lo) will read first, and returns it (a prefetch). */
  touch(hi: number, lo: number): number;
  /** Marks fingerprint (hi, lo) visited; false if it already was. */
  add(hi: number, lo: number): boolean;
  /**
   * Stores the new state s, whose fingerprint add() has just taken; returns its index.
   * sleep: its sleep set (expand, diamonds), a bit per process, for sleep().
   */
  append(s: Int32Array, hi: number, lo: number, parent: number, via: number, sleep: number): number;
  /** The sleep set given to append() for state i; a target without it skips no probe (expand). */
  sleep?(i: number): number;
  /** States are stored in the order they are first probed, as one thread does: sleep sets may then be inherited (expand). */
  readonly inOrder?: boolean;
}

export interface GraphRecorder {
  /** Bit q of `enabled` is set when process q can move in state i; of `finished` when q has ended. */
  state(i: number, enabled: number, finished: number): void;
  /** A step of process pid from state `from` to state `to`; marks as in StepContext.marks. */
  edge(from: number, to: number, pid: number, marks: number): void;
}

export interface FinalState {
  values: number[]; // one per observed location
  satisfies: boolean | null; // the final condition, or null if there is none
}

/** What expanding a state found. */
export const EXPANDED = 0; // successors stored
export const VIOLATED = 1; // a step failed a check: ctx.violation, by process `violator`
export const DEADLOCKED = 2; // nothing enabled, some process not finished
export const FINAL = 3; // every process finished: recorded in `finals`

const BATCH_STATES = 4; // expanded states whose successors are inserted together

export class Expander {
  readonly ctx = new StepContext();
  readonly fp: Fingerprinter;
  readonly finals = new Map<string, FinalState>();
  transitions = 0;
  violator = -1;
  /** Called with the state index when a step produced warnings (in ctx.warnings). */
  onWarnings: (state: number, pid: number) => void = () => {
    this.ctx.warnings.length = 0;
  };

  private readonly n: number;
  private readonly baseOf: Int32Array;
  private readonly endPcOf: Int32Array;
  private readonly blockEnd: Int32Array;
  private readonly scratch: Int32Array;
  private readonly steps: StepFn[]; // the search never records, so the plain step functions
  private readonly nexts: Int32Array[];
  private readonly en: Uint8Array;
  private readonly live: Uint8Array;
  /** The persistent subset of the last reduced expansion (the cluster search tells chosen from proviso steps by it). */
  readonly chosen: Uint8Array;
  private readonly pcs: Int32Array;
  private readonly marks: Int32Array;
  // Words a successor may differ from cur in, besides the shared cells: the moving
  // process's block, or the blocks the canonical form reordered (set by insertNext).
  private from = 0;
  private to = 0;
  private cur: Int32Array;
  private curHi = 0;
  private curLo = 0;
  // Successors waiting to be inserted, in order (only with a batch target and no
  // reduction): those of up to BATCH_STATES expanded states are touched, then inserted. A
  // successor is kept as its fingerprint and the step that made it; its vector is made
  // again from the parent's (batchCur) only if it is new, about one successor in eight.
  private readonly batchCur: Int32Array[]; // the expanded states, in order
  private readonly batchHead: Int32Array; // their indices
  private readonly batchHi: Int32Array;
  private readonly batchLo: Int32Array;
  private readonly batchPid: Int32Array;
  private readonly batchFrom: Int32Array; // which batchCur
  private readonly rebuilt: Int32Array;
  private readonly own: Int32Array; // stateBuffer() without batching
  private readonly delta: StepDelta | null;
  private readonly cache: StepCache | null; // only with delta and no canonical form
  private readonly entries: Int32Array; // per process, its step's cache entry in the state being expanded
  private readonly commuting: Commuting | null; // only with delta, no canonical form and a target that keeps sleep sets
  private readonly batchSleep: Int32Array; // the sleep sets of the batch's expanded states
  private readonly batchEnabled: Int32Array; // the processes enabled in them, a bit each
  private batched = 0;
  private parents = 0;
  touched = 0; // the words read ahead (kept so the reads are not optimised away)
  skipped = 0; // successors whose probe was skipped (diamonds, in expand)

  constructor(
    private readonly model: ModelIR,
    readonly m: Machine,
    private readonly insert: InsertFn,
    private readonly canon: Canonicaliser | null,
    private readonly por: PartialOrder | null,
    private readonly graph: GraphRecorder | null,
    warnAsViolation: boolean,
    private readonly batch: BatchTarget | null = null,
    stepCacheBits?: number,
    diamonds = true,
  ) {
    this.ctx.warnAsViolation = warnAsViolation;
    const n = (this.n = model.processes.length);
    this.fp = new Fingerprinter(m.width);
    this.baseOf = Int32Array.from(m.procs, (p) => p.base);
    this.endPcOf = Int32Array.from(m.procs, (p) => p.endPc);
    // A step of process p changes only shared cells and p's own block [base, blockEnd).
    this.blockEnd = Int32Array.from(m.procs, (p, pid) => (pid + 1 < n ? m.procs[pid + 1].base : m.width));
    this.scratch = new Int32Array(m.width);
    this.steps = m.procs.map((p) => p.step);
    this.cur = new Int32Array(m.width);
    this.nexts = por ? model.processes.map(() => new Int32Array(m.width)) : [];
    const batching = batch !== null && !por && !graph;
    const cap = batching ? n * BATCH_STATES : 0;
    this.batchCur = Array.from({ length: batching ? BATCH_STATES : 0 }, () => new Int32Array(m.width));
    this.batchHead = new Int32Array(this.batchCur.length);
    this.batchHi = new Int32Array(cap);
    this.batchLo = new Int32Array(cap);
    this.batchPid = new Int32Array(cap);
    this.batchFrom = new Int32Array(cap);
    this.rebuilt = new Int32Array(m.width);
    this.own = new Int32Array(m.width);
    const blocks = m.procs.map((p, pid): [number, number] => [p.base, this.blockEnd[pid]]);
    this.delta = batching ? compileStepDelta(m.nCells, blocks) : null;
    this.cache = this.delta !== null && canon === null ? StepCache.for(m.nCells, blocks, stepCacheBits) : null;
    this.entries = new Int32Array(n);
    this.commuting = diamonds && this.delta !== null && canon === null && batch?.sleep !== undefined ? Commuting.for(model) : null;
    this.batchSleep = new Int32Array(this.batchCur.length);
    this.batchEnabled = new Int32Array(this.batchCur.length);
    this.en = new Uint8Array(n);
    this.live = new Uint8Array(n);
    this.chosen = new Uint8Array(n);
    this.pcs = new Int32Array(n);
    this.marks = new Int32Array(n);
  }

  /** Canonical form and fingerprint (into fp) of the initial state s, in place. */
  prepareInitial(s: Int32Array): void {
    this.canon?.canon(s);
    this.fp.full(s);
  }

  /**
   * Where to load the next state to expand (then passed to expand() as cur): with batching,
   * the copy of it that the batch keeps, which saves copying it there.
   */
  stateBuffer(): Int32Array {
    if (this.batchCur.length === 0) return this.own;
    if (this.parents === BATCH_STATES) this.flush();
    return this.batchCur[this.parents];
  }

  /** Expands state `head`, whose vector is cur and fingerprint (hi, lo). */
  expand(head: number, cur: Int32Array, hi: number, lo: number): number {
    const { n, ctx, scratch, en, live, marks, baseOf, endPcOf, por, graph, steps } = this;
    const batching = this.batchCur.length > 0;
    let from = 0; // cur's place in batchCur
    if (batching) {
      if (this.parents === BATCH_STATES) this.flush();
      from = this.parents++;
      if (cur !== this.batchCur[from]) this.batchCur[from].set(cur);
      this.batchHead[from] = head;
    }
    this.cur = cur;
    this.curHi = hi;
    this.curLo = lo;
    const cache = this.cache;
    // The scratch copy of cur that steps run on, made when the first step runs: with the
    // step cache, often none does.
    let copied = false;
    const entries = this.entries;
    // Diamonds (sleep sets, Godefroid). Process pid is asleep in cur when cur was first reached
    // by a path ... a_j ... a_k whose steps a_j .. a_k all commute with pid's step (pid did not
    // move) and pid < a_j: then pid's step moved before a_j gives a path of the same length to
    // the same successor, smaller in the order of process numbers, so the probe of cur·pid is
    // skipped and the transition counted all the same. Why nothing is lost: one thread stores
    // states in the order it first probes them, and by induction on depth a state is first
    // reached along its least shortest path in that order, so that path's last step is never
    // asleep (moving it back would give a smaller path) and the states of a level are stored
    // in the order of those paths: the same states, order and traces as without skipping.
    // Threads racing for a state keep no such order, so there (inOrder false) a sleep set holds
    // only the processes below cur's last step: if cur·p was skipped, cur = y·q with p < q,
    // and the transition (y·p)·q reaches it from no deeper a state with a larger process; a
    // least counterexample (depth, then -p) cannot exist.
    // A process in the sleep set is enabled (sleepAfter keeps only processes enabled in the
    // parent, and a step that commutes with the one taken cannot have been disabled by it):
    // its transition is counted without looking its step up or running it. Nothing is lost:
    // the same step from the parent, with the same reads, was run or looked up there first,
    // so its warnings and failed checks were met there.
    const sleep = this.commuting !== null ? this.batch!.sleep!(head) : 0;
    if (batching) this.batchSleep[from] = sleep;
    if (cache !== null) cache.findAll(cur, entries, sleep);
    // Step 1: run the step of every live process on the scratch copy of cur. Without a
    // reduction each successor is stored at once; with one, it is kept until step 2.
    let enabled = 0;
    for (let pid = 0; pid < n; pid++) {
      en[pid] = 0;
      live[pid] = cur[baseOf[pid]] === endPcOf[pid] ? 0 : 1;
      if (!live[pid]) continue;
      if ((sleep >>> pid) & 1) {
        enabled++;
        en[pid] = 1;
        this.skip();
        continue;
      }
      let entry = 0; // cache entry of this step (negative: to fill)
      if (cache !== null) {
        entry = entries[pid];
        if (entry >= 0) {
          // Seen before from the same cells and block: no need to run the step (stepcache.ts).
          if (cache.result(entry) === DISABLED) continue;
          enabled++;
          en[pid] = 1;
          this.hold(pid, from, hi ^ cache.changeHi(entry), lo ^ cache.changeLo(entry));
          continue;
        }
      }
      this.from = baseOf[pid];
      this.to = this.blockEnd[pid];
      ctx.marks = 0;
      if (!copied) {
        scratch.set(cur);
        copied = true;
      }
      const r = steps[pid](scratch, ctx, false);
      const clean = ctx.warnings.length === 0;
      if (r === DISABLED) {
        // A warning met on the way to the guard that blocked the step is reported from this
        // state, as --warn=violation reports it (it used to wait for the next step's report).
        if (!clean) this.onWarnings(head, pid);
        else if (cache !== null) this.remember(~entry, pid, DISABLED, 0, 0);
      } else {
        enabled++;
        if (!clean) this.onWarnings(head, pid);
        if (r === VIOLATION) {
          this.flush();
          this.transitions++;
          this.violator = pid;
          return VIOLATED;
        }
        en[pid] = 1;
        marks[pid] = ctx.marks;
        if (por) this.nexts[pid].set(scratch);
        else if (batching) {
          const moved = this.canon !== null && this.canon.canonStep(scratch, pid);
          if (!moved && this.delta !== null) {
            // The common case: fingerprint and undo in one unrolled pass (delta.ts).
            this.delta(pid, cur, scratch, hi, lo, this.fp);
            this.hold(pid, from, this.fp.hi, this.fp.lo);
            if (cache !== null && clean) this.remember(~entry, pid, r, this.fp.hi ^ hi, this.fp.lo ^ lo);
            continue;
          }
          this.fingerprintNext(scratch, pid, moved);
          this.hold(pid, from, this.fp.hi, this.fp.lo);
        } else {
          this.transitions++;
          const idx = this.insertNext(scratch, head, pid);
          if (graph) graph.edge(head, idx < 0 ? ~idx : idx, pid, marks[pid]);
        }
      }
      this.restore();
    }
    if (this.commuting !== null) {
      let mask = 0;
      for (let pid = 0; pid < n; pid++) if (en[pid]) mask |= 1 << pid;
      this.batchEnabled[from] = mask;
    }
    if (graph) {
      let mask = 0;
      let ended = 0;
      for (let pid = 0; pid < n; pid++) {
        if (en[pid]) mask |= 1 << pid;
        if (!live[pid]) ended |= 1 << pid;
      }
      graph.state(head, mask, ended);
    }
    if (por && enabled > 0) this.reduced(head, enabled);
    if (enabled > 0) return EXPANDED;
    for (let pid = 0; pid < n; pid++)
      if (live[pid]) {
        this.flush();
        return DEADLOCKED;
      }
    this.recordFinal(cur);
    return FINAL;
  }

  /** A transition to a successor that the search reaches anyway (diamonds, in expand). */
  private skip(): void {
    this.transitions++;
    this.skipped++;
  }

  /** Step 2 under POR: store the successors through a persistent subset of the enabled steps. */
  private reduced(head: number, enabled: number): void {
    const { n, en, chosen, nexts } = this;
    for (let pid = 0; pid < n; pid++) this.pcs[pid] = this.cur[this.baseOf[pid]];
    const chosenCount = enabled > 1 ? this.por!.choose(this.pcs, en, this.live, chosen) : enabled;
    if (enabled === 1) chosen.set(en);
    let revisited = false;
    for (let pid = 0; pid < n; pid++) {
      if (!chosen[pid]) continue;
      this.transitions++;
      if (this.insertNext(nexts[pid], head, pid) < 0) revisited = true;
    }
    // Cycle proviso: a reduced expansion that reaches a known state becomes a full one.
    if (revisited && chosenCount < enabled) {
      for (let pid = 0; pid < n; pid++) {
        if (!en[pid] || chosen[pid]) continue;
        this.transitions++;
        this.insertNext(nexts[pid], head, pid);
      }
    }
  }

  /** Counts a transition of pid from batchCur[from] and holds its successor, fingerprint (hi, lo), for flush(). */
  private hold(pid: number, from: number, hi: number, lo: number): void {
    this.transitions++;
    const k = this.batched++;
    this.batchPid[k] = pid;
    this.batchFrom[k] = from;
    this.batchHi[k] = hi;
    this.batchLo[k] = lo;
  }

  /**
   * Stores the result of pid's step from cur in the step cache, at entry `at`. The entries of
   * the later processes were looked up before it changed: one that was found at `at` is found
   * no more.
   */
  private remember(at: number, pid: number, r: number, dHi: number, dLo: number): void {
    this.cache!.put(at, pid, this.cur, r, dHi, dLo);
    const entries = this.entries;
    for (let q = pid + 1; q < this.n; q++) if (entries[q] === at) entries[q] = ~at;
  }

  /**
   * Inserts the batched successors, in the order they were found. The visited-set words they
   * will probe are read first: those reads do not depend on each other, so the CPU overlaps
   * their cache misses (JavaScript has no prefetch instruction), and the probes then find
   * them in cache. A new successor's vector is made again by running its step on a copy of
   * its parent (steps are deterministic; the warnings were reported the first time). The
   * caller flushes before it needs the store complete (bfs.ts).
   */
  flush(): void {
    const k = this.batched;
    this.parents = 0;
    if (k === 0) return;
    this.batched = 0;
    const { batchHi, batchLo, batchPid, batchFrom, batchCur, rebuilt, ctx } = this;
    const batch = this.batch!;
    let t = 0;
    for (let i = 0; i < k; i++) t ^= batch.touch(batchHi[i], batchLo[i]);
    this.touched = t;
    for (let i = 0; i < k; i++) {
      const hi = batchHi[i];
      const lo = batchLo[i];
      if (!batch.add(hi, lo)) continue;
      const pid = batchPid[i];
      rebuilt.set(batchCur[batchFrom[i]]);
      this.steps[pid](rebuilt, ctx, false);
      if (ctx.warnings.length) ctx.warnings.length = 0;
      this.canon?.canonStep(rebuilt, pid);
      const from = batchFrom[i];
      const sleep = this.commuting === null ? 0 : this.commuting.sleepAfter(batchCur[from], this.baseOf, pid, batch.inOrder === true ? this.batchSleep[from] : 0) & this.batchEnabled[from];
      batch.append(rebuilt, hi, lo, this.batchHead[from], pid, sleep);
    }
  }

  /**
   * The successor of parent by a step of pid into out, as the search stores it (the step, then
   * the canonical form): the cluster search ships a parent once and remakes its new children
   * where they are expanded (steps are deterministic; warnings were reported the first time).
   */
  successor(parent: Int32Array, pid: number, out: Int32Array): void {
    out.set(parent);
    this.steps[pid](out, this.ctx, false);
    if (this.ctx.warnings.length) this.ctx.warnings.length = 0;
    this.canon?.canonStep(out, pid);
  }

  /**
   * Canonical form, fingerprint and store of successor nx of cur by a step of pid. cur is
   * canonical, so only pid's block can be out of order (Canonicaliser.canonStep); the
   * fingerprint is cur's updated over the shared cells and the words that changed.
   */
  private insertNext(nx: Int32Array, parent: number, pid: number): number {
    this.prepareNext(nx, pid);
    return this.insert(nx, this.fp.hi, this.fp.lo, parent, pid);
  }

  /** Canonical form of nx and its fingerprint (into fp); sets [from, to) for restore(). */
  private prepareNext(nx: Int32Array, pid: number): void {
    this.fingerprintNext(nx, pid, this.canon !== null && this.canon.canonStep(nx, pid));
  }

  /** Fingerprint of nx (into fp) and [from, to); moved: the canonical form reordered blocks. */
  private fingerprintNext(nx: Int32Array, pid: number, moved: boolean): void {
    if (moved) {
      this.from = this.canon!.from;
      this.to = this.canon!.to;
    } else {
      this.from = this.baseOf[pid];
      this.to = this.blockEnd[pid];
    }
    this.fp.update(this.cur, this.curHi, this.curLo, nx, this.m.nCells, this.from, this.to);
  }

  /** Undo a step (and a canonical reordering) on scratch: the shared cells and [from, to). */
  private restore(): void {
    const { scratch, cur } = this;
    for (let i = 0; i < this.m.nCells; i++) scratch[i] = cur[i];
    for (let i = this.from, e = this.to; i < e; i++) scratch[i] = cur[i];
  }

  /** The deadlock of state cur (after DEADLOCKED): which processes are blocked. */
  deadlock(cur: Int32Array): Violation {
    const blocked: string[] = [];
    for (let pid = 0; pid < this.n; pid++) if (cur[this.baseOf[pid]] !== this.endPcOf[pid]) blocked.push(`P${pid}`);
    return { kind: "deadlock", msg: `${blocked.join(", ")} blocked forever`, proc: -1, pc: -1 };
  }

  private recordFinal(s: Int32Array): void {
    const { model, m } = this;
    const values = model.observed.map((o) => (o.kind === "mem" ? s[o.addr] : s[m.procs[o.proc].base + 1 + o.slot]));
    const key = values.join(",");
    if (this.finals.has(key)) return;
    if (model.filter && !evalFinal(model.filter, m, s)) return;
    this.finals.set(key, { values, satisfies: model.final ? evalFinal(model.final.cond, m, s) : null });
  }
}

export function evalFinal(e: FinalExpr, m: Machine, s: Int32Array): boolean {
  switch (e.k) {
    case "and":
      return evalFinal(e.a, m, s) && evalFinal(e.b, m, s);
    case "or":
      return evalFinal(e.a, m, s) || evalFinal(e.b, m, s);
    case "not":
      return !evalFinal(e.a, m, s);
    case "const":
      return e.v;
    case "atom": {
      const a = e.atom;
      const v = a.kind === "mem" ? s[a.addr] : s[m.procs[a.proc].base + 1 + a.slot];
      const w = a.rhs ? s[m.procs[a.rhs.proc].base + 1 + a.rhs.slot] : a.value;
      return (v === w) !== a.negate;
    }
  }
}
