// `--model lkmm`: the scenario's answer under the Linux-kernel memory model instead of
// sequential consistency. Paths per process (paths.ts), candidate executions (exec.ts), the
// model's axioms (model.ts); this file turns them into the same CheckResult the SC search
// gives (observation with herd7's execution counts, final states, findings), plus the
// execution graph of a witness (display.ts).

import { observationOf } from "../observation.js";
import type { CheckOptions, CheckResult } from "../core.js";
import { EMPTY_STATS, expectationOf } from "../core.js";
import { Program } from "../frontend/ast.js";
import { fail, locAt, makeSourceFile } from "../frontend/diagnostics.js";
import { ModelIR, Src } from "../ir/ir.js";
import { formatValue, Trace } from "../engine/trace.js";
import { Execution, ExecLimit, StopEnum, ValueCycle, enumerate, evalCond, snapshot } from "./exec.js";
import { FinalExpr } from "../ir/ir.js";
import { NeedConcrete, Path, PathBuilder, PathLimit, PathOptions, siteOf } from "./paths.js";
import { ExecGraph, graphOf } from "./display.js";
import { StaticValues } from "./static-values.js";

export const DEFAULT_UNROLL = 2;
/** What to do when no execution ends within the unroll bound. */
const RAISE_UNROLL = "raise --unroll (a loop that never exits, such as for (;;), is cut at any bound: check such a scenario under SC)";

export interface LkmmResult {
  unroll: number;
  /** Candidate executions examined and those the model allows. */
  candidates: number;
  executions: number;
  /** Allowed executions that the unroll bound cut short (then the run is incomplete). */
  cut: number;
  /** false when only the answer was sought (lkmmSearch "answer"): positive/negative are then lower bounds. */
  exact: boolean;
  /** How read values were enumerated (paths.ts): a path per value, or symbolic values. */
  values: "concrete" | "symbolic";
  /** An allowed execution that satisfies the final condition, else a forbidden one that would (and why not). */
  witness?: ExecGraph;
}

/** The model to check under: --model, else the scenario's `Model:` header line, else SC. */
export function modelOf(program: Program, text: string, path: string, opts: CheckOptions): "sc" | "lkmm" {
  if (opts.model) return opts.model;
  const m = /\bModel:\s*([A-Za-z0-9_-]+)/.exec(program.comment);
  if (!m) return "sc";
  const v = m[1].toLowerCase();
  if (v !== "sc" && v !== "lkmm") {
    const at = text.indexOf(m[0]);
    fail(locAt(makeSourceFile(path, text), Math.max(0, at + m[0].length - m[1].length)), `unknown model '${m[1]}' in the Model: line (write sc or lkmm)`);
  }
  return v;
}

export function checkLkmm(text: string, path: string, program: Program, model: ModelIR, opts: CheckOptions, mode: "herd7" | "strict"): CheckResult {
  const t0 = performance.now();
  // Liveness needs infinite runs, which executions of bounded length do not have.
  for (const p of model.processes)
    for (const ins of p.code)
      if (ins.op === "progress" || ins.op === "goal")
        fail(ins.src.loc, `${ins.op === "progress" ? "PROGRESS()" : "GOAL()"}: liveness is checked under sequential consistency only; run without --model lkmm (LKMM executions have bounded length)`);
  const unroll = opts.unroll ?? DEFAULT_UNROLL;
  const warnAsViolation = opts.warn !== "report";
  const findingsAsWarnings = mode === "herd7";
  // Per process; the kernel model's primitives read many locations, each read a branch per value.
  const maxPaths = 20_000;
  const deadline = opts.timeoutMs ? t0 + opts.timeoutMs : Infinity;
  const maxCandidates = opts.maxStates ?? 50_000_000;
  // "count" (default): every candidate, so the Observation line has herd7's execution counts.
  // "answer": only as far as needed to tell Never / Sometimes / Always (the corpus test, bench).
  const answerOnly = opts.lkmmSearch === "answer" && model.final !== null;

  const result: CheckResult = { file: path, name: model.name, verdict: "pass", warnings: [], mode, finalStates: [], stats: { ...EMPTY_STATS } };
  const lk: LkmmResult = { unroll, candidates: 0, executions: 0, cut: 0, exact: true, values: "concrete" };
  result.lkmm = lk;
  if (program.doc !== null || program.info.length) result.metadata = { doc: program.doc, info: Object.fromEntries(program.info) };

  let perProc: Path[][] = [];
  let limit: string | null = null;
  let limitDetail: string | undefined;
  const valuesMode = opts.lkmmValues ?? "auto";
  let hottest = "";
  let stable: StaticValues | undefined;
  const build = (concreteLocs?: ReadonlySet<number>) =>
    buildPaths(model, { unroll, maxPaths, deadline, concreteLocs, stable: concreteLocs ? (stable ??= new StaticValues(model)) : undefined });
  try {
    if (valuesMode === "symbolic") {
      lk.values = "symbolic";
      ({ perProc, hottest } = buildSymbolic(build, model.cells.length));
    } else {
      try {
        ({ perProc, hottest } = build());
      } catch (e) {
        // Too many concrete paths: symbolic values fork only where a test needs an outcome.
        if (!(e instanceof PathLimit) || e.limit !== "max-paths" || valuesMode !== "auto") throw e;
        lk.values = "symbolic";
        try {
          ({ perProc, hottest } = buildSymbolic(build, model.cells.length));
        } catch (e2) {
          if (e2 instanceof PathLimit && e2.limit === "max-paths") throw new PathLimit(`${e2.message} (with symbolic read values; with concrete ones: ${e.message})`);
          throw e2;
        }
      }
    }
  } catch (e) {
    if (!(e instanceof PathLimit)) throw e;
    limit = e.limit;
    limitDetail = e.message;
  }

  // A process whose every path is cut (it loops for ever, or longer than the bound) is in every
  // execution, so none ends within the bound and none can be reported: say so at once rather
  // than search executions only to count them.
  const endless = perProc.findIndex((ps) => ps.length > 0 && ps.every((p) => p.cut));
  if (!limit && endless >= 0) {
    const at = perProc[endless][0].cutAt;
    limit = "unroll";
    limitDetail = `every path of P${endless} runs a loop past the bound of ${unroll} iterations${at ? ` (${siteOf(at)})` : ""}, so no execution ends within it; ${RAISE_UNROLL}`;
  }

  const extraLocs = model.observed.filter((o) => o.kind === "mem").map((o) => o.addr);
  const finals = new FinalStates(model, perProc);
  let positive = 0;
  let negative = 0;
  let witness: Execution | null = null;
  let forbiddenWitness: Execution | null = null;
  const seenFindings = new Set<string>();
  let stop = false;
  class Stop extends Error {}
  const finding = (kind: string, msg: string, x: Execution | null, src: Src | null, pid = -1) => {
    const key = `${kind}:${msg}`;
    if (seenFindings.has(key)) return;
    seenFindings.add(key);
    const trace = traceOf(model, x, src);
    const proc = pid >= 0 ? `P${pid}` : null;
    const isViolation = !findingsAsWarnings && (kind !== "warn" || warnAsViolation);
    if (isViolation) {
      result.verdict = "violation";
      result.violation = { kind, message: msg, process: proc, shortest: false, trace };
      if (x) lk.witness = graphOf(model, x, `${kind}: ${msg}`);
      stop = true;
      throw new Stop();
    }
    result.warnings.push({ kind, message: msg, process: proc, trace });
  };
  // Use after free, as the SC engine checks it on every access: here an access to a freed
  // object's cell that the execution does not order before the write marking it freed
  // (po? ; (hb | pb | rb)* ; po?) — the access may come after the free.
  const freeable = model.cells.some((c) => c.freedCell >= 0) && perProc.some((ps) => ps.some((p) => p.events.some((e) => e.kind === "W" && e.val !== 0 && model.cells.some((c) => c.freedCell === e.loc))));
  const useAfterFree = (x: Execution) => {
    const order = x.verdict.order!; // made on its first call, kept for the later ones
    x.events.forEach((e, i) => {
      if (e.proc < 0 || e.kind === "F" || e.freeChecked) return;
      const cell = model.cells[e.loc];
      if (!cell || cell.ghost || cell.freedCell < 0) return;
      x.events.forEach((w, j) => {
        if (w.kind === "W" && w.proc >= 0 && w.loc === cell.freedCell && w.val !== 0 && !order().has(i, j))
          finding("use-after-free", `access to ${cell.name} after the object was freed`, x, e.src, e.proc);
      });
    });
  };
  // Where the allowed executions that the bound cut took a loop once too often, for the message.
  const cutSites = new Map<string, number>();
  const visit = (mode: "all" | "sat" | "unsat") => (x: Execution) => {
    lk.candidates++; // counted here, so a run stopped by a limit still reports what it checked
    const sat = model.final ? evalCond(model.final.cond, x.final) : false;
    if (!x.verdict.ok) {
      // Show the most telling forbidden execution: one that breaks an ordering axiom rather
      // than coherence or atomicity, which any value mismatch breaks.
      const rank = (v: Execution) => (v.verdict.axiom === "coherence" || v.verdict.axiom === "atomic" ? 0 : 1);
      if (sat && model.final && (!forbiddenWitness || rank(x) > rank(forbiddenWitness))) forbiddenWitness = snapshot(x);
      return;
    }
    const cutPath = x.paths.find((p) => p.cut);
    if (cutPath) {
      lk.cut++;
      const site = `P${cutPath.proc}${cutPath.cutAt ? ` at ${siteOf(cutPath.cutAt)}` : ""}`;
      cutSites.set(site, (cutSites.get(site) ?? 0) + 1);
      return;
    }
    if (model.filter && !evalCond(model.filter, x.final)) return;
    if (mode === "sat" && !sat) return;
    if (mode === "unsat" && sat) return;
    lk.executions++;
    for (const p of x.paths) for (const v of p.violations) finding(v.kind, v.msg, x, v.src, p.proc);
    if (freeable) useAfterFree(x);
    for (const [i, j] of x.verdict.races) {
      const a = x.events[i];
      const b = x.events[j];
      finding("data-race", `data race on ${model.cells[a.loc]?.name ?? a.loc}: ${describe(a)} (P${a.proc}) and ${describe(b)} (P${b.proc}) are not ordered, and one is a plain access`, x, a.src);
    }
    if (model.final) {
      if (sat) positive++;
      else negative++;
      if (sat && !witness) witness = snapshot(x);
    }
    finals.add(x, model.final ? sat : null);
    if (mode !== "all") throw new StopEnum();
  };
  if (!limit) {
    // Without a final condition no forbidden execution is shown, so none need be enumerated.
    const lim = { maxCandidates, deadline, wantOrder: freeable, skipForbidden: !model.final };
    const run = (paths: Path[][], mode: "all" | "sat" | "unsat") => {
      try {
        enumerate(model, paths, extraLocs, { ...lim, maxCandidates: maxCandidates - lk.candidates }, visit(mode));
      } catch (e) {
        if (e instanceof ExecLimit) {
          limit = e.limit;
          // Where the candidate search ran out: how many paths each process has and where they fork.
          limitDetail ??= `the candidate search stopped after ${lk.candidates} candidates; paths per process ${perProc.map((ps) => ps.length).join(", ")} (${lk.values} read values)${hottest}`;
        }
        else if (e instanceof ValueCycle) {
          limit = "value-cycle";
          limitDetail = e.message;
        } else if (!(e instanceof StopEnum)) throw e;
      }
    };
    try {
      // Unbalanced RCU and self-deadlocks are properties of a path, whichever execution it is
      // part of (a self-deadlocking grace period leaves no allowed execution at all: herd7's
      // "Never 0 0").
      for (const ps of perProc) for (const p of ps) for (const n of p.notes) finding(n.kind, n.msg, null, n.src, p.proc);
      if (answerOnly) {
        // First an execution that satisfies the condition, among the paths that agree with
        // its register atoms; then one that does not.
        const need = registerAtoms(model.final!.cond);
        // A symbolic slot may have any value: the path stays.
        const agrees = (p: Path) => need.every((a) => a.proc !== p.proc || typeof p.slotVals?.[a.slot] === "object" || (p.slots[a.slot] === a.value) !== a.negate);
        run(perProc.map((ps) => ps.filter(agrees)), "sat");
        if (!limit && !stop) run(perProc, "unsat");
        lk.exact = false;
      } else run(perProc, "all");
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  result.stats = { ...EMPTY_STATS, states: lk.executions, transitions: lk.candidates, seconds: Math.round(seconds * 1000) / 1000, statesPerSecond: seconds > 0 ? Math.round(lk.candidates / seconds) : lk.candidates, visited: "exact" };
  // Listed when first read: a ring of 19 processes has 2^19 final states, which only a report
  // prints (building them is a third of such a run).
  const settle = (v: CheckResult["finalStates"]) => Object.defineProperty(result, "finalStates", { value: v, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(result, "finalStates", {
    enumerable: true,
    configurable: true,
    get: () => {
      const v = finals.list();
      settle(v);
      return v;
    },
    set: settle,
  });
  if (!stop) {
    if (limit) {
      result.verdict = "incomplete";
      result.incomplete = { limit, completeDepth: 0, ...(limitDetail ? { detail: limitDetail } : {}) };
    } else if (lk.cut > 0) {
      result.verdict = "incomplete";
      const cut = `${lk.cut} allowed execution${lk.cut === 1 ? "" : "s"}`;
      const top = [...cutSites].sort((a, b) => b[1] - a[1])[0][0];
      const where = cutSites.size === 1 ? top : `most often ${top}`;
      const detail =
        lk.executions === 0
          ? `every allowed execution (${lk.cut}) runs a loop past the bound of ${unroll} iterations (${where}); ${RAISE_UNROLL}`
          : `${cut} run${lk.cut === 1 ? "s" : ""} a loop past the bound of ${unroll} iterations (${where}); the ${lk.executions} that end within it have no finding; raise --unroll`;
      result.incomplete = { limit: "unroll", completeDepth: 0, detail };
    }
  }
  if (model.final && result.verdict !== "incomplete" && !stop) {
    result.observation = observationOf(model.final.quant, text, program.final!.loc.offset, positive, negative);
  }
  if (!lk.witness) {
    const w = witness ?? forbiddenWitness;
    if (w) lk.witness = graphOf(model, w, null);
  }
  result.expectation = expectationOf(program.comment, result) ?? undefined;
  return result;
}

/** Paths per process, and where the process with the most paths forked most (for a limit's message). */
interface Built {
  perProc: Path[][];
  hottest: string;
}

/**
 * Every path of every process. Concrete mode (no concreteLocs) and the locations read
 * concretely in the symbolic mode need the values each process may write there, per location,
 * to a fixpoint: a read of process p may see what the other processes may write there
 * (paths.ts adds p's own latest write, or the initial value). With nothing read concretely
 * there is no fixpoint to find.
 */
function buildPaths(model: ModelIR, opts: PathOptions): Built {
  const builders = model.processes.map((p, pid) => new PathBuilder(model, p, pid, opts));
  const writtenBy = builders.map(() => new Map<number, Set<number>>());
  const others = (pid: number) => {
    const cache = new Map<number, Set<number>>();
    return (a: number): Set<number> => {
      let s = cache.get(a);
      if (!s) {
        s = new Set<number>();
        writtenBy.forEach((w, q) => {
          if (q !== pid) for (const v of w.get(a) ?? []) s!.add(v);
        });
        cache.set(a, s);
      }
      return s;
    };
  };
  const size = () => writtenBy.reduce((k, w) => k + [...w.values()].reduce((j, s) => j + s.size, 0), 0);
  // Symbolic mode: the locations read concretely are mostly pointers, written only constants;
  // then the constants of the other processes' writes to them in the step IR are the values (a
  // value no write of an execution gives leaves its read no write to read from) and no fixpoint
  // is needed. Only the other processes': a read sees its own process's latest write there, or
  // the initial value (paths.ts adds it), never its process's other writes.
  const stable = opts.stable;
  if (opts.concreteLocs && stable && [...opts.concreteLocs].every((l) => stable.valuesAt(l) !== null))
    return built(builders, builders.map((b) => b.paths((a) => (opts.concreteLocs!.has(a) ? (stable.writtenByOthers(a, b.pid) ?? stable.valuesAt(a) ?? []) : []))));
  if (!opts.concreteLocs || opts.concreteLocs.size > 0)
    for (let round = 0; ; round++) {
      const before = size();
      const seeds = builders.map((b) => b.written(others(b.pid)));
      seeds.forEach((sd, pid) => {
        for (const [a, vs] of sd.values) {
          let set = writtenBy[pid].get(a);
          if (!set) writtenBy[pid].set(a, (set = new Set()));
          for (const v of vs) set.add(v);
        }
      });
      if (size() === before) break;
      // A value first written in round k needs a chain of k writes, each reading the one
      // before (atomic_inc() after atomic_inc()); an execution has at most `writes` writes, so
      // later rounds add only values no execution can produce (the rf check rejects them).
      const writes = seeds.reduce((k, sd) => k + sd.maxWrites, 0);
      if (round >= writes + 1) break;
      if (round > 64) throw new PathLimit("the values written do not settle (more than 64 rounds)");
    }
  return built(builders, builders.map((b) => b.paths(others(b.pid))));
}

/** The paths, and where the process with the most paths forked most (for a limit's message). */
function built(builders: PathBuilder[], perProc: Path[][]): Built {
  let most = 0;
  perProc.forEach((ps, p) => {
    if (ps.length > perProc[most].length) most = p;
  });
  return { perProc, hottest: builders.length ? builders[most].hottest().replace(/^; /, `; P${most}: `) : "" };
}

/** Symbolic mode: starting with every read symbolic, each location whose values turn out to be
 * needed concretely (an address read from memory) is read concretely from then on. */
function buildSymbolic(build: (concreteLocs: ReadonlySet<number>) => Built, cells: number): Built {
  const concreteLocs = new Set<number>();
  for (;;) {
    try {
      return build(concreteLocs);
    } catch (e) {
      if (!(e instanceof NeedConcrete)) throw e;
      const before = concreteLocs.size;
      for (const l of e.locs) concreteLocs.add(l);
      if (concreteLocs.size === before || concreteLocs.size > cells) throw new Error(`LKMM mode: ${e.message}, already read concretely`);
    }
  }
}

function describe(e: Execution["events"][number]): string {
  return `${e.kind === "R" ? "the read" : "the write"} at line ${e.src.loc.line} (${e.src.text})`;
}

/** The execution's events in the shape of an SC trace (per process, in program order), for
 * the reports that list steps; the execution graph (display.ts) is the faithful view. */
function traceOf(model: ModelIR, x: Execution | null, at: Src | null): Trace {
  const name = (loc: number) => model.cells[loc]?.name ?? String(loc);
  const site = (s: Src) => ({ file: s.loc.file?.path ?? "", line: s.loc.line, col: s.loc.col, text: s.text });
  return {
    steps: (x?.events ?? [])
      .filter((e) => e.proc >= 0)
      .map((e, k) => ({
        step: k + 1,
        proc: e.proc,
        procName: `P${e.proc}`,
        site: site(e.src),
        calls: e.src.calls.map((c) => ({ ...site({ loc: c.loc, text: c.text, calls: [] }), fn: c.fn })),
        changes: e.kind === "W" ? [{ location: name(e.loc), before: "", after: String(e.val) }] : [],
        reads: e.kind === "R" ? [{ location: name(e.loc), value: String(e.val) }] : [],
      })),
    violationSite: at ? { ...site(at), calls: [] } : null,
    blocked: [],
  };
}

/** The register atoms a conjunction requires (none for a condition with a disjunction above them). */
function registerAtoms(e: FinalExpr): { proc: number; slot: number; value: number; negate: boolean }[] {
  if (e.k === "and") return [...registerAtoms(e.a), ...registerAtoms(e.b)];
  if (e.k === "atom" && e.atom.kind === "reg" && !e.atom.rhs) return [{ proc: e.atom.proc, slot: e.atom.slot, value: e.atom.value, negate: e.atom.negate }];
  return [];
}

/**
 * The distinct final states of the allowed executions (the observed registers and locations),
 * in the order first seen, and whether each satisfies the condition. A 19-process ring of the
 * corpus has 2^19 of them. Each observed value is coded by its index among the values it can
 * have (a register's final values on its process's paths; a location's initial value and the
 * values written to it), so that a state is one number (mixed radix over those codes) rather
 * than a string per execution - while the radix product fits in 2^52, else the key is a string.
 */
class FinalStates {
  private readonly domains: number[][];
  private readonly codes: Map<number, number>[];
  private readonly tables: (Int16Array | null)[];
  private numeric: boolean;
  private readonly byNumber = new Map<number, boolean | null>();
  /** While the key space is small: which keys were seen (0: not; 1, 2, 3: satisfies null,
   * false, true) and their order, instead of the map. */
  private readonly seen: Uint8Array | null;
  private readonly order: number[] = [];
  private readonly byString = new Map<string, { values: number[]; satisfies: boolean | null }>();

  constructor(
    private readonly model: ModelIR,
    perProc: Path[][],
  ) {
    this.domains = model.observed.map((o) => {
      const vals = new Set<number>();
      if (o.kind === "reg") for (const p of perProc[o.proc] ?? []) vals.add(p.slots[o.slot]);
      else {
        vals.add(model.cells[o.addr]?.init ?? 0);
        for (const ps of perProc) for (const p of ps) for (const e of p.events) if (e.kind === "W" && e.loc === o.addr) vals.add(e.val);
      }
      return [...vals];
    });
    this.codes = this.domains.map((d) => new Map(d.map((v, i) => [v, i])));
    // Small non-negative values (the usual case) are coded through a table.
    this.tables = this.domains.map((d) => {
      if (!d.every((v) => Number.isInteger(v) && v >= 0 && v < 1024)) return null;
      const t = new Int16Array(1024).fill(-1);
      d.forEach((v, i) => (t[v] = i));
      return t;
    });
    const space = this.domains.reduce((k, d) => k * Math.max(1, d.length), 1);
    // Symbolic paths: the values are known per execution only, so the keys are strings.
    this.numeric = space <= 2 ** 52 && !perProc.some((ps) => ps.some((p) => p.symbolic));
    this.seen = space <= 1 << 24 ? new Uint8Array(space) : null;
  }

  private value(x: Execution, k: number): number {
    const o = this.model.observed[k];
    return o.kind === "mem" ? (x.final.mem.get(o.addr) ?? this.model.cells[o.addr]?.init ?? 0) : x.final.slots[o.proc][o.slot];
  }

  add(x: Execution, satisfies: boolean | null): void {
    const n = this.domains.length;
    if (this.numeric) {
      let key = 0;
      let k = 0;
      for (; k < n; k++) {
        const v = this.value(x, k);
        const t = this.tables[k];
        const c = t ? (v >= 0 && v < 1024 && t[v] >= 0 ? t[v] : undefined) : this.codes[k].get(v);
        if (c === undefined) break;
        key = key * this.domains[k].length + c;
      }
      if (k === n) {
        if (this.seen) {
          if (this.seen[key] === 0) {
            this.seen[key] = satisfies === null ? 1 : satisfies ? 3 : 2;
            this.order.push(key);
          }
        } else if (!this.byNumber.has(key)) this.byNumber.set(key, satisfies);
        return;
      }
      // A value outside its domain (not expected: the domains are every value a path gives):
      // string keys from here on.
      for (const [key, sat] of this.numbered()) {
        const values = this.decode(key);
        this.byString.set(values.join(","), { values, satisfies: sat });
      }
      this.byNumber.clear();
      this.order.length = 0;
      this.numeric = false;
    }
    const values: number[] = new Array(n);
    for (let k = 0; k < n; k++) values[k] = this.value(x, k);
    const key = values.join(",");
    if (!this.byString.has(key)) this.byString.set(key, { values, satisfies });
  }

  private decode(key: number): number[] {
    const values = new Array<number>(this.domains.length);
    for (let k = this.domains.length - 1; k >= 0; k--) {
      const d = this.domains[k];
      values[k] = d[key % d.length];
      key = Math.floor(key / d.length);
    }
    return values;
  }

  list(): NonNullable<CheckResult["finalStates"]> {
    const { model, domains } = this;
    const observed = model.observed;
    const n = observed.length;
    // Each state's values object is a copy of one template (one shape for all of them), its
    // texts made once per observed location and value.
    const template: Record<string, string> = {};
    for (const o of observed) template[o.label] = "";
    const text = observed.map(() => new Map<number, string>());
    const textOf = (k: number, v: number) => {
      let t = text[k].get(v);
      if (t === undefined) text[k].set(v, (t = formatValue(model, v, observed[k].pointer)));
      return t;
    };
    if (!this.numeric)
      return [...this.byString.values()].map((f) => {
        const values = { ...template };
        for (let k = 0; k < n; k++) values[observed[k].label] = textOf(k, f.values[k]);
        return { values, satisfies: f.satisfies };
      });
    const texts = domains.map((d, k) => d.map((v) => textOf(k, v)));
    const labels = observed.map((o) => o.label);
    const out: NonNullable<CheckResult["finalStates"]> = [];
    const seen = this.seen;
    const emit = (key: number, satisfies: boolean | null) => {
      const values = { ...template };
      for (let k = n - 1; k >= 0; k--) {
        const r = domains[k].length;
        const code = key % r;
        key = (key - code) / r;
        values[labels[k]] = texts[k][code];
      }
      out.push({ values, satisfies });
    };
    if (seen) for (const key of this.order) emit(key, seen[key] === 1 ? null : seen[key] === 3);
    else for (const [key, satisfies] of this.byNumber) emit(key, satisfies);
    return out;
  }

  private numbered(): [number, boolean | null][] {
    const seen = this.seen;
    if (!seen) return [...this.byNumber];
    return this.order.map((key) => [key, seen[key] === 1 ? null : seen[key] === 3]);
  }
}
