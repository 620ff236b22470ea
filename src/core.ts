// The checker core: source in, a plain-data result out (the same object the JSON output
// prints). No Node imports: the CLI (through check.ts) and the browser playground share it.

import { SourceError, formatSourceError } from "./frontend/diagnostics.js";
import { UnsupportedLanguageError, isPlainHerd7Test } from "./frontend/header.js";
import { LockMerging, mergeLocks } from "./ir/movers.js";
import { MERGE_UNSOUND, callSite } from "./ir/ir.js";
import { SiteInfo } from "./engine/trace.js";
import { CompileOptions, compileSource } from "./ir/compile.js";
import { observationOf } from "./observation.js";
import { ModelIR } from "./ir/ir.js";
import { SearchLimits, SearchOptions, SearchOutcome, search } from "./engine/bfs.js";
import type { SwarmReport } from "./engine/cluster/swarm.js";
import { Trace, formatValue, replay } from "./engine/trace.js";
import { SymmetryExclusion, symmetryAnalysis } from "./engine/symmetry.js";
import { Fairness, Goal, Graph, findLasso } from "./engine/liveness.js";
import { LkmmResult, checkLkmm, modelOf } from "./lkmm/check.js";

export type Verdict = "pass" | "violation" | "incomplete" | "error";

export interface CheckOptions extends SearchLimits, CompileOptions {
  /** "fail" (default): a WARN is a violation. "report": WARNs are listed, the run goes on. */
  warn?: "fail" | "report";
  /** Partial-order reduction (default on). */
  por?: boolean;
  /** Symmetry reduction of identical processes (default on). */
  symmetry?: boolean;
  /** Lock releases run in the step before them, acquires in the step after them, when they are movers (src/ir/movers.ts; default on). */
  mergeLocks?: boolean;
  /** Keep full states in the visited set instead of 64-bit fingerprints. */
  exact?: boolean;
  /** Fingerprints in the compact sorted set (default), or in a hash table: faster probes, about 2.5x the memory. */
  compact?: boolean;
  /** herd7's view of a test or strict (default: herd7 for a final condition without an Expect: line). */
  mode?: "herd7" | "strict";
  /** Fairness for liveness checks (PROGRESS(), GOAL()): weak (default), strong or none. */
  fairness?: Fairness;
  /** The memory model: "sc" (default: every interleaving) or "lkmm" (src/lkmm/); the scenario's `Model:` line otherwise. */
  model?: "sc" | "lkmm";
  /** LKMM mode: how many times an execution may go round each loop (herd7's -unroll; default 2). */
  unroll?: number;
  /** LKMM mode: "count" (default) checks every candidate execution for herd7's counts; "answer" stops once Never/Sometimes/Always is known. */
  lkmmSearch?: "count" | "answer";
  /** LKMM mode: read values "concrete" (a path per value a read may see), "symbolic" (a read is a
   * variable, a path per outcome of a test: docs/design.md) or "auto" (default: concrete, and
   * symbolic when a process has too many concrete paths). */
  lkmmValues?: "auto" | "concrete" | "symbolic";
  /** The exploration engine; the Node entry (check.ts) passes the parallel one for `workers` > 1. */
  engine?: (model: ModelIR, opts: SearchOptions) => SearchOutcome;
}

export interface Expectation {
  expect: string | null; // "clean" or a violation kind
  result: "Never" | "Sometimes" | "Always" | null;
  met: boolean;
  detail: string; // why it was (not) met
}

export interface CheckResult {
  file: string;
  name: string;
  verdict: Verdict;
  violation?: { kind: string; message: string; process: string | null; shortest: boolean; trace: Trace };
  /** WARNs reached (--warn=report), and in herd7 mode the model's own findings (kind bug or deadlock). */
  warnings: { kind: string; message: string; process: string | null; trace: Trace }[];
  /** "herd7": a plain herd7 test (a final condition, no Expect: line) asks only about its final
   * condition, so pageproof's own findings are warnings beside the answer. "strict": they are violations. */
  mode: "herd7" | "strict";
  observation?: { quantifier: string; condition: string; result: "Never" | "Sometimes" | "Always"; positive: number; negative: number };
  finalStates: { values: Record<string, string>; satisfies: boolean | null }[];
  stats: {
    states: number;
    transitions: number;
    depth: number;
    completeDepth: number;
    seconds: number;
    statesPerSecond: number;
    memoryBytes: number;
    /** Visited-set bytes per state (fingerprints: 8 bytes plus the hash table's free slots). */
    visitedBytesPerState: number;
    /** "fingerprint" (default) or "exact". */
    visited: "fingerprint" | "exact";
    /** Probability that a fingerprint collision hid a state (0 in exact mode). */
    collisionProbability: number;
    /** Threads that explored the state space (--workers). */
    threads: number;
    /** Worker processes that expanded states (--cluster). */
    workers?: number;
    /** --cluster: "partitioned" (workers own the visited set; --no-por) or "ordered" (the coordinator commits). */
    clusterMode?: "ordered" | "partitioned";
  };
  /** detail: what hit the limit, where the engine can say (the LKMM path enumeration does); hint: what may finish instead. */
  incomplete?: { limit: string; completeDepth: number; detail?: string; hint?: string };
  expectation?: Expectation;
  liveness?: { fairness: Fairness; goals: string[]; note: string };
  /** Which reductions the search applied, and why each one left off was. */
  reductions?: Reductions;
  /** The kernel model the scenario's `#include`s read (absent when it includes no prelude header). */
  kernel?: { version: string; source: "option" | "scenario" | "default" };
  /** --swarm: the jobs' coverage (src/engine/cluster/swarm.ts). */
  swarm?: SwarmReport;
  /** herd7's test metadata: the quoted doc string and the `Key=Value` info lines (diy7's Cycle=, Relax=, ...). */
  metadata?: { doc: string | null; info: Record<string, string> };
  /** LKMM mode only (docs/design.md, "LKMM mode"): the bound, execution counts, a witness execution. */
  lkmm?: LkmmResult;
  error?: { file: string; line: number; col: number; message: string; formatted: string; unsupportedLanguage?: boolean };
}

export interface Reductions {
  symmetry: {
    applied: boolean;
    /** Groups of interchangeable processes, by name. */
    groups: string[][];
    /** Why no symmetry was applied (when applied is false). */
    note: string | null;
    /** Processes with the same code as another but kept out, with the reason and the construct. */
    excluded: SymmetryExclusion[];
  };
  por: { applied: boolean; note: string | null };
  /** Lock operations merged with the code around them (src/ir/movers.ts): releases into the step before, acquires with the step after. */
  locks: { applied: boolean; releases: number; acquires: number; note: string | null; site: SiteInfo | null };
}

/**
 * Said when an SC search of a plain herd7 test (no kernel model) hits a limit. herd7's answers
 * are the LKMM's, and the LKMM mode enumerates candidate executions, which stays small on
 * loop-free tests where interleavings of many processes do not (docs/design.md,
 * "Partial-order reduction": the RCU rings).
 */
export const LKMM_HINT = "a herd7 test: --model lkmm answers it as herd7 does (the Linux-kernel memory model, by enumerating candidate executions), often far faster than every interleaving when many processes run";

export const EMPTY_STATS: CheckResult["stats"] = { states: 0, transitions: 0, depth: 0, completeDepth: 0, seconds: 0, statesPerSecond: 0, memoryBytes: 0, visitedBytesPerState: 0, visited: "fingerprint", collisionProbability: 0, threads: 1 };

export function checkSource(text: string, path = "<input>", opts: CheckOptions = {}): CheckResult {
  try {
    return checkUnsafe(text, path, opts);
  } catch (e) {
    if (e instanceof SourceError) {
      return {
        file: path,
        name: path,
        verdict: "error",
        warnings: [],
        mode: "strict",
        finalStates: [],
        stats: EMPTY_STATS,
        error: {
          file: e.loc.file.path,
          line: e.loc.line,
          col: e.loc.col,
          message: e.detail,
          formatted: formatSourceError(e),
          ...(e instanceof UnsupportedLanguageError ? { unsupportedLanguage: true } : {}),
        },
      };
    }
    // A bug of pageproof's own: still a clean message, never a stack trace for the user.
    // (A cluster server that refuses the run is the user's to fix, not a bug: ClusterError.)
    const message = e instanceof Error && e.name === "ClusterError" ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)} (please report it with this scenario)`;
    return { file: path, name: path, verdict: "error", warnings: [], mode: "strict", finalStates: [], stats: EMPTY_STATS, error: { file: path, line: 0, col: 0, message, formatted: `${path}: ${message}` } };
  }
}

function checkUnsafe(text: string, path: string, opts: CheckOptions): CheckResult {
  const { program, model: compiled } = compileSource(path, text, opts);

  const warnAsViolation = opts.warn !== "report";
  const mode = opts.mode ?? (isPlainHerd7Test(program) ? "herd7" : "strict");
  const kernel = program.files.some((f) => f.startsWith("prelude/")) ? { kernel: { version: program.kernel, source: program.kernelSource } } : {};
  // Object.assign, not a spread: the LKMM result lists its final states when they are read.
  if (modelOf(program, text, path, opts) === "lkmm") return Object.assign(checkLkmm(text, path, program, compiled, opts, mode), kernel);
  const findingsAsWarnings = mode === "herd7";
  // Liveness annotations need the whole graph: exact states, no reductions.
  const goals = livenessGoals(compiled);
  const graph = goals.length ? new Graph() : null;
  let merging = opts.mergeLocks !== false && !graph ? mergeLocks(compiled) : null;
  let model = merging?.model ?? compiled;
  const por = opts.por !== false && !graph;
  const run = opts.engine ?? search;
  const explore = () => {
    let out = graph
      ? search(model, { ...opts, warnAsViolation, por: false, symmetry: false, exact: true, graph })
      : run(model, { ...opts, warnAsViolation, findingsAsWarnings, por });
    let shortest = out.notShortest !== true;
    if (por && out.status === "violation" && shortest && out.violation?.kind !== MERGE_UNSOUND) {
      // The reduced graph may hide the shortest path: find it in the full graph, which a BFS
      // reaches before going deeper than the violation the reduced search found.
      const full = run(model, { ...opts, warnAsViolation, findingsAsWarnings, por: false });
      if (full.status === "violation") out = { ...full, stats: out.stats };
      else shortest = false;
    }
    return { out, shortest };
  };
  let { out, shortest } = explore();
  if (merging && out.violation?.kind === MERGE_UNSOUND) {
    // A plain access reached a merged lock (movers.ts): search again with every lock operation a step.
    const v = out.violation;
    const site = callSite(model.processes[v.proc].code[v.pc].src);
    merging = { model: compiled, report: { releases: 0, acquires: 0, note: `${v.msg}, which a merged lock operation does not commute with (searched again without merging)`, site } };
    model = compiled;
    ({ out, shortest } = explore());
  }
  const s = out.stats;
  const result: CheckResult = {
    file: path,
    name: model.name,
    verdict: out.status === "done" ? "pass" : out.status === "violation" ? "violation" : "incomplete",
    warnings: out.warnings.map((w) => {
      const { violation: seen, ...trace } = replay(model, w.path, w.warning, false, out.groups, findingsAsWarnings);
      const v = seen ?? w.warning;
      return { kind: v.kind, message: v.msg, process: v.proc >= 0 ? `P${v.proc}` : null, trace };
    }),
    mode,
    finalStates: [...out.finals.values()].map((f) => ({
      values: Object.fromEntries(model.observed.map((o, i) => [o.label, formatValue(model, f.values[i], o.pointer)])),
      satisfies: f.satisfies,
    })),
    stats: {
      states: s.states,
      transitions: s.transitions,
      depth: s.depth,
      completeDepth: s.completeDepth,
      seconds: round(s.seconds),
      statesPerSecond: s.seconds > 0 ? Math.round(s.states / s.seconds) : s.states,
      memoryBytes: s.bytes,
      visitedBytesPerState: s.states ? Math.round((s.visitedBytes / s.states) * 10) / 10 : 0,
      visited: opts.exact || graph ? "exact" : "fingerprint",
      collisionProbability: s.collisionProbability,
      threads: s.threads,
      ...(s.workers !== undefined ? { workers: s.workers } : {}),
      ...(s.clusterMode !== undefined ? { clusterMode: s.clusterMode } : {}),
    },
  };
  result.reductions = reductionsOf(model, opts, graph !== null, por, merging?.report ?? null);
  Object.assign(result, kernel);
  if (program.doc !== null || program.info.length) result.metadata = { doc: program.doc, info: Object.fromEntries(program.info) };
  if (out.status === "violation" && out.violation) {
    const { violation, ...trace } = replay(model, out.path ?? [], out.violation, warnAsViolation, out.groups, findingsAsWarnings);
    const v = violation ?? out.violation;
    result.violation = { kind: v.kind, message: v.msg, process: v.proc >= 0 ? `P${v.proc}` : null, shortest, trace };
  }
  if (out.status === "limit") {
    result.incomplete = { limit: out.limit!, completeDepth: s.completeDepth };
    if (mode === "herd7" && !result.kernel && out.limit !== "interrupted" && out.limit !== "swarm") result.incomplete.hint = LKMM_HINT;
  }
  if (out.swarm) result.swarm = out.swarm;
  if (graph) {
    const fairness = opts.fairness ?? "weak";
    result.liveness = { fairness, goals: goals.map((g) => g.message), note: "partial-order and symmetry reduction are off for liveness (not shown sound under fairness)" };
    if (out.status === "done") {
      graph.finish();
      const depth = bfsDepths(graph);
      for (const goal of goals) {
        const lasso = findLasso(graph, model.processes.length, goal, fairness, (x) => depth.dist[x]);
        if (!lasso) continue;
        const prefix = depth.pathTo(lasso.prefixEnd);
        const path = [...prefix, ...lasso.cycle].map((e) => graph.proc(e));
        const { violation: _v, ...trace } = replay(model, path, null, warnAsViolation);
        result.verdict = "violation";
        result.violation = { kind: goal.kind, message: goal.message, process: null, shortest: false, trace: { ...trace, cycleStart: prefix.length } };
        delete result.observation;
        break;
      }
    }
  }
  if (model.final && out.status === "done") {
    const positive = result.finalStates.filter((f) => f.satisfies).length;
    const negative = result.finalStates.length - positive;
    result.observation = observationOf(model.final.quant, text, program.final!.loc.offset, positive, negative);
  }
  result.expectation = expectationOf(program.comment, result) ?? undefined;
  return result;
}

function reductionsOf(model: ModelIR, opts: CheckOptions, liveness: boolean, por: boolean, merging: LockMerging | null): Reductions {
  const { groups, excluded } = symmetryAnalysis(model);
  const symOn = opts.symmetry !== false && !liveness;
  const applied = symOn && groups.length > 0;
  const symNote = opts.symmetry === false
    ? "switched off (--no-symmetry)"
    : liveness
      ? "off for liveness (not shown sound under fairness)"
      : groups.length === 0
        ? excluded.length ? "every process with a twin is left out (see excluded)" : "no two processes have the same code"
        : null;
  const porNote = opts.por === false ? "switched off (--no-por)" : liveness ? "off for liveness (not shown sound under fairness)" : model.processes.length < 2 ? "one process" : null;
  return {
    symmetry: { applied, groups: groups.map((g) => g.map((pid) => model.processes[pid].name)), note: symNote, excluded },
    por: { applied: por && model.processes.length > 1, note: porNote },
    locks: merging
      ? { applied: merging.releases + merging.acquires > 0, ...merging }
      : { applied: false, releases: 0, acquires: 0, note: opts.mergeLocks === false ? "switched off (--no-merge-locks)" : "off for liveness (not shown sound under fairness)", site: null },
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** `Expect:` and `Result:` lines of the header comment, compared with what the run found. */
export function expectationOf(comment: string, r: CheckResult): Expectation | null {
  const expect = /\bExpect:\s*([a-z-]+)/.exec(comment)?.[1] ?? null;
  const resultM = /\bResult:\s*(Never|Sometimes|Always)\b/.exec(comment)?.[1] as Expectation["result"] | undefined;
  const result = resultM ?? null;
  if (!expect && !result) return null;
  const problems: string[] = [];
  const found = r.verdict === "violation" ? r.violation!.kind : r.verdict === "pass" ? "clean" : r.verdict;
  if (r.verdict === "incomplete") problems.push(`the run was incomplete (${r.incomplete!.limit}), so nothing can be claimed`);
  else if (expect && expect !== found) problems.push(`expected ${expect}, found ${found}`);
  if (result && r.verdict !== "incomplete") {
    if (!r.observation) problems.push(`expected Result: ${result}, but there is no observation (${r.verdict === "violation" ? "the search stopped at a violation" : "no final condition"})`);
    else if (r.observation.result !== result) problems.push(`expected Result: ${result}, observed ${r.observation.result}`);
  }
  const detail = problems.length ? problems.join("; ") : [expect && `Expect: ${expect}`, result && `Result: ${result}`].filter(Boolean).join(", ") + " as stated";
  return { expect, result, met: problems.length === 0, detail };
}

export type { ModelIR };

/** The liveness goals a model states: PROGRESS() points, and each process's GOAL(). */
function livenessGoals(model: ModelIR): Goal[] {
  const goals: Goal[] = [];
  if (model.processes.some((p) => p.code.some((i) => i.op === "progress")))
    goals.push({ kind: "livelock", reaches: (g, e) => (g.mark(e) & 1) !== 0, message: "an infinite fair run passes no progress point (non-progress cycle)" });
  model.processes.forEach((p, pid) => {
    if (p.code.some((i) => i.op === "goal"))
      goals.push({
        kind: "starvation",
        reaches: (g, e) => g.proc(e) === pid && (g.mark(e) & 2) !== 0,
        // A process that has ended is not starved (whether it passed its goal first is a safety question).
        settled: (g, s) => (g.finished[s] & (1 << pid)) !== 0,
        message: `${p.name} never reaches its GOAL() again in an infinite fair run`,
      });
  });
  return goals;
}

/** BFS distances from the initial state over the recorded graph, and shortest paths (edge ids). */
function bfsDepths(g: Graph): { dist: Int32Array; pathTo: (s: number) => number[] } {
  const dist = new Int32Array(g.n).fill(-1);
  const via = new Int32Array(g.n).fill(-1);
  const queue = new Int32Array(g.n);
  let tail = 0;
  dist[0] = 0;
  queue[tail++] = 0;
  for (let h = 0; h < tail; h++) {
    const v = queue[h];
    for (let k = g.start[v]; k < g.start[v + 1]; k++) {
      const e = g.edges[k];
      const t = g.target(e);
      if (dist[t] >= 0) continue;
      dist[t] = dist[v] + 1;
      via[t] = e;
      queue[tail++] = t;
    }
  }
  const src = new Int32Array(g.m);
  for (let v = 0; v < g.n; v++) for (let k = g.start[v]; k < g.start[v + 1]; k++) src[g.edges[k]] = v;
  return {
    dist,
    pathTo: (s) => {
      const path: number[] = [];
      while (s !== 0) {
        path.push(via[s]);
        s = src[via[s]];
      }
      return path.reverse();
    },
  };
}
