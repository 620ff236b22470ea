// Breadth-first exploration of every interleaving. Because states are expanded in
// discovery order, the first violation found is at the smallest depth: every
// counterexample is a shortest one.

import { FinalExpr, ModelIR } from "../ir/ir.js";
import { DISABLED, Machine, StepContext, VIOLATION, Violation } from "./machine.js";
import { PartialOrder } from "./por.js";
import { Fingerprinter, FingerprintStore, StateStore, Store } from "./store.js";
import { Canonicaliser, symmetryGroups } from "./symmetry.js";

export interface SearchLimits {
  maxStates?: number;
  timeoutMs?: number;
  maxMemoryMB?: number;
  /** Polled between states; returning true stops the search (Ctrl-C). */
  interrupted?: () => boolean;
  /** Called every ~2 s on long runs. */
  progress?: (p: Progress) => void;
}

export interface Progress {
  states: number;
  transitions: number;
  queue: number;
  depth: number;
  seconds: number;
  bytes: number;
}

export interface SearchStats {
  states: number;
  transitions: number;
  depth: number; // deepest BFS level reached
  completeDepth: number; // deepest level fully explored
  seconds: number;
  bytes: number;
  visitedBytes: number;
  collisionProbability: number; // 0 in exact mode
}

export interface FinalState {
  values: number[]; // one per observed location
  satisfies: boolean | null; // the final condition, or null if there is none
}

export interface SearchOutcome {
  status: "done" | "violation" | "limit";
  /** Groups of processes treated as interchangeable (paths name canonical positions). */
  groups: number[][];
  limit?: "max-states" | "timeout" | "max-memory" | "interrupted";
  violation?: Violation;
  path?: number[]; // process ids from the initial state to the violation
  warnings: { warning: Violation; path: number[] }[];
  finals: Map<string, FinalState>;
  stats: SearchStats;
}

export interface SearchOptions extends SearchLimits {
  warnAsViolation: boolean;
  /** Partial-order reduction (persistent sets); see por.ts. */
  por?: boolean;
  /** Symmetry reduction of interchangeable processes; see symmetry.ts. */
  symmetry?: boolean;
  /** Store full states (no fingerprint collisions possible) instead of 64-bit fingerprints. */
  exact?: boolean;
  /** Records the whole state graph (for liveness); needs exact, no reductions. */
  graph?: GraphRecorder;
}

export interface GraphRecorder {
  /** Bit q of `enabled` is set when process q can move in state i; of `finished` when q has ended. */
  state(i: number, enabled: number, finished: number): void;
  /** A step of process pid from state `from` to state `to`; marks as in StepContext.marks. */
  edge(from: number, to: number, pid: number, marks: number): void;
}

export function search(model: ModelIR, opts: SearchOptions): SearchOutcome {
  const t0 = performance.now();
  const m = new Machine(model);
  const ctx = new StepContext();
  ctx.warnAsViolation = opts.warnAsViolation;
  const store: Store = opts.exact ? new StateStore(m.width) : new FingerprintStore(m.width);
  const warnings: SearchOutcome["warnings"] = [];
  const warnSeen = new Set<string>();
  const finals = new Map<string, FinalState>();
  const nProcs = model.processes.length;
  const stats: SearchStats = { states: 0, transitions: 0, depth: 0, completeDepth: 0, seconds: 0, bytes: 0, visitedBytes: 0, collisionProbability: 0 };
  const groups = opts.symmetry !== false ? symmetryGroups(model) : [];
  const canon = groups.length ? new Canonicaliser(m, groups) : null;
  const done = (o: Omit<SearchOutcome, "warnings" | "finals" | "stats" | "groups">): SearchOutcome => {
    stats.states = store.count;
    stats.seconds = (performance.now() - t0) / 1000;
    stats.bytes = store.bytes;
    stats.visitedBytes = store.visitedBytes;
    stats.collisionProbability = store instanceof FingerprintStore ? store.collisionProbability() : 0;
    return { ...o, warnings, finals, stats, groups };
  };
  const noteWarnings = (parent: number, pid: number) => {
    for (const w of ctx.warnings) {
      const key = `${w.proc}:${w.pc}`;
      if (warnSeen.has(key)) continue;
      warnSeen.add(key);
      const path = parent < 0 ? [] : [...store.pathTo(parent), pid];
      warnings.push({ warning: w, path });
    }
    ctx.warnings.length = 0;
  };

  const init = m.initial(ctx);
  noteWarnings(-1, -1);
  if (ctx.violation) return done({ status: "violation", violation: ctx.violation, path: [] });
  canon?.canon(init);
  const fp = new Fingerprinter(m.width);
  // A step of process p changes only shared cells and p's own block [base, blockEnd).
  const blockEnd = m.procs.map((p, pid) => (pid + 1 < nProcs ? m.procs[pid + 1].base : m.width));
  fp.full(init);
  store.insert(init, fp.hi, fp.lo, -1, -1);
  const cur = new Int32Array(m.width);
  const nexts = model.processes.map(() => new Int32Array(m.width));
  const en = new Uint8Array(nProcs);
  const live = new Uint8Array(nProcs);
  const chosen = new Uint8Array(nProcs);
  const pcs = new Int32Array(nProcs);
  const marks = new Int32Array(nProcs);
  const graph = opts.graph;
  if (graph && (opts.por || opts.symmetry !== false || !opts.exact || nProcs > 31)) throw new Error("graph recording needs exact states, no reductions and at most 31 processes");
  const por = opts.por && nProcs > 1 ? new PartialOrder(model) : null;
  const maxStates = opts.maxStates ?? Infinity;
  const baseOf = Int32Array.from(m.procs, (p) => p.base);
  const endPcOf = Int32Array.from(m.procs, (p) => p.endPc);
  const scratch = new Int32Array(m.width);
  let canonMoved = false;
  /** Inserts the successor nx of cur (fingerprint curHi/curLo): canonical form, fingerprint, store. */
  const insertNext = (nx: Int32Array, curHi: number, curLo: number, parent: number, pid: number): number => {
    canonMoved = canon ? canon.canon(nx) : false;
    if (canonMoved) fp.full(nx);
    else fp.update(cur, curHi, curLo, nx, m.nCells, baseOf[pid], blockEnd[pid]);
    return store.insert(nx, fp.hi, fp.lo, parent, pid);
  };
  /** Undo a step of pid (or a canonical reordering) on scratch. */
  const restore = (pid: number): void => {
    if (canonMoved) {
      scratch.set(cur);
      canonMoved = false;
      return;
    }
    for (let i = 0; i < m.nCells; i++) scratch[i] = cur[i];
    for (let i = baseOf[pid]; i < blockEnd[pid]; i++) scratch[i] = cur[i];
  };
  let levelEnd = 1; // states [0, levelEnd) are at depth <= stats.depth
  let lastPoll = t0;
  let lastProgress = t0;
  for (let head = 0; head < store.count; head++) {
    if (head === levelEnd) {
      stats.completeDepth = stats.depth;
      stats.depth++;
      levelEnd = store.count;
    }
    if (store.count >= maxStates) return done({ status: "limit", limit: "max-states" });
    if ((head & 1023) === 0) {
      const now = performance.now();
      if (opts.maxMemoryMB !== undefined && store.bytes > opts.maxMemoryMB * 1048576) return done({ status: "limit", limit: "max-memory" });
      if (now - lastPoll > 50) {
        lastPoll = now;
        if (opts.timeoutMs !== undefined && now - t0 > opts.timeoutMs) return done({ status: "limit", limit: "timeout" });
        if (opts.interrupted?.()) return done({ status: "limit", limit: "interrupted" });
        if (opts.progress && now - lastProgress > 2000) {
          lastProgress = now;
          opts.progress({ states: store.count, transitions: stats.transitions, queue: store.count - head, depth: stats.depth, seconds: (now - t0) / 1000, bytes: store.bytes });
        }
      }
    }
    store.load(head, cur, fp);
    store.release(head - 1);
    const curHi = fp.hi;
    const curLo = fp.lo;
    scratch.set(cur);
    // Step 1: run the step of every live process on the scratch copy of cur. Without a
    // reduction each successor is stored at once; with one, it is kept until step 2.
    let enabled = 0;
    let revisited = false;
    for (let pid = 0; pid < nProcs; pid++) {
      en[pid] = 0;
      live[pid] = cur[baseOf[pid]] === endPcOf[pid] ? 0 : 1;
      if (!live[pid]) continue;
      ctx.marks = 0;
      const r = m.run(pid, scratch, ctx);
      if (r !== DISABLED) {
        enabled++;
        if (ctx.warnings.length) noteWarnings(head, pid);
        if (r === VIOLATION) {
          stats.transitions++;
          return done({ status: "violation", violation: ctx.violation!, path: [...store.pathTo(head), pid] });
        }
        en[pid] = 1;
        marks[pid] = ctx.marks;
        if (por) nexts[pid].set(scratch);
        else {
          stats.transitions++;
          const idx = insertNext(scratch, curHi, curLo, head, pid);
          if (graph) graph.edge(head, idx < 0 ? ~idx : idx, pid, marks[pid]);
        }
      }
      restore(pid);
    }
    if (graph) {
      let mask = 0;
      let ended = 0;
      for (let pid = 0; pid < nProcs; pid++) {
        if (en[pid]) mask |= 1 << pid;
        if (!live[pid]) ended |= 1 << pid;
      }
      graph.state(head, mask, ended);
    }
    // Step 2: explore a persistent subset of the enabled steps.
    if (por && enabled > 0) {
      for (let pid = 0; pid < nProcs; pid++) pcs[pid] = cur[baseOf[pid]];
      const chosenCount = enabled > 1 ? por.choose(pcs, en, live, chosen) : enabled;
      if (enabled === 1) chosen.set(en);
      for (let pid = 0; pid < nProcs; pid++) {
        if (!chosen[pid]) continue;
        stats.transitions++;
        if (insertNext(nexts[pid], curHi, curLo, head, pid) < 0) revisited = true;
      }
      // Cycle proviso: a reduced expansion that reaches a known state becomes a full one.
      if (revisited && chosenCount < enabled) {
        for (let pid = 0; pid < nProcs; pid++) {
          if (!en[pid] || chosen[pid]) continue;
          stats.transitions++;
          insertNext(nexts[pid], curHi, curLo, head, pid);
        }
      }
      canonMoved = false; // step 2 reorders the kept copies, never scratch
    }
    if (enabled > 0) continue;
    let allFinished = true;
    for (let pid = 0; pid < nProcs; pid++) if (!m.finished(pid, cur)) allFinished = false;
    if (!allFinished) {
      const blocked: string[] = [];
      for (let pid = 0; pid < nProcs; pid++) if (!m.finished(pid, cur)) blocked.push(`P${pid}`);
      const v: Violation = { kind: "deadlock", msg: `${blocked.join(", ")} blocked forever`, proc: -1, pc: -1 };
      return done({ status: "violation", violation: v, path: store.pathTo(head) });
    }
    recordFinal(model, m, cur, finals);
  }
  stats.completeDepth = stats.depth;
  return done({ status: "done" });
}

function recordFinal(model: ModelIR, m: Machine, s: Int32Array, finals: Map<string, FinalState>): void {
  const values = model.observed.map((o) => (o.kind === "mem" ? s[o.addr] : s[m.procs[o.proc].base + 1 + o.slot]));
  const key = values.join(",");
  if (finals.has(key)) return;
  if (model.filter && !evalFinal(model.filter, m, s)) return;
  finals.set(key, { values, satisfies: model.final ? evalFinal(model.final.cond, m, s) : null });
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
      return (v === a.value) !== a.negate;
    }
  }
}
