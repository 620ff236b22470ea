// The swarm mode (`check FILE --cluster URL --swarm N`): N randomized, bounded depth-first
// searches (swarm-job.ts) as jobs on the cluster's workers, for state spaces too big for an
// exhaustive search. Never a proof: with no violation the verdict is incomplete (limit
// "swarm"), with an estimate of how much of the space the jobs saw. A violation found by any
// job is reported with the shortest path any job found (replayed by core.ts into the trace);
// it is the shortest known, not necessarily the shortest.
//
// Coverage: each job sends the SKETCH smallest fingerprint highs it visited (a bottom-k
// sketch). Merged, they estimate the number of distinct states all jobs saw together (U, the
// k-minimum-values estimator), and for each pair of jobs their overlap, hence the size of the
// whole space by capture–recapture (Lincoln–Petersen: N ≈ nA·nB / |A∩B|, median over pairs).
// Depth-first runs are not uniform samples (they share a bias towards the states near the
// initial one), so N is a rough estimate, and coverage U/N an optimistic one.

import { randomBytes } from "node:crypto";
import { serialize } from "node:v8";
import { ModelIR } from "../../ir/ir.js";
import { SearchOptions, SearchOutcome, SearchStats } from "../bfs.js";
import { Machine } from "../machine.js";
import { symmetryGroups } from "../symmetry.js";
import { JobOptions } from "./expand-batch.js";
import { ClusterError, NetClient } from "./search.js";
import { S_MAGIC, SKETCH, SwarmJobResult } from "./swarm-job.js";
import type { PulledResult } from "./net-thread.js";

export interface SwarmReport {
  jobs: number;
  boundPerJob: number;
  statesPerJob: number[];
  /** Distinct states the jobs saw together (estimated from the sketches unless all were small). */
  distinct: number;
  exactDistinct: boolean;
  /** Estimated size of the whole state space, or null when no two jobs overlapped. */
  estimatedTotal: number | null;
  /** distinct / estimatedTotal, at most 1; null without an estimate. */
  coverage: number | null;
  /** Jobs that found a violation. */
  violations: number;
}

const U32 = 4294967296;

/** Distinct count of a set whose bottom-k sketch is s (ascending unique values). */
function kmv(s: number[], exact: boolean): number {
  if (exact || s.length < SKETCH) return s.length;
  return ((SKETCH - 1) * U32) / (s[SKETCH - 1] + 1);
}

function bottom(...sets: number[][]): number[] {
  return [...new Set(sets.flat())].sort((a, b) => a - b).slice(0, SKETCH);
}

export function coverageOf(results: SwarmJobResult[], bound: number): SwarmReport {
  const small = results.every((r) => r.sketch.length < SKETCH); // every job's sketch is its whole set
  const union = bottom(...results.map((r) => r.sketch));
  const distinct = Math.round(small ? union.length : kmv(union, false));
  const estimates: number[] = [];
  for (let a = 0; a < results.length; a++)
    for (let b = a + 1; b < results.length; b++) {
      const A = results[a];
      const B = results[b];
      const u = bottom(A.sketch, B.sketch);
      const inA = new Set(A.sketch);
      const inB = new Set(B.sketch);
      // Only values below both sketches' maxima are known to be (or not be) in both.
      const limit = Math.min(A.sketch.length < SKETCH ? Infinity : A.sketch[SKETCH - 1], B.sketch.length < SKETCH ? Infinity : B.sketch[SKETCH - 1]);
      const seen = u.filter((v) => v <= limit);
      const both = seen.filter((v) => inA.has(v) && inB.has(v)).length;
      if (both === 0 || seen.length === 0) continue;
      const unionAB = small ? u.length : kmv(u, false);
      const overlap = (both / seen.length) * unionAB;
      estimates.push((A.states * B.states) / overlap);
    }
  estimates.sort((x, y) => x - y);
  const est = estimates.length ? Math.max(distinct, Math.round(estimates[estimates.length >> 1])) : null;
  return {
    jobs: results.length,
    boundPerJob: bound,
    statesPerJob: results.map((r) => r.states),
    distinct,
    exactDistinct: small,
    estimatedTotal: est,
    coverage: est ? Math.min(1, distinct / est) : null,
    violations: results.filter((r) => r.violation).length,
  };
}

export function swarmSearch(model: ModelIR, opts: SearchOptions, url: string, jobs: number): SearchOutcome {
  const t0 = performance.now();
  new Machine(model); // a model that does not compile is reported here, before any worker sees it
  const groups = opts.symmetry !== false ? symmetryGroups(model) : [];
  const bound = opts.maxStates ?? 100_000;
  const stats: SearchStats = { states: 0, transitions: 0, depth: 0, completeDepth: 0, seconds: 0, bytes: 0, visitedBytes: 0, collisionProbability: 0, threads: 1 };
  const job: JobOptions = { por: false, symmetry: opts.symmetry !== false, warnAsViolation: opts.warnAsViolation, findingsAsWarnings: opts.findingsAsWarnings === true, stepCacheBits: opts.stepCacheBits };
  const net = NetClient.for(url);
  const results = new Map<number, SwarmJobResult>();
  const workers = new Set<string>();
  const finish = (o: Omit<SearchOutcome, "warnings" | "finals" | "stats" | "groups">): SearchOutcome => {
    net.close();
    const rs = [...results.values()].sort((a, b) => a.index - b.index);
    const report = coverageOf(rs, bound);
    stats.states = report.distinct;
    stats.transitions = rs.reduce((n, r) => n + r.transitions, 0);
    stats.depth = rs.reduce((n, r) => Math.max(n, r.maxDepth), 0);
    stats.seconds = (performance.now() - t0) / 1000;
    stats.workers = workers.size;
    return { ...o, warnings: [], finals: new Map(), stats, groups, swarm: report, notShortest: true };
  };
  try {
    net.call({ op: "begin", run: randomBytes(6).toString("hex"), model: serialize(model), opts: JSON.stringify(job) });
  } catch (e) {
    net.close();
    throw e;
  }
  try {
    // Seeds differ per job and per run.
    const base = randomBytes(4).readUInt32LE(0);
    const batches = Array.from({ length: jobs }, (_, i) => Int32Array.from([S_MAGIC, i, (base + Math.imul(i + 1, 0x9e3779b9)) | 0, bound]).buffer);
    net.call({ op: "push", batches }, batches);
    let last = "0-0";
    while (results.size < jobs) {
      if (opts.timeoutMs !== undefined && performance.now() - t0 >= opts.timeoutMs) return finish({ status: "limit", limit: "timeout" });
      if (opts.interrupted?.()) return finish({ status: "limit", limit: "interrupted" });
      for (const g of net.call<PulledResult[]>({ op: "pull", last, blockMs: 250 })) {
        last = g.id;
        if (!g.swarm) continue;
        const r = JSON.parse(g.swarm) as SwarmJobResult;
        if (!results.has(r.index)) results.set(r.index, r); // a job redone after a loss: the first report stands
        workers.add(g.worker);
      }
    }
  } catch (e) {
    if (e instanceof ClusterError) return finish({ status: "limit", limit: "server-lost" });
    throw e;
  }
  // The shortest violation path any job found (ties: the lowest job).
  let best: SwarmJobResult | null = null;
  for (const r of [...results.values()].sort((a, b) => a.index - b.index)) if (r.violation && (!best || r.path.length < best.path.length)) best = r;
  if (best) return finish({ status: "violation", violation: best.violation!, path: best.path });
  return finish({ status: "limit", limit: "swarm" });
}
