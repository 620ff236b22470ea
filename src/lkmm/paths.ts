// One process at a time: every path through its step IR, as herd7 builds a thread's event
// structures. A read's value is not known yet, so the path branches on every value the
// location may hold (the values some process can write there, found by a fixpoint over the
// processes); which write it reads from is chosen later (exec.ts). Along a path, each local
// slot carries the set of reads its value came from, which gives LKMM's dependencies:
// addr (the address of an access), data (the value of a write), ctrl (every event a branch on
// such a value decides whether to execute, up to the branch's immediate post-dominator).

import { evalBin, wrapValue } from "../ir/lower.js";
import { Instr, LExpr, ModelIR, ProcessIR, Src } from "../ir/ir.js";
import { Kind, PEvent, T, accessTags, fenceTag } from "./events.js";

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
  /** Final values of the process's slots. */
  slots: Int32Array;
  /** A check that failed on this path (the process stops there unless it is a WARN). */
  violations: { kind: string; msg: string; src: Src; after: number }[];
  /** The unroll bound cut the path: it is the prefix of a longer execution. */
  cut: boolean;
  /** An unbalanced rcu_read_unlock / synchronize_rcu inside the process's own read-side section. */
  notes: { kind: string; msg: string; src: Src }[];
}

export interface PathOptions {
  unroll: number;
  /** Cap on the paths of one process; beyond it the run is incomplete. */
  maxPaths: number;
  /** performance.now() deadline (Infinity: none). */
  deadline: number;
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
  regions: { taint: Taint; end: number }[];
  back: Map<number, number>;
  violations: Path["violations"];
  notes: Path["notes"];
  inAtomic: boolean;
  /** Ghost freed cells read as 0 in the current __atomic block. */
  checkedFree: number[];
  /** The value of this process's latest write to each location it wrote. */
  own: Map<number, number>;
  /** Writes so far. */
  nw: number;
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
    checkedFree: s.checkedFree.slice(),
    own: new Map(s.own),
    nw: s.nw,
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
  private readonly fencesAt = new Map<number, { name: string; src: Src }[]>();
  constructor(
    readonly model: ModelIR,
    readonly proc: ProcessIR,
    readonly pid: number,
    readonly opts: PathOptions,
  ) {
    this.ipdom = postDominators(proc.code);
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
      rcuStack: [], srcuStack: [], regions: [], back: new Map(), violations: [], notes: [], inAtomic: false, checkedFree: [], own: new Map(), nw: 0,
    };
    const work: St[] = [st];
    while (work.length) {
      const s = work.pop()!;
      this.run(s, domain, work, out, seed);
      if (out.length > this.opts.maxPaths) throw new PathLimit(`P${this.pid} has more than ${this.opts.maxPaths} paths (each read branches on every value its location may hold)${this.hottest()}`);
      if (this.sink && this.seedStates + this.sink.seen.size > SEED_STATES) throw new PathLimit(`P${this.pid} has more than ${SEED_STATES} states while collecting the values it may write${this.hottest()}`);
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
    const sink = { values: new Map<number, Set<number>>(), maxWrites: 0, seen: new Set<string>() };
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

  private sink: { values: Map<number, Set<number>>; maxWrites: number; seen: Set<string> } | null = null;

  /** In the seed run: true if this state was met before (then it is dropped). */
  private seenBefore(s: St): boolean {
    const key = `${s.pc}|${s.vals.join(",")}|${s.taint.map((t) => (t.length ? 1 : 0)).join("")}|${[...s.back].join(";")}|${[...s.own].join(";")}|${s.nw}`;
    if (this.sink!.seen.has(key)) return true;
    this.sink!.seen.add(key);
    return false;
  }

  private readable(s: St, a: number, domain: (loc: number) => Iterable<number>, src: Src): number[] {
    const vs = new Set(domain(a));
    vs.add(s.own.get(a) ?? this.model.cells[a]?.init ?? 0);
    if (vs.size > 1) {
      const f = this.forks.get(src) ?? { n: 0, values: 0, loc: a };
      f.n++;
      f.values = Math.max(f.values, vs.size);
      this.forks.set(src, f);
    }
    return [...vs];
  }

  /** Per read site, how often a path forked there and into how many values at most. */
  private readonly forks = new Map<Src, { n: number; values: number; loc: number }>();

  /** The read that forked the paths most, for the message of a limit. */
  hottest(): string {
    let best: [Src, { n: number; values: number; loc: number }] | null = null;
    for (const e of this.forks) if (!best || e[1].n > best[1].n) best = e;
    if (!best) return "";
    const [src, f] = best;
    return `; most forks at the read of ${this.model.cells[f.loc]?.name ?? f.loc} (up to ${f.values} values) at ${siteOf(src)}`;
  }

  private finish(s: St, out: Path[], cut: boolean): void {
    if (this.sink) {
      this.sink.maxWrites = Math.max(this.sink.maxWrites, s.nw);
      return;
    }
    for (const i of s.rcuStack) s.notes.push({ kind: "bug", msg: `P${this.pid} ends inside an RCU read-side critical section`, src: s.events[i].src });
    out.push({
      proc: this.pid, events: s.events.map((e, index) => ({ ...e, proc: this.pid, index })), shape: this.shapeOf(s), addr: s.addr, data: s.data, ctrl: s.ctrl, rmw: s.rmw, rscs: s.rscs, srcuRscs: s.srcuRscs,
      slots: s.vals, violations: s.violations, cut, notes: s.notes,
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

  private event(s: St, kind: Kind, tags: number, loc: number, val: number, src: Src, prim: string, addrT: Taint, dataT: Taint): number {
    const id = s.events.length;
    const ev: PEvent = { kind, tags, loc, val, src, prim };
    const f = loc >= 0 && kind !== "F" ? (this.model.cells[loc]?.freedCell ?? -1) : -1;
    if (f >= 0 && s.inAtomic && s.checkedFree.includes(f)) ev.freeChecked = true;
    if (s.inAtomic && kind === "R" && val === 0 && this.model.cells[loc]?.ghost) s.checkedFree.push(loc);
    s.events.push(ev);
    if (kind === "W") {
      s.own.set(loc, val);
      s.nw++;
      if (this.sink) {
        let set = this.sink.values.get(loc);
        if (!set) this.sink.values.set(loc, (set = new Set()));
        set.add(val);
      }
    }
    for (const r of addrT) s.addr.push([r, id]);
    for (const r of dataT) s.data.push([r, id]);
    for (const r of this.ctrlTaint(s)) s.ctrl.push([r, id]);
    return id;
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

  private store(addr: number, v: number): number {
    const c = this.model.cells[addr];
    return c ? wrapValue(v, c.bits, c.signed) : v | 0;
  }

  /** A NULL or out-of-range address: the path ends with the finding the SC search reports (codegen.ts). */
  private invalidAccess(s: St, a: number, src: Src): boolean {
    if (a > 0 && a < this.model.cells.length) return false;
    s.violations.push({ kind: "bug", msg: a === 0 ? "NULL pointer dereference" : `access to invalid address ${a}`, src, after: s.events.length });
    return true;
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
          s.vals[ins.dst] = this.eval(s, ins.e);
          s.taint[ins.dst] = this.taintOf(s, ins.e);
          if (!next(s.pc + 1)) return this.finish(s, out, true);
          break;
        case "jmp":
          if (!next(ins.target)) return this.finish(s, out, true);
          break;
        case "br": {
          const taken = this.eval(s, ins.cond) !== 0;
          const t = this.taintOf(s, ins.cond);
          const end = this.ipdom[s.pc];
          if (t.length && end !== s.pc) s.regions.push({ taint: t, end });
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
        case "check":
          if (this.eval(s, ins.cond) !== 0) {
            s.violations.push({ kind: ins.kind, msg: ins.msg, src: ins.src, after: s.events.length });
            if (ins.kind !== "warn" && !seed) return this.finish(s, out, false);
          }
          s.pc++;
          break;
        case "guard":
          // await(): an execution in which the awaited condition is false does not complete
          // (GenMC's blocked spin loop); no bound is needed.
          if (this.eval(s, ins.cond) === 0 && !seed) return;
          s.pc++;
          break;
        case "atomic_begin":
          s.inAtomic = true;
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
            const a = this.eval(s, ins.addr);
            s.vals[ins.dst] = this.model.cells[a]?.init ?? 0;
            s.taint[ins.dst] = NONE;
            s.pc++;
            break;
          }
          const a = this.eval(s, ins.addr);
          if (this.invalidAccess(s, a, ins.src)) return this.finish(s, out, false);
          const at = this.taintOf(s, ins.addr);
          const tg = ins.lockProbe ? 0 : accessTags(ins.prim, "load").r || (this.model.cells[a]?.ghost ? T.ONCE : 0);
          const vs = this.readable(s, a, domain, ins.src);
          for (let k = vs.length - 1; k >= 0; k--) {
            const b = k === 0 ? s : clone(s);
            const v = vs[k];
            let tags = tg;
            if (ins.lockProbe) tags = v !== 0 ? T.RL : T.RU;
            const id = this.event(b, "R", tags, a, v, ins.src, prim || (ins.lockProbe ? "spin_is_locked" : ""), at, NONE);
            b.vals[ins.dst] = v;
            b.taint[ins.dst] = [id];
            b.pc++;
            if (k > 0) work.push(b);
          }
          break;
        }
        case "store": {
          const a = this.eval(s, ins.addr);
          if (this.invalidAccess(s, a, ins.src)) return this.finish(s, out, false);
          const tags = accessTags(ins.prim, "store");
          // Ghost cells (the kernel model's bookkeeping, e.g. __ghost_freed) are not the
          // kernel's memory: marked, so they never race.
          if (!tags.w && this.model.cells[a]?.ghost) tags.w = T.ONCE;
          this.event(s, "W", tags.w, a, this.store(a, this.eval(s, ins.val)), ins.src, prim, this.taintOf(s, ins.addr), this.taintOf(s, ins.val));
          // smp_store_mb(): WRITE_ONCE then smp_mb() (linux-kernel.def).
          if (ins.prim === "smp_store_mb") this.event(s, "F", T.MB, -1, 0, ins.src, "smp_store_mb", NONE, NONE);
          s.pc++;
          break;
        }
        case "rmw": {
          const a = this.eval(s, ins.addr);
          if (this.invalidAccess(s, a, ins.src)) return this.finish(s, out, false);
          const tags = accessTags(ins.prim, "rmw");
          const x = this.eval(s, ins.a);
          const y = this.eval(s, ins.b);
          const at = this.taintOf(s, ins.addr);
          const dt = join(this.taintOf(s, ins.a), this.taintOf(s, ins.b));
          const vs = this.readable(s, a, domain, ins.src);
          for (let k = vs.length - 1; k >= 0; k--) {
            const b = k === 0 ? s : clone(s);
            const old = vs[k];
            let nv: number;
            let writes = true;
            switch (ins.rmw) {
              case "xchg": nv = x; break;
              case "add": nv = old + x; break;
              case "sub": nv = old - x; break;
              case "and": nv = old & x; break;
              case "or": nv = old | x; break;
              case "xor": nv = old ^ x; break;
              case "andnot": nv = old & ~x; break;
              case "cmpxchg": nv = y; writes = old === x; break;
              case "add_unless": nv = old + x; writes = old !== y; break;
            }
            nv = this.store(a, nv);
            // A failed cmpxchg / add_unless is a plain marked read with no ordering (atomic_t.txt).
            const mb = tags.mb && writes;
            if (mb) this.event(b, "F", T.MB, -1, 0, ins.src, prim, NONE, NONE);
            const r = this.event(b, "R", writes ? tags.r : T.ONCE, a, old, ins.src, prim, at, NONE);
            if (writes) {
              const w = this.event(b, "W", tags.w, a, nv, ins.src, prim, at, dt);
              b.rmw.push([r, w]);
            }
            if (mb) this.event(b, "F", T.MB, -1, 0, ins.src, prim, NONE, NONE);
            b.vals[ins.dst] = ins.ret === "old" ? old : ins.ret === "new" ? (writes ? nv : old) : +writes;
            b.taint[ins.dst] = [r];
            b.pc++;
            if (k > 0) work.push(b);
          }
          break;
        }
        case "lock":
        case "trylock": {
          const a = this.eval(s, ins.addr);
          const at = this.taintOf(s, ins.addr);
          // spin_lock: a read of the free lock (LKR) and the write that takes it (LKW), as one
          // atomic RMW (lock.cat). A trylock may also fail: a read of the held lock (LF).
          if (ins.op === "trylock") {
            const f = clone(s);
            this.event(f, "R", T.LF, a, 1, ins.src, prim, at, NONE);
            f.vals[ins.dst] = 0;
            f.taint[ins.dst] = [f.events.length - 1];
            f.pc++;
            work.push(f);
          }
          // lock.cat: a lock's read is an acquire, an unlock a release.
          const r = this.event(s, "R", T.LKR | T.RMW | T.ACQUIRE, a, 0, ins.src, prim, at, NONE);
          const w = this.event(s, "W", T.LKW | T.RMW, a, 1, ins.src, prim, at, NONE);
          s.rmw.push([r, w]);
          if (ins.op === "trylock") {
            s.vals[ins.dst] = 1;
            s.taint[ins.dst] = [r];
          }
          s.pc++;
          break;
        }
        case "unlock": {
          const a = this.eval(s, ins.addr);
          this.event(s, "W", T.UL | T.RELEASE, a, 0, ins.src, prim, this.taintOf(s, ins.addr), NONE);
          s.pc++;
          break;
        }
        case "unlock_wait":
          // spin_unlock_wait(): modelled as reading the lock free (RU), as herd7's old lock.cat did.
          this.event(s, "R", T.RU, this.eval(s, ins.addr), 0, ins.src, prim, this.taintOf(s, ins.addr), NONE);
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
          const a = this.eval(s, ins.addr);
          s.srcuStack.push(this.event(s, "F", T.SRCU_LOCK, a, 0, ins.src, prim, NONE, NONE));
          s.pc++;
          break;
        }
        case "srcu_unlock": {
          const a = this.eval(s, ins.addr);
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
          const a = this.eval(s, ins.addr);
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
}
