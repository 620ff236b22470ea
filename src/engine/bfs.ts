// Breadth-first exploration of every interleaving, on one thread (parallel/search.ts is the
// multi-threaded one; both expand states with expand.ts). Because states are expanded in
// discovery order, the first violation found is at the smallest depth: every
// counterexample is a shortest one.

import { ModelIR } from "../ir/ir.js";
import { DEADLOCKED, Expander, FinalState, GraphRecorder, VIOLATED } from "./expand.js";
import { Machine, Violation } from "./machine.js";
import { PartialOrder } from "./por.js";
import { CompactFingerprintSet } from "./compact.js";
import { FingerprintStore, FingerprintTable, StateStore, Store } from "./store.js";
import { Canonicaliser, symmetryGroups } from "./symmetry.js";
import type { SwarmReport } from "./cluster/swarm.js";

export type { FinalState, GraphRecorder };
export { evalFinal } from "./expand.js";

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
  threads: number; // threads that explored (parallel/search.ts)
  workers?: number; // worker processes whose results were used (cluster/search.ts)
  clusterMode?: "ordered" | "partitioned"; // how the cluster search committed states
  probesSkipped?: number; // transitions whose visited-set probe was skipped (diamonds, expand.ts)
}

export interface SearchOutcome {
  status: "done" | "violation" | "limit";
  /** Groups of processes treated as interchangeable (paths name canonical positions). */
  groups: number[][];
  limit?: "max-states" | "timeout" | "max-memory" | "interrupted" | "server-lost" | "worker-lost" | "swarm";
  violation?: Violation;
  path?: number[]; // process ids from the initial state to the violation
  warnings: { warning: Violation; path: number[] }[];
  finals: Map<string, FinalState>;
  stats: SearchStats;
  /** The swarm mode's coverage (cluster/swarm.ts). */
  swarm?: SwarmReport;
  /** The path is the shortest one found, not necessarily a shortest one (swarm mode). */
  notShortest?: boolean;
}

export interface SearchOptions extends SearchLimits {
  warnAsViolation: boolean;
  /** herd7's view: the model's own findings and deadlocks are warnings, the run goes on
   * (a deadlocked state is then not a final state: herd7 has no such execution). */
  findingsAsWarnings?: boolean;
  /** Partial-order reduction (persistent sets); see por.ts. */
  por?: boolean;
  /** Symmetry reduction of interchangeable processes; see symmetry.ts. */
  symmetry?: boolean;
  /** Store full states (no fingerprint collisions possible) instead of 64-bit fingerprints. */
  exact?: boolean;
  /** Fingerprints in the compact sorted set (compact.ts; default) rather than a hash table. */
  compact?: boolean;
  /** Entries of the step cache as a power of two (stepcache.ts); tests make it tiny to force collisions. */
  stepCacheBits?: number;
  /** Skip the probes of successors that commuting steps reach anyway (commute.ts; default on); tests turn it off. */
  diamonds?: boolean;
  /** Records the whole state graph (for liveness); needs exact, no reductions. */
  graph?: GraphRecorder;
}

export function search(model: ModelIR, opts: SearchOptions): SearchOutcome {
  const t0 = performance.now();
  const m = new Machine(model);
  const store: Store = opts.exact ? new StateStore(m.width) : new FingerprintStore(m.width, opts.compact === false ? new FingerprintTable() : new CompactFingerprintSet());
  const warnings: SearchOutcome["warnings"] = [];
  const warnSeen = new Set<string>();
  const nProcs = model.processes.length;
  const stats: SearchStats = { states: 0, transitions: 0, depth: 0, completeDepth: 0, seconds: 0, bytes: 0, visitedBytes: 0, collisionProbability: 0, threads: 1 };
  const groups = opts.symmetry !== false ? symmetryGroups(model) : [];
  const graph = opts.graph ?? null;
  if (graph && (opts.por || opts.symmetry !== false || !opts.exact || nProcs > 31)) throw new Error("graph recording needs exact states, no reductions and at most 31 processes");
  const x = new Expander(
    model,
    m,
    (s, hi, lo, parent, pid) => store.insert(s, hi, lo, parent, pid),
    groups.length ? new Canonicaliser(m, groups) : null,
    opts.por && nProcs > 1 ? new PartialOrder(model) : null,
    graph,
    opts.warnAsViolation,
    store instanceof FingerprintStore ? store : null,
    opts.stepCacheBits,
    opts.diamonds !== false,
  );
  const ctx = x.ctx;
  ctx.findingsAsWarnings = opts.findingsAsWarnings === true;
  const done = (o: Omit<SearchOutcome, "warnings" | "finals" | "stats" | "groups">): SearchOutcome => {
    try {
      x.flush();
    } catch (e) {
      if (!isAllocationFailure(e)) throw e; // the search is ending on exactly that: report it
    }
    stats.states = store.count;
    stats.transitions = x.transitions;
    stats.probesSkipped = x.skipped;
    stats.seconds = (performance.now() - t0) / 1000;
    stats.bytes = store.bytes;
    stats.visitedBytes = store.visitedBytes;
    stats.collisionProbability = store instanceof FingerprintStore ? store.collisionProbability() : 0;
    return { ...o, warnings, finals: x.finals, stats, groups };
  };
  x.onWarnings = (parent: number, pid: number) => {
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
  x.onWarnings(-1, -1);
  if (ctx.violation) return done({ status: "violation", violation: ctx.violation, path: [] });
  x.prepareInitial(init);
  store.insert(init, x.fp.hi, x.fp.lo, -1, -1);

  const maxStates = opts.maxStates ?? Infinity;
  let levelEnd = 1; // states [0, levelEnd) are at depth <= stats.depth
  let lastProgress = t0;
  try {
    for (let head = 0; ; head++) {
      // The expander may hold back successors to insert them together: flush them before
      // the store must be complete (the next state to expand, the end of a level).
      if (head >= store.count) {
        x.flush();
        if (head >= store.count) break;
      }
      if (head === levelEnd) {
        x.flush();
        stats.completeDepth = stats.depth;
        stats.depth++;
        levelEnd = store.count;
      }
      if (store.count >= maxStates) return done({ status: "limit", limit: "max-states" });
      if ((head & 1023) === 0) {
        const now = performance.now();
        if (opts.maxMemoryMB !== undefined && store.bytes > opts.maxMemoryMB * 1048576) return done({ status: "limit", limit: "max-memory" });
        if (opts.timeoutMs !== undefined && now - t0 >= opts.timeoutMs) return done({ status: "limit", limit: "timeout" });
        if (opts.interrupted?.()) return done({ status: "limit", limit: "interrupted" });
        if (opts.progress && now - lastProgress > 2000) {
          lastProgress = now;
          opts.progress({ states: store.count, transitions: x.transitions, queue: store.count - head, depth: stats.depth, seconds: (now - t0) / 1000, bytes: store.bytes });
        }
      }
      const cur = x.stateBuffer();
      store.load(head, cur, x.fp);
      store.release(head - 1);
      const r = x.expand(head, cur, x.fp.hi, x.fp.lo);
      if (r === VIOLATED) return done({ status: "violation", violation: ctx.violation!, path: [...store.pathTo(head), x.violator] });
      if (r === DEADLOCKED) {
        if (!ctx.findingsAsWarnings) return done({ status: "violation", violation: x.deadlock(cur), path: store.pathTo(head) });
        // The first (shallowest) deadlock is reported; the others are the same finding.
        if (!warnSeen.has("deadlock")) {
          warnSeen.add("deadlock");
          warnings.push({ warning: x.deadlock(cur), path: store.pathTo(head) });
        }
      }
    }
  } catch (e) {
    // The arrays cannot grow any more (JavaScript's limits on one typed array, or the
    // machine's memory): the search ends incomplete, like --max-memory.
    if (isAllocationFailure(e)) return done({ status: "limit", limit: "max-memory" });
    throw e;
  }
  stats.completeDepth = stats.depth;
  return done({ status: "done" });
}

/** An array that could not be allocated or grown (not a bug: the state space is too big). */
export function isAllocationFailure(e: unknown): boolean {
  return e instanceof RangeError && /Array buffer allocation failed|Invalid typed array length|Invalid array buffer length/.test(e.message);
}
