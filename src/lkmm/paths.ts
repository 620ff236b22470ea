// One process at a time: every path through its step IR, as herd7 builds a thread's event
// structures. A read's value is not known yet. In the concrete mode the path branches on every
// value the location may hold (the values some process can write there, found by a fixpoint
// over the processes). In the symbolic mode (PathOptions.concreteLocs set) a read is a
// variable (sym.ts), and the path branches only where a test needs an outcome (br, check,
// guard, a cmpxchg's comparison), on the outcome, recorded as a constraint; reads of the
// locations in concreteLocs (those whose values become addresses) still branch on every
// value. Which write a read reads from is chosen later (exec.ts). Along a path, each local
// slot carries the set of reads its value came from, which gives LKMM's dependencies:
// addr (the address of an access), data (the value of a write), ctrl (every event a branch on
// such a value decides whether to execute, up to the branch's immediate post-dominator).

import { evalBin, wrapValue } from "../ir/lower.js";
import { Instr, LExpr, ModelIR, ProcessIR, Src, successors } from "../ir/ir.js";
import { liveSets } from "../ir/liveness.js";
import { Kind, PEvent, T, accessTags, fenceTag } from "./events.js";
import { StaticValues, truth } from "./static-values.js";
import { Constraint, SExpr, Val, binOp, bindingOf, boolOp, condOp, factKey, readVar, readsOf, substitute, testOf, unOp, wrapOp } from "./sym.js";

/** A set of a path's read events (their indices in the path), sorted. */
type Taint = readonly number[];
const NONE: Taint = [];

function join(a: Taint, b: Taint): Taint {
  if (a.length === 0) return b;
  if (b.length === 0 || a === b) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) out.push(a[i++]);
    else if (i >= a.length || b[j] < a[i]) out.push(b[j++]);
    else {
      out.push(a[i++]);
      j++;
    }
  }
  return out;
}

export type XPEvent = PEvent & { proc: number; index: number };

export interface Path {
  proc: number;
  events: XPEvent[];
  /** Same number: same events but for the values (kind, tags, location, dependencies). */
  shape: number;
  addr: [number, number][];
  data: [number, number][];
  ctrl: [number, number][];
  rmw: [number, number][];
  /** Matched rcu_read_lock -> rcu_read_unlock pairs; srcu ones (same struct). */
  rscs: [number, number][];
  srcuRscs: [number, number][];
  /** Final values of the process's slots (symbolic ones 0: see slotVals). */
  slots: Int32Array;
  /** Symbolic mode: some event has a value expression (PEvent.vx) or the path a constraint. */
  symbolic: boolean;
  /** Symbolic mode: every slot's final value, concrete or an expression over the path's reads. */
  slotVals: Val[] | null;
  /** Symbolic mode: the outcomes of the tests the path took; a candidate needs all to hold. */
  constraints: Constraint[];
  /** A check that failed on this path (the process stops there unless it is a WARN). */
  violations: { kind: string; msg: string; src: Src; after: number }[];
  /** The unroll bound cut the path: it is the prefix of a longer execution. */
  cut: boolean;
  /** Where a cut path took the backward jump one time too many. */
  cutAt?: Src;
  /** An unbalanced rcu_read_unlock / synchronize_rcu inside the process's own read-side section. */
  notes: { kind: string; msg: string; src: Src }[];
}

export interface PathOptions {
  unroll: number;
  /** Cap on the paths of one process; beyond it the run is incomplete. */
  maxPaths: number;
  /** performance.now() deadline (Infinity: none). */
  deadline: number;
  /** Symbolic mode when set: reads are variables except those of these locations, which
   * branch on every value (their values are needed as addresses). Absent: the concrete mode. */
  concreteLocs?: ReadonlySet<number>;
  /** Symbolic mode: the bits of each location no write changes (a test on them needs no fork). */
  stable?: StaticValues;
}

/** Symbolic mode: an address (or another value that must be concrete) came from reads of these
 * locations, or a location in concreteLocs got a write whose value is an expression of such
 * reads. The run starts again with them in concreteLocs (check.ts). */
export class NeedConcrete extends Error {
  constructor(readonly locs: number[]) {
    super(`values of locations ${locs.join(", ")} are needed concretely`);
  }
}

/** States of one process's value-collecting runs (all rounds) before it gives up. */
const SEED_STATES = 50_000;

export class PathLimit extends Error {
  constructor(
    message: string,
    readonly limit: "max-paths" | "timeout" = "max-paths",
  ) {
    super(message);
  }
}

/** Where a source position is, with the call chain that reached it (outermost first). */
export function siteOf(src: Src): string {
  const at = (l: Src["loc"]) => `${l.file?.path ?? "?"}:${l.line}`;
  return [...src.calls.map((c) => `${at(c.loc)} ${c.fn}()`), at(src.loc)].join(" -> ");
}

interface St {
  pc: number;
  vals: Int32Array;
  taint: Taint[];
  events: PEvent[];
  addr: [number, number][];
  data: [number, number][];
  ctrl: [number, number][];
  rmw: [number, number][];
  rscs: [number, number][];
  srcuRscs: [number, number][];
  rcuStack: number[];
  srcuStack: number[];
  /** Open control-dependency regions: the taint of branch `at`'s condition, up to `end`. */
  regions: { taint: Taint; end: number; at: number }[];
  back: Map<number, number>;
  violations: Path["violations"];
  notes: Path["notes"];
  inAtomic: boolean;
  /** The number of events when the current __atomic block began. */
  atomicFrom: number;
  /** Ghost freed cells read as 0 in the current __atomic block. */
  checkedFree: number[];
  /** The value of this process's latest write to each location it wrote. */
  own: Map<number, Val>;
  /** Symbolic mode: slots whose value is an expression (null: the value is in vals). */
  sv: (SExpr | null)[];
  /** Symbolic mode: the tests taken so far, and the outcomes known per test expression id. */
  cons: Constraint[];
  facts: Map<number | string, boolean>;
  /** Writes so far. */
  nw: number;
  /** Per loop head, the path at its latest back-edge there (spinsAgain()). */
  loops: Map<number, LoopVisit>;
  /** The last iteration changed nothing: the path is dropped, not cut. */
  spun?: boolean;
}

/** What a path was at a back-edge into a loop head: enough to tell that the next iteration changed nothing. */
interface LoopVisit {
  events: number;
  vals: Int32Array;
  sv: (SExpr | null)[];
  taint: Taint[];
  regions: St["regions"];
  nw: number;
  violations: number;
  notes: number;
  rcu: number;
  srcu: number;
}

function clone(s: St): St {
  return {
    pc: s.pc,
    vals: s.vals.slice(),
    taint: s.taint.slice(),
    events: s.events.slice(),
    addr: s.addr.slice(),
    data: s.data.slice(),
    ctrl: s.ctrl.slice(),
    rmw: s.rmw.slice(),
    rscs: s.rscs.slice(),
    srcuRscs: s.srcuRscs.slice(),
    rcuStack: s.rcuStack.slice(),
    srcuStack: s.srcuStack.slice(),
    regions: s.regions.slice(),
    back: new Map(s.back),
    violations: s.violations.slice(),
    notes: s.notes.slice(),
    inAtomic: s.inAtomic,
    atomicFrom: s.atomicFrom,
    checkedFree: s.checkedFree.slice(),
    own: new Map(s.own),
    nw: s.nw,
    sv: s.sv.slice(),
    cons: s.cons.slice(),
    facts: new Map(s.facts),
    loops: new Map(s.loops),
  };
}

/** Immediate post-dominator of every instruction (-1: the exit). */
function postDominators(code: Instr[]): Int32Array {
  const n = code.length;
  const succ = code.map((ins, pc): number[] =>
    ins.op === "end" ? [] : ins.op === "jmp" ? [ins.target] : ins.op === "br" ? [ins.target, pc + 1] : [pc + 1],
  );
  // pdom[i] as a bit row over n + 1 nodes (node n: the exit).
  const w = (n + 32) >>> 5;
  const pd = new Uint32Array((n + 1) * w).fill(0xffffffff);
  pd.fill(0, n * w, (n + 1) * w);
  pd[n * w + (n >>> 5)] |= 1 << (n & 31);
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      const ss = succ[i].length ? succ[i] : [n];
      for (let k = 0; k < w; k++) {
        let v = 0xffffffff;
        for (const s of ss) v &= pd[s * w + k];
        if ((i >>> 5) === k) v |= 1 << (i & 31);
        if ((v | 0) !== (pd[i * w + k] | 0)) {
          pd[i * w + k] = v;
          changed = true;
        }
      }
    }
  }
  const size = (i: number) => {
    let c = 0;
    for (let k = 0; k < w; k++) {
      let v = pd[i * w + k];
      while (v) {
        v &= v - 1;
        c++;
      }
    }
    return c;
  };
  const sizes = Array.from({ length: n + 1 }, (_, i) => size(i));
  const ipdom = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let best = -1;
    for (let j = 0; j <= n; j++) {
      if (j === i || (pd[i * w + (j >>> 5)] & (1 << (j & 31))) === 0) continue;
      if (best < 0 || sizes[j] > sizes[best]) best = j;
    }
    ipdom[i] = best >= n ? -1 : best;
  }
  return ipdom;
}

export class PathBuilder {
  private readonly ipdom: Int32Array;
  /** Slots live on entry to each instruction (the registers the final condition reads live at the end). */
  private readonly live: { liveIn: Uint32Array; words: number };
  private readonly fencesAt = new Map<number, { name: string; src: Src }[]>();
  constructor(
    readonly model: ModelIR,
    readonly proc: ProcessIR,
    readonly pid: number,
    readonly opts: PathOptions,
  ) {
    this.ipdom = postDominators(proc.code);
    this.live = liveSets(proc, new Set(proc.registers.values()));
    for (const f of proc.fences ?? []) {
      if (!fenceTag(f.name)) continue;
      const list = this.fencesAt.get(f.at) ?? [];
      list.push({ name: f.name, src: f.src });
      this.fencesAt.set(f.at, list);
    }
  }

  /** Every path, each read taking every value it may see: what other processes may write there
   * (`domain(loc)`), and the process's own latest write there or else the initial value. A
   * read cannot see the process's own later writes, nor a write coherence-before its own
   * latest one (the initial value, its own earlier writes): coherence (CoWR) forbids it. */
  /** seed: for the values the locations may hold, also follow each branch on a read's value
   * the other way (as herd7 does, a branch is a choice constrained by the read's value), so
   * that a write only a later read-from can enable (LB with control dependencies) is seen. */
  paths(domain: (loc: number) => Iterable<number>, seed = false): Path[] {
    const out: Path[] = [];
    const nslots = Math.max(this.proc.locals.length, 1);
    const vals = new Int32Array(nslots);
    for (const [slot, v] of this.proc.initLocals) vals[slot] = v;
    const st: St = {
      pc: 0, vals, taint: new Array<Taint>(nslots).fill(NONE), events: [], addr: [], data: [], ctrl: [], rmw: [], rscs: [], srcuRscs: [],
      rcuStack: [], srcuStack: [], regions: [], back: new Map(), violations: [], notes: [], inAtomic: false, atomicFrom: 0, checkedFree: [], own: new Map(), nw: 0,
      sv: new Array<SExpr | null>(nslots).fill(null), cons: [], facts: new Map(), loops: new Map(),
    };
    const work: St[] = [st];
    while (work.length) {
      const s = work.pop()!;
      this.run(s, domain, work, out, seed);
      if (out.length > this.opts.maxPaths) throw new PathLimit(`P${this.pid} has more than ${this.opts.maxPaths} paths (${this.symbolic ? "each test of a value read branches on its outcome" : "each read branches on every value its location may hold"})${this.hottest()}`);
      if (this.sink && !this.symbolic && this.seedStates + this.sink.seen.size > SEED_STATES) throw new PathLimit(`P${this.pid} has more than ${SEED_STATES} states while collecting the values it may write${this.hottest()}`);
      if ((++this.steps & 255) === 0 && performance.now() > this.opts.deadline) throw new PathLimit("timeout", "timeout");
    }
    return out;
  }

  /** The values this process may write per location (each read taking every value of
   * readable(), each branch on a read's value followed both ways), and the most writes on
   * one path. No paths are kept, and a state met again (same instruction, slots, loop
   * counts, own latest writes, write count) is not run again: the writes that follow it are
   * the same, which keeps this linear in the distinct states rather than the paths. */
  written(domain: (loc: number) => Iterable<number>): { values: Map<number, Set<number>>; maxWrites: number } {
    const sink = { values: new Map<number, Set<number>>(), maxWrites: 0, seen: new Set<string>(), paths: 0 };
    this.sink = sink;
    try {
      this.paths(domain, true);
    } finally {
      this.seedStates += sink.seen.size;
      this.sink = null;
    }
    return sink;
  }

  /** Seed states of the earlier rounds: the limit holds over all rounds, so a run stops early. */
  private seedStates = 0;

  private sink: { values: Map<number, Set<number>>; maxWrites: number; seen: Set<string>; paths: number } | null = null;

  /** In the seed run: true if this state was met before (then it is dropped). */
  private seenBefore(s: St): boolean {
    const valOf = (v: Val) => (typeof v === "number" ? v : `e${v.id}`);
    let key = `${s.pc}|${s.vals.join(",")}|${s.taint.map((t) => (t.length ? 1 : 0)).join("")}|${[...s.back].join(";")}|${[...s.own].map(([l, v]) => `${l}:${valOf(v)}`).join(";")}|${s.nw}`;
    // Symbolic: the same expressions (by id) and the same outcomes known, so the same future.
    if (this.symbolic) key += `|${s.sv.map((x) => (x ? x.id : "")).join(",")}|${[...s.facts].join(";")}`;
    if (this.sink!.seen.has(key)) return true;
    this.sink!.seen.add(key);
    return false;
  }

  private readable(s: St, a: number, domain: (loc: number) => Iterable<number>, src: Src): number[] {
    const vs = new Set(domain(a));
    const own = s.own.get(a) ?? this.model.cells[a]?.init ?? 0;
    // A location read concretely only ever gets concrete writes (event() makes sure).
    if (typeof own === "number") vs.add(own);
    if (vs.size > 1) this.noteFork(src, vs.size, [a], false);
    return [...vs];
  }

  /** Per site, how often a path forked there: at a read into how many values at most, or at a
   * test (symbolic mode) of the values of which locations. */
  private readonly forks = new Map<Src, { n: number; values: number; locs: number[]; test: boolean }>();

  private noteFork(src: Src, values: number, locs: number[], test: boolean): void {
    const f = this.forks.get(src) ?? { n: 0, values: 0, locs, test };
    f.n++;
    f.values = Math.max(f.values, values);
    this.forks.set(src, f);
  }

  /** The site that forked the paths most, for the message of a limit. */
  hottest(): string {
    let best: [Src, { n: number; values: number; locs: number[]; test: boolean }] | null = null;
    for (const e of this.forks) if (!best || e[1].n > best[1].n) best = e;
    if (!best) return "";
    const [src, f] = best;
    const names = f.locs.map((l) => this.model.cells[l]?.name ?? String(l)).join(", ");
    if (f.test) return `; most forks at a test of the values read from ${names || "no location"} at ${siteOf(src)}`;
    return `; most forks at the read of ${names} (up to ${f.values} values) at ${siteOf(src)}`;
  }

  private finish(s: St, out: Path[], cut: boolean): void {
    if (s.spun) return;
    if (this.sink) {
      this.sink.maxWrites = Math.max(this.sink.maxWrites, s.nw);
      // Symbolic seed states seldom meet again: the seed is held to the paths' limit instead.
      if (this.symbolic && ++this.sink.paths > this.opts.maxPaths) throw new PathLimit(`P${this.pid} has more than ${this.opts.maxPaths} paths while collecting the values it may write (each test of a value read branches on its outcome)${this.hottest()}`);
      return;
    }
    // A cut path has not ended: its read-side critical section may close after the cut.
    if (!cut) for (const i of s.rcuStack) s.notes.push({ kind: "bug", msg: `P${this.pid} ends inside an RCU read-side critical section`, src: s.events[i].src });
    const symbolic = this.symbolic && (s.cons.length > 0 || s.sv.some((x) => x !== null) || s.events.some((e) => e.vx !== undefined));
    const events = s.events.map((e, index) => ({ ...e, proc: this.pid, index }));
    // Constraints on one read's value alone are also kept on the read, for exec.ts's rf filter.
    for (const c of s.cons) {
      const rs = readsOf(c.e);
      if (rs.size !== 1) continue;
      const e = events[rs.values().next().value!];
      (e.vtests ??= []).push(c);
    }
    out.push({
      proc: this.pid, events, shape: this.shapeOf(s), addr: s.addr, data: s.data, ctrl: s.ctrl, rmw: s.rmw, rscs: s.rscs, srcuRscs: s.srcuRscs,
      slots: s.vals, violations: s.violations, cut, ...(cut ? { cutAt: this.proc.code[s.pc].src } : {}), notes: s.notes,
      symbolic, slotVals: symbolic ? Array.from(s.vals, (v, i) => s.sv[i] ?? v) : null, constraints: s.cons,
    });
  }

  private steps = 0;
  private readonly shapes = new Map<string, number>();
  private shapeOf(s: St): number {
    const key = [s.events.map((e) => `${e.kind}${e.tags}@${e.loc}`).join(","), s.addr, s.data, s.ctrl, s.rmw, s.rscs, s.srcuRscs].map(String).join("|");
    let id = this.shapes.get(key);
    if (id === undefined) this.shapes.set(key, (id = this.shapes.size));
    return id;
  }

  private ctrlTaint(s: St): Taint {
    let t = NONE;
    for (const r of s.regions) t = join(t, r.taint);
    return t;
  }

  /** A new event; v is its value, an expression (symbolic mode) for a read's variable or a
   * write of a value computed from reads. */
  private event(s: St, kind: Kind, tags: number, loc: number, v: Val, src: Src, prim: string, addrT: Taint, dataT: Taint): number {
    const id = s.events.length;
    const val = typeof v === "number" ? v : NaN;
    const ev: PEvent = { kind, tags, loc, val, src, prim };
    if (typeof v !== "number") {
      ev.vx = v;
      // A location read concretely must only get concrete values.
      if (kind === "W" && this.opts.concreteLocs?.has(loc)) throw new NeedConcrete(this.locsOf(s, v));
    }
    const f = loc >= 0 && kind !== "F" ? (this.model.cells[loc]?.freedCell ?? -1) : -1;
    if (f >= 0 && s.inAtomic && s.checkedFree.includes(f)) ev.freeChecked = true;
    if (s.inAtomic && kind === "R" && val === 0 && this.model.cells[loc]?.ghost) s.checkedFree.push(loc);
    s.events.push(ev);
    if (kind === "W") {
      s.own.set(loc, v);
      s.nw++;
      if (this.sink && typeof v === "number" && (!this.symbolic || this.opts.concreteLocs!.has(loc))) {
        let set = this.sink.values.get(loc);
        if (!set) this.sink.values.set(loc, (set = new Set()));
        set.add(v);
      }
    }
    for (const r of addrT) s.addr.push([r, id]);
    for (const r of dataT) s.data.push([r, id]);
    for (const r of this.ctrlTaint(s)) s.ctrl.push([r, id]);
    return id;
  }

  /** The locations of the reads an expression uses. */
  private locsOf(s: St, v: Val): number[] {
    return [...new Set([...readsOf(v)].map((ev) => s.events[ev].loc))];
  }

  private get symbolic(): boolean {
    return this.opts.concreteLocs !== undefined;
  }

  private eval(s: St, e: LExpr): number {
    switch (e.k) {
      case "const":
        return e.v;
      case "local":
        return s.vals[e.slot];
      case "un": {
        const a = this.eval(s, e.a);
        return e.op === "-" ? -a | 0 : e.op === "!" ? +(a === 0) : ~a;
      }
      case "bool":
        return +(this.eval(s, e.a) !== 0);
      case "wrap":
        return wrapValue(this.eval(s, e.a), e.bits, e.signed);
      case "cond":
        return this.eval(s, e.c) !== 0 ? this.eval(s, e.a) : this.eval(s, e.b);
      case "bin":
        return evalBin(e.op, this.eval(s, e.a), this.eval(s, e.b), e.unsigned);
    }
  }

  /** The value of e: concrete, or in the symbolic mode an expression over the path's reads. */
  private val(s: St, e: LExpr): Val {
    if (!this.symbolic) return this.eval(s, e);
    switch (e.k) {
      case "const":
        return e.v;
      case "local":
        return s.sv[e.slot] ?? s.vals[e.slot];
      case "un":
        return unOp(e.op, this.val(s, e.a));
      case "bool":
        return boolOp(this.val(s, e.a));
      case "wrap":
        return wrapOp(this.val(s, e.a), e.bits, e.signed);
      case "cond": {
        const c = this.val(s, e.c);
        if (typeof c === "number") return c !== 0 ? this.val(s, e.a) : this.val(s, e.b);
        return condOp(c, this.val(s, e.a), this.val(s, e.b));
      }
      case "bin":
        return binOp(e.op, this.val(s, e.a), this.val(s, e.b), e.unsigned);
    }
  }

  /** A value that must be concrete (an address): symbolic, the run restarts with the locations
   * it was read from in concreteLocs. */
  private concrete(s: St, e: LExpr): number {
    const v = this.val(s, e);
    if (typeof v === "number") return v;
    throw new NeedConcrete(this.locsOf(s, v));
  }

  private setSlot(s: St, slot: number, v: Val): void {
    if (typeof v === "number") {
      s.vals[slot] = v;
      s.sv[slot] = null;
    } else {
      s.vals[slot] = 0;
      s.sv[slot] = v;
    }
  }

  /** Symbolic mode: the outcome of test c on s if it is known (c constant, or the same test
   * taken before), else null. */
  private decided(s: St, c: Val): boolean | null {
    if (typeof c === "number") return c !== 0;
    const { base, negated } = testOf(c);
    if (typeof base === "number") return (base !== 0) !== negated;
    const f = s.facts.get(factKey(base));
    if (f !== undefined) return f !== negated;
    // Bits no write changes keep the initial value in every read.
    return this.opts.stable ? truth(this.opts.stable.of(c)) : null;
  }

  /** Records on s that test c came out `holds`; a test that fixes a read's value (x == 3, !x)
   * puts the value in the slots that use it. */
  private assume(s: St, c: SExpr, holds: boolean): void {
    s.cons.push({ e: c, holds });
    const { base, negated } = testOf(c);
    if (typeof base !== "number") s.facts.set(factKey(base), holds !== negated);
    const b = bindingOf(c, holds);
    if (!b) return;
    const bound = new Map([b]);
    for (let i = 0; i < s.sv.length; i++) {
      const x = s.sv[i];
      if (x) this.setSlot(s, i, substitute(x, bound));
    }
    for (const [l, x] of s.own) if (typeof x !== "number") s.own.set(l, substitute(x, bound));
  }

  /** Symbolic mode: s split on test c into [the state where it holds, the one where it does not]
   * (null for an outcome the path has already excluded). One of them is s. The seed splits the
   * same way: an outcome a constraint excludes is excluded whatever the values written. */
  private split(s: St, c: Val, src: Src, locs?: number[]): [St | null, St | null] {
    const d = this.decided(s, c);
    if (d !== null) return d ? [s, null] : [null, s];
    const other = clone(s);
    this.assume(s, c as SExpr, true);
    this.assume(other, c as SExpr, false);
    this.noteFork(src, 2, locs ?? this.locsOf(s, c), true);
    return [s, other];
  }

  private taintOf(s: St, e: LExpr): Taint {
    switch (e.k) {
      case "const":
        return NONE;
      case "local":
        return s.taint[e.slot];
      case "un":
      case "bool":
      case "wrap":
        return this.taintOf(s, e.a);
      case "cond":
        return join(this.taintOf(s, e.c), join(this.taintOf(s, e.a), this.taintOf(s, e.b)));
      case "bin":
        return join(this.taintOf(s, e.a), this.taintOf(s, e.b));
    }
  }

  /** v as the location at addr stores it (its C width). */
  private store(addr: number, v: Val): Val {
    const c = this.model.cells[addr];
    return c ? wrapOp(v, c.bits, c.signed) : typeof v === "number" ? v | 0 : v;
  }

  /** A NULL or out-of-range address: the path ends with the finding the SC search reports (codegen.ts). */
  private invalidAccess(s: St, a: number, src: Src): boolean {
    if (a > 0 && a < this.model.cells.length) return false;
    s.violations.push({ kind: "bug", msg: a === 0 ? "NULL pointer dereference" : `access to invalid address ${a}`, src, after: s.events.length });
    return true;
  }

  /**
   * At a back-edge of s into loop head `head`: true if the iteration since the previous
   * back-edge there changed nothing a later event can see, so that going round again is a
   * spin (GenMC's blocked spin loop, as await() is). Then every continuation of s is one of
   * the path that skipped this iteration, with the iteration's events added; those are only
   * reads that order nothing (marked, not acquire, not RMW halves that succeed: a failed
   * atomic_add_unless() or cmpxchg(), READ_ONCE(); or the kernel model's ghost cells), so
   * dropping them leaves an execution that is consistent if the longer one was, with the same
   * final state and findings. The longer one is dropped, neither kept nor counted as cut: no
   * unroll bound is needed, and a loop that can spin forever is not a finite execution.
   * Conditions, checked against the previous visit: no write, fence, finding or RCU marker in
   * between; the slots live at the head hold the same values from the same reads; the control
   * regions opened in between close where their branch leaves the loop (a direct successor),
   * so no event after the loop depends on the dropped reads; and one of them leaves the loop
   * (its end is outside the instructions from the head to the back-edge): the loop waits for a
   * value. A loop with no such exit (for (;;) { }) is still cut by the bound.
   */
  private spinsAgain(s: St, head: number): boolean {
    const prev = s.loops.get(head);
    const visit = (): LoopVisit => ({
      events: s.events.length, vals: s.vals.slice(), sv: s.sv.slice(), taint: s.taint.slice(), regions: s.regions.slice(),
      nw: s.nw, violations: s.violations.length, notes: s.notes.length, rcu: s.rcuStack.length, srcu: s.srcuStack.length,
    });
    if (!prev || !this.changedNothing(s, prev, head)) {
      s.loops.set(head, visit());
      return false;
    }
    return true;
  }

  private changedNothing(s: St, prev: LoopVisit, head: number): boolean {
    if (s.inAtomic || s.nw !== prev.nw || s.violations.length !== prev.violations || s.notes.length !== prev.notes) return false;
    if (s.rcuStack.length !== prev.rcu || s.srcuStack.length !== prev.srcu) return false;
    for (let i = prev.events; i < s.events.length; i++) {
      const e = s.events[i];
      if (e.kind !== "R") return false;
      const ghost = this.model.cells[e.loc]?.ghost === true;
      if (!ghost && ((e.tags & ~(T.ONCE | T.NORETURN)) !== 0 || (e.tags & T.ONCE) === 0)) return false;
    }
    const { liveIn, words } = this.live;
    for (let i = 0; i < s.vals.length; i++) {
      if ((liveIn[head * words + (i >>> 5)] & (1 << (i & 31))) === 0) continue;
      if (s.vals[i] !== prev.vals[i] || (s.sv[i]?.id ?? -1) !== (prev.sv[i]?.id ?? -1) || String(s.taint[i]) !== String(prev.taint[i])) return false;
    }
    if (s.regions.length < prev.regions.length) return false;
    let exits = false;
    for (let i = 0; i < s.regions.length; i++) {
      const r = s.regions[i];
      if (i < prev.regions.length) {
        if (r !== prev.regions[i]) return false;
      } else if (!successors(this.proc.code, r.at).includes(r.end)) return false;
      else if (r.end < head || r.end > s.pc) exits = true;
    }
    return exits;
  }

  /** Runs s until it ends, blocks, is cut, or branches on a read (pushing the branches onto work). */
  private run(s: St, domain: (loc: number) => Iterable<number>, work: St[], out: Path[], seed: boolean): void {
    const code = this.proc.code;
    for (;;) {
      while (s.regions.length && s.regions[s.regions.length - 1].end === s.pc) s.regions.pop();
      const ins = code[s.pc];
      // Barriers emit no instruction: their fence events come before the instruction they precede.
      const fences = this.fencesAt.get(s.pc);
      if (fences) for (const f of fences) this.event(s, "F", fenceTag(f.name), -1, 0, f.src, f.name, NONE, NONE);
      const next = (pc: number) => {
        if (pc <= s.pc && (ins.op === "jmp" || ins.op === "br")) {
          if (this.spinsAgain(s, pc)) {
            s.spun = true;
            return false;
          }
          const n = (s.back.get(s.pc) ?? 0) + 1;
          s.back.set(s.pc, n);
          if (n > this.opts.unroll) return false;
        }
        s.pc = pc;
        return true;
      };
      const prim = ins.prim ?? "";
      if (this.sink && (ins.op === "load" || ins.op === "rmw" || ins.op === "br" || ins.op === "trylock") && this.seenBefore(s)) return;
      switch (ins.op) {
        case "set":
          this.setSlot(s, ins.dst, this.val(s, ins.e));
          s.taint[ins.dst] = this.taintOf(s, ins.e);
          if (!next(s.pc + 1)) return this.finish(s, out, true);
          break;
        case "jmp":
          if (!next(ins.target)) return this.finish(s, out, true);
          break;
        case "br": {
          const c = this.val(s, ins.cond);
          const t = this.taintOf(s, ins.cond);
          const end = this.ipdom[s.pc];
          if (t.length && end !== s.pc) s.regions.push({ taint: t, end, at: s.pc });
          if (typeof c !== "number") {
            // Symbolic: a branch per outcome the path has not excluded, each a constraint.
            const [yes, no] = this.split(s, c, ins.src);
            if (yes && no) {
              const save = s;
              s = no;
              if (next(s.pc + 1)) work.push(no);
              else this.finish(no, out, true);
              s = save;
            }
            if (!next(yes ? ins.target : s.pc + 1)) return this.finish(s, out, true);
            break;
          }
          const taken = c !== 0;
          if (seed && t.length) {
            const other = clone(s);
            const save = s;
            s = other;
            if (next(taken ? s.pc + 1 : ins.target)) work.push(other);
            s = save;
          }
          if (!next(taken ? ins.target : s.pc + 1)) return this.finish(s, out, true);
          break;
        }
        case "check": {
          const c = this.val(s, ins.cond);
          if (typeof c !== "number") {
            // Symbolic: the path where the check fails (with its finding) and the one where it holds.
            const [bad, good] = this.split(s, c, ins.src);
            const cont: St[] = [];
            if (bad) {
              bad.violations.push({ kind: ins.kind, msg: ins.msg, src: ins.src, after: bad.events.length });
              if (ins.kind !== "warn") this.finish(bad, out, false);
              else cont.push(bad);
            }
            if (good) cont.push(good);
            if (cont.length === 0) return;
            for (const b of cont) b.pc++;
            if (!cont.includes(s)) s = cont[0];
            for (const b of cont) if (b !== s) work.push(b);
            break;
          }
          if (c !== 0) {
            s.violations.push({ kind: ins.kind, msg: ins.msg, src: ins.src, after: s.events.length });
            if (ins.kind !== "warn" && !seed) return this.finish(s, out, false);
          }
          s.pc++;
          break;
        }
        case "guard": {
          // await(): an execution in which the awaited condition is false does not complete
          // (GenMC's blocked spin loop); no bound is needed.
          const c = this.val(s, ins.cond);
          if (typeof c !== "number") {
            const d = this.decided(s, c);
            if (d === false) return;
            if (d === null) this.assume(s, c, true);
          } else if (c === 0 && !seed) return;
          s.pc++;
          break;
        }
        case "atomic_begin":
          s.inAtomic = true;
          s.atomicFrom = s.events.length;
          s.pc++;
          break;
        case "atomic_end":
          s.inAtomic = false;
          s.checkedFree = [];
          s.pc++;
          break;
        case "progress":
        case "goal":
          s.pc++;
          break;
        case "end":
          return this.finish(s, out, false);
        case "load": {
          if (ins.constCell) {
            const a = this.concrete(s, ins.addr);
            this.setSlot(s, ins.dst, this.model.cells[a]?.init ?? 0);
            s.taint[ins.dst] = NONE;
            s.pc++;
            break;
          }
          const a = this.concrete(s, ins.addr);
          if (this.invalidAccess(s, a, ins.src)) return this.finish(s, out, false);
          const at = this.taintOf(s, ins.addr);
          const tg = ins.lockProbe ? 0 : accessTags(ins.prim, "load").r || (this.model.cells[a]?.ghost ? T.ONCE : 0);
          const pname = prim || (ins.lockProbe ? "spin_is_locked" : "");
          if (this.symbolic && !this.opts.concreteLocs!.has(a)) {
            s = this.symbolicLoad(s, ins.dst, a, tg, !!ins.lockProbe, ins.src, pname, at, work);
            break;
          }
          const vs = this.readable(s, a, domain, ins.src);
          for (let k = vs.length - 1; k >= 0; k--) {
            const b = k === 0 ? s : clone(s);
            const v = vs[k];
            let tags = tg;
            if (ins.lockProbe) tags = v !== 0 ? T.RL : T.RU;
            const id = this.event(b, "R", tags, a, v, ins.src, pname, at, NONE);
            this.setSlot(b, ins.dst, v);
            b.taint[ins.dst] = [id];
            b.pc++;
            if (k > 0) work.push(b);
          }
          break;
        }
        case "store": {
          const a = this.concrete(s, ins.addr);
          if (this.invalidAccess(s, a, ins.src)) return this.finish(s, out, false);
          const tags = accessTags(ins.prim, "store");
          // Ghost cells (the kernel model's bookkeeping, e.g. __ghost_freed) are not the
          // kernel's memory: marked, so they never race.
          if (!tags.w && this.model.cells[a]?.ghost) tags.w = T.ONCE;
          const w = this.event(s, "W", tags.w, a, this.store(a, this.val(s, ins.val)), ins.src, prim, this.taintOf(s, ins.addr), this.taintOf(s, ins.val));
          // A ghost cell read and then written in one __atomic block (io_start()'s count of
          // transfers in flight) is one indivisible update, as under SC: an RMW, so that two
          // processes' updates are never lost (the atomic axiom).
          if (s.inAtomic && this.model.cells[a]?.ghost) {
            let r = w - 1;
            while (r >= s.atomicFrom && s.events[r].loc !== a) r--;
            if (r >= s.atomicFrom && s.events[r].kind === "R") s.rmw.push([r, w]);
          }
          // smp_store_mb(): WRITE_ONCE then smp_mb() (linux-kernel.def).
          if (ins.prim === "smp_store_mb") this.event(s, "F", T.MB, -1, 0, ins.src, "smp_store_mb", NONE, NONE);
          s.pc++;
          break;
        }
        case "rmw": {
          const a = this.concrete(s, ins.addr);
          if (this.invalidAccess(s, a, ins.src)) return this.finish(s, out, false);
          const tags = accessTags(ins.prim, "rmw");
          const x = this.val(s, ins.a);
          const y = this.val(s, ins.b);
          const at = this.taintOf(s, ins.addr);
          const dt = join(this.taintOf(s, ins.a), this.taintOf(s, ins.b));
          // The value read: each value the location may hold, or (symbolic) the read's variable.
          const vs: (number | null)[] = this.symbolic && !this.opts.concreteLocs!.has(a) ? [null] : this.readable(s, a, domain, ins.src);
          // A test_and_set_bit()/test_and_clear_bit() that finds the bit already as it would leave
          // it "fails" (Documentation/atomic_bitops.txt): unordered, and in the generic code
          // (include/asm-generic/bitops/atomic.h) only a READ_ONCE of the word.
          const testBit = /^(__)?test_and_(set|clear)_bit(_lock)?$/.test(ins.prim ?? "") && (ins.rmw === "or" || ins.rmw === "andnot");
          const conditional = ins.rmw === "cmpxchg" || ins.rmw === "add_unless" || testBit;
          const succeeds = (old: Val): Val =>
            ins.rmw === "cmpxchg" ? binOp("==", old, x, false)
            : ins.rmw === "add_unless" ? binOp("!=", old, y, false)
            : testBit ? binOp(ins.rmw === "or" ? "==" : "!=", binOp("&", old, x, false), 0, false)
            : 1;
          const live: St[] = [];
          for (let k = vs.length - 1; k >= 0; k--) {
            const b0 = k === 0 ? s : clone(s);
            // The read's index: after the full fence of a fully ordered RMW that writes.
            const oldOf = (writes: boolean): Val => vs[k] ?? readVar(b0.events.length + (tags.mb && writes ? 1 : 0), a);
            const outcomes: [St, boolean, Val][] = [];
            const oldW = oldOf(true);
            const ok = succeeds(oldW);
            const d = !conditional ? true : this.decided(b0, ok);
            if (d !== null) outcomes.push([b0, d, d ? oldW : oldOf(false)]);
            else {
              // A cmpxchg whose comparison needs the value read: both outcomes, each a constraint.
              const f = clone(b0);
              const oldF = oldOf(false);
              this.assume(b0, ok as SExpr, true);
              const fails = succeeds(oldF);
              if (typeof fails !== "number") this.assume(f, fails, false);
              this.noteFork(ins.src, 2, [a], true);
              outcomes.push([b0, true, oldW], [f, false, oldF]);
            }
            for (const [b, writes, old] of outcomes) {
              let nv: Val;
              switch (ins.rmw) {
                case "xchg": nv = x; break;
                case "add": nv = binOp("+", old, x, false); break;
                case "sub": nv = binOp("-", old, x, false); break;
                case "and": nv = binOp("&", old, x, false); break;
                case "or": nv = binOp("|", old, x, false); break;
                case "xor": nv = binOp("^", old, x, false); break;
                case "andnot": nv = binOp("&", old, unOp("~", x), false); break;
                case "cmpxchg": nv = y; break;
                case "add_unless": nv = binOp("+", old, x, false); break;
              }
              nv = this.store(a, nv);
              // A failed cmpxchg / add_unless / test_and_{set,clear}_bit is a marked read with no ordering
              // (atomic_t.txt, atomic_bitops.txt).
              const mb = tags.mb && writes;
              if (mb) this.event(b, "F", T.MB, -1, 0, ins.src, prim, NONE, NONE);
              const r = this.event(b, "R", writes ? tags.r : T.ONCE, a, old, ins.src, prim, at, NONE);
              if (typeof old !== "number" && (old.k !== "read" || old.ev !== r)) throw new Error("LKMM mode: an RMW's read variable is not its event");
              if (writes) {
                const w = this.event(b, "W", tags.w, a, nv, ins.src, prim, at, dt);
                b.rmw.push([r, w]);
              }
              if (mb) this.event(b, "F", T.MB, -1, 0, ins.src, prim, NONE, NONE);
              this.setSlot(b, ins.dst, ins.ret === "old" ? old : ins.ret === "new" ? (writes ? nv : old) : +writes);
              b.taint[ins.dst] = [r];
              b.pc++;
              live.push(b);
            }
          }
          // Continue with s's own outcome if it has one; the others are new paths.
          const i = live.includes(s) ? live.indexOf(s) : 0;
          for (let j = 0; j < live.length; j++) if (j !== i) work.push(live[j]);
          s = live[i];
          break;
        }
        case "lock":
        case "trylock": {
          const a = this.concrete(s, ins.addr);
          const at = this.taintOf(s, ins.addr);
          // spin_lock: a read of the free lock (LKR) and the write that takes it (LKW), as one
          // atomic RMW (lock.cat). A trylock may also fail: a read of the held lock (LF).
          if (ins.op === "trylock") {
            const f = clone(s);
            this.event(f, "R", T.LF, a, 1, ins.src, prim, at, NONE);
            this.setSlot(f, ins.dst, 0);
            f.taint[ins.dst] = [f.events.length - 1];
            f.pc++;
            work.push(f);
          }
          // lock.cat: a lock's read is an acquire, an unlock a release.
          const r = this.event(s, "R", T.LKR | T.RMW | T.ACQUIRE, a, 0, ins.src, prim, at, NONE);
          const w = this.event(s, "W", T.LKW | T.RMW, a, 1, ins.src, prim, at, NONE);
          s.rmw.push([r, w]);
          if (ins.op === "trylock") {
            this.setSlot(s, ins.dst, 1);
            s.taint[ins.dst] = [r];
          }
          s.pc++;
          break;
        }
        case "unlock": {
          const a = this.concrete(s, ins.addr);
          this.event(s, "W", T.UL | T.RELEASE, a, 0, ins.src, prim, this.taintOf(s, ins.addr), NONE);
          s.pc++;
          break;
        }
        case "unlock_wait":
          // spin_unlock_wait(): modelled as reading the lock free (RU), as herd7's old lock.cat did.
          this.event(s, "R", T.RU, this.concrete(s, ins.addr), 0, ins.src, prim, this.taintOf(s, ins.addr), NONE);
          s.pc++;
          break;
        case "rcu_lock":
          s.rcuStack.push(this.event(s, "F", T.RCU_LOCK, -1, 0, ins.src, prim, NONE, NONE));
          s.pc++;
          break;
        case "rcu_unlock": {
          const u = this.event(s, "F", T.RCU_UNLOCK, -1, 0, ins.src, prim, NONE, NONE);
          const l = s.rcuStack.pop();
          if (l === undefined) s.notes.push({ kind: "bug", msg: `P${this.pid}: rcu_read_unlock() without rcu_read_lock()`, src: ins.src });
          else s.rscs.push([l, u]);
          s.pc++;
          break;
        }
        case "gp_start":
          if (s.rcuStack.length) s.notes.push({ kind: "deadlock", msg: `P${this.pid} calls synchronize_rcu() inside its own RCU read-side critical section (self-deadlock)`, src: ins.src });
          this.event(s, "F", T.SYNC_RCU, -1, 0, ins.src, prim, NONE, NONE);
          s.pc++;
          break;
        case "gp_wait":
        case "srcu_gp_wait":
          s.pc++;
          break;
        case "srcu_lock": {
          const a = this.concrete(s, ins.addr);
          s.srcuStack.push(this.event(s, "F", T.SRCU_LOCK, a, 0, ins.src, prim, NONE, NONE));
          s.pc++;
          break;
        }
        case "srcu_unlock": {
          const a = this.concrete(s, ins.addr);
          const u = this.event(s, "F", T.SRCU_UNLOCK, a, 0, ins.src, prim, NONE, NONE);
          // The innermost open section on the same srcu_struct.
          let k = s.srcuStack.length - 1;
          while (k >= 0 && s.events[s.srcuStack[k]].loc !== a) k--;
          if (k < 0) s.notes.push({ kind: "bug", msg: `P${this.pid}: srcu_read_unlock() without srcu_read_lock()`, src: ins.src });
          else s.srcuRscs.push([s.srcuStack.splice(k, 1)[0], u]);
          s.pc++;
          break;
        }
        case "srcu_gp_start": {
          const a = this.concrete(s, ins.addr);
          if (s.srcuStack.some((i) => s.events[i].loc === a))
            s.notes.push({ kind: "deadlock", msg: `P${this.pid} calls synchronize_srcu() inside its own read-side critical section of the same srcu_struct (self-deadlock)`, src: ins.src });
          this.event(s, "F", T.SYNC_SRCU, a, 0, ins.src, prim, NONE, NONE);
          s.pc++;
          break;
        }
        default:
          throw new Error(`LKMM mode: unsupported instruction ${(ins as Instr).op}`);
      }
    }
  }

  /** Symbolic mode: a read whose value is its own variable. Where the read's class depends on
   * its value (spin_is_locked(): held or free) or the kernel model's __atomic block needs to
   * know the object is not freed (a ghost cell read as 0), the path splits on that test.
   * Returns the state to continue with; the others go onto work. */
  private symbolicLoad(s: St, dst: number, a: number, tags: number, lockProbe: boolean, src: Src, prim: string, at: Taint, work: St[]): St {
    // A location that holds one value in every execution (no process writes another there,
    // e.g. a _mapcount no scenario process changes) is read as that value: a constant folds
    // into the tests and values that use it, which then need no other location.
    const only = this.opts.stable?.valuesAt(a);
    const v: Val = only?.length === 1 ? only[0] : readVar(s.events.length, a);
    const ghostCheck = s.inAtomic && !!this.model.cells[a]?.ghost;
    const variants: [St, boolean | null][] = [];
    if (lockProbe || ghostCheck) {
      // The read's event comes next: its location is a.
      const [nonzero, zero] = this.split(s, v, src, [a]);
      if (zero) variants.push([zero, false]);
      if (nonzero) variants.push([nonzero, true]);
    } else variants.push([s, null]);
    for (const [b, nonzero] of variants) {
      const id = this.event(b, "R", lockProbe ? (nonzero ? T.RL : T.RU) : tags, a, v, src, prim, at, NONE);
      if (nonzero === false && ghostCheck) b.checkedFree.push(a);
      this.setSlot(b, dst, nonzero === false ? 0 : v);
      b.taint[dst] = [id];
      b.pc++;
    }
    const live = variants.map(([b]) => b);
    const keep = live.includes(s) ? s : live[0];
    for (const b of live) if (b !== keep) work.push(b);
    return keep;
  }
}
