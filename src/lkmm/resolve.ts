// Values of a candidate execution whose paths are symbolic (paths.ts, sym.ts): a read takes the
// value of the write it reads from, a write's value is its expression evaluated with its own
// process's read values, and the candidate exists only if every path's constraints hold with
// those values and every concrete read (a lock's, or a read that forked on values) got its value.
//
// A value that depends on itself through reads-from (R -data-> W -rf-> R' -data-> ... -rf-> R)
// has no value from this evaluation: the candidate is reported as a cycle, and exec.ts drops it
// if the model forbids it (with marked accesses such a cycle is rfe ; data ... in hb), and
// otherwise stops the run (design.md, "Symbolic read values").

import type { PEvent } from "./events.js";
import type { Path } from "./paths.js";
import { Constraint, evalVal, readsOf } from "./sym.js";

const NOT_YET = 0x7fffffff;

export const enum Resolved {
  OK = 0,
  /** A constraint or a concrete read's value fails: not a candidate. */
  UNSAT = 1,
  /** A value depends on itself through reads-from. */
  CYCLE = 2,
}

export class ValueResolver {
  private readonly state: Uint8Array;
  private readonly value: Int32Array;
  private rfOf: Int32Array;
  private cycle = false;
  /** The event where the last cycle closed. */
  private cycleAt = -1;
  private mismatch = false;
  /** Per process: its read values by the path's event index (made once, not per candidate). */
  private readonly readOf: ((ev: number) => number)[];
  /** Per process: the final slots of the current candidate. */
  readonly slots: Int32Array[];

  // Checks during a search that gives the reads their writes one at a time, in an order it
  // chooses (assign(); prepareOrder() and partialOk() for a fixed order): a constraint or a
  // concrete read's value is checked as soon as the values it needs are known, and the rest
  // of that branch of the search is skipped when it fails.
  /** Per event: the search depth at which the read got its write (NOT_YET: not on this branch). */
  private atDepth: Int32Array = new Int32Array(0);
  /** Per depth: the read that got its write there. */
  private byDepth: number[] = [];
  private top = -1;
  private depth = -1;
  /** Per event: the value found in the current partial check (pstamp === gen), or in progress (-gen). */
  private pstamp: Int32Array = new Int32Array(0);
  private readonly pval: Int32Array;
  private gen = 0;
  private blocked = false;
  private readonly pread: ((ev: number) => number)[];
  /** The checks: a concrete read (event index) or a path's constraint. */
  private checks: ({ read: number } | { proc: number; c: Constraint })[] = [];
  /** Per read event: the checks that use it directly. */
  private checksOf: number[][] = [];
  // An undecided check waits for the first read its evaluation could not give a value (a read
  // the search has not reached): everything evaluated before that read used only values that
  // are fixed on the current branch, so the check cannot be decided until that read has its
  // write. It is evaluated again only then, not at every step.
  /** Per read event: the checks waiting for it. */
  private waiting: number[][] = [];
  /** The reads whose waiting lists got a check, in order (undone when the search backtracks). */
  private trail: number[] = [];
  /** Per depth: the trail's length when the search reached the depth on the current branch. */
  private trailAt: number[] = [];
  /** The first read the current evaluation could not give a value (-1: none). */
  private firstBlocked = -1;
  private order: readonly number[] = [];

  constructor(
    /** The combination's events (initial writes first); those of symbolic paths are copies whose val this sets. */
    private readonly events: (PEvent & { proc: number })[],
    private readonly paths: Path[],
    private readonly base: number[],
  ) {
    const n = events.length;
    this.state = new Uint8Array(n);
    this.value = new Int32Array(n);
    this.rfOf = new Int32Array(n);
    this.readOf = base.map((b) => (ev: number) => this.valueOf(b + ev));
    this.slots = paths.map((p) => p.slots.slice());
    this.pval = new Int32Array(n);
    this.pread = base.map((b) => (ev: number) => this.pvalueOf(b + ev));
  }

  /** Sets up assign(): the checks, and which reads each one uses. */
  prepare(): void {
    const n = this.events.length;
    this.atDepth = new Int32Array(n).fill(NOT_YET);
    this.pstamp = new Int32Array(n);
    this.checks = [];
    this.checksOf = Array.from({ length: n }, () => []);
    this.waiting = Array.from({ length: n }, () => []);
    const add = (check: { read: number } | { proc: number; c: Constraint }, reads: Iterable<number>) => {
      for (const r of reads) this.checksOf[r].push(this.checks.length);
      this.checks.push(check);
    };
    this.events.forEach((e, r) => {
      if (e.kind === "R" && e.vx === undefined) add({ read: r }, [r]);
    });
    this.paths.forEach((path, p) => {
      for (const c of path.constraints) add({ proc: p, c }, [...readsOf(c.e)].map((ev) => this.base[p] + ev));
    });
    this.byDepth = [];
    this.top = -1;
    this.trail = [];
    this.trailAt = [0];
  }

  /** The reads get their writes in this order (reads[k] at depth k): partialOk(k) is assign(k, reads[k]). */
  prepareOrder(reads: readonly number[]): void {
    this.order = reads;
    this.prepare();
  }

  partialOk(k: number, rfOf: Int32Array): boolean {
    return this.assign(k, this.order[k], rfOf);
  }

  /** Read r has just got its write rfOf[r], at depth d of a depth-first search (what was given
   * at depth d or deeper before is forgotten): false if a check whose values are all known
   * fails (no candidate below). */
  assign(d: number, r: number, rfOf: Int32Array): boolean {
    this.rfOf = rfOf;
    const { atDepth, byDepth, trail, waiting } = this;
    for (let k = this.top; k >= d; k--) atDepth[byDepth[k]] = NOT_YET;
    // Forget what a sibling's subtree left waiting.
    const mark = this.trailAt[d];
    while (trail.length > mark) waiting[trail.pop()!].pop();
    atDepth[r] = d;
    byDepth[d] = r;
    this.top = d;
    this.depth = d;
    this.gen++;
    const visit = (id: number): boolean => {
      const v = this.evalCheck(id);
      if (v === 0) return false;
      // A check blocked only by a value cycle among given reads stays blocked on this branch:
      // the final resolve() decides it.
      if (v < 0 && this.firstBlocked >= 0) {
        waiting[this.firstBlocked].push(id);
        trail.push(this.firstBlocked);
      }
      return true;
    };
    const woken = waiting[r];
    const n = woken.length;
    for (let i = 0; i < n; i++) if (!visit(woken[i])) return false;
    const own = this.checksOf[r];
    for (let i = 0; i < own.length; i++) if (!visit(own[i])) return false;
    this.trailAt[d + 1] = trail.length;
    return true;
  }

  /** 1: holds, 0: fails, -1: needs a read that has no write yet. */
  private evalCheck(id: number): number {
    const check = this.checks[id];
    this.blocked = false;
    this.firstBlocked = -1;
    let ok: boolean;
    if ("read" in check) ok = this.pvalueOf(check.read) === this.events[check.read].val;
    else ok = (evalVal(check.c.e, this.pread[check.proc]) !== 0) === check.c.holds;
    return this.blocked ? -1 : ok ? 1 : 0;
  }

  /** valueOf() for partialOk(): a read without its write yet, or a cycle, leaves it unknown (blocked). */
  private pvalueOf(i: number): number {
    const g = this.gen;
    const st = this.pstamp[i];
    if (st === g) return this.pval[i];
    if (st === -g) {
      this.blocked = true;
      return 0;
    }
    const e = this.events[i];
    if (e.kind === "R" && this.atDepth[i] > this.depth) {
      this.blocked = true;
      if (this.firstBlocked < 0) this.firstBlocked = i;
      return 0;
    }
    const outer = this.blocked;
    this.blocked = false;
    this.pstamp[i] = -g;
    const v = e.kind === "R" ? this.pvalueOf(this.rfOf[i]) : e.vx !== undefined ? evalVal(e.vx, this.pread[e.proc]) : e.val;
    const b = this.blocked;
    this.blocked = outer || b;
    this.pstamp[i] = b ? 0 : g;
    this.pval[i] = v;
    return v;
  }

  /** The path of process p changed (the bulk enumeration reuses one resolver). */
  setPath(p: number, path: Path): void {
    this.paths[p] = path;
    this.slots[p].set(path.slots);
  }

  /** Gives every read and symbolic write of the candidate (reads-from: rfOf[read] = write) its value. */
  resolve(rfOf: Int32Array): Resolved {
    this.rfOf = rfOf;
    this.state.fill(0);
    this.cycle = false;
    this.mismatch = false;
    const ev = this.events;
    for (let i = 0; i < ev.length; i++) {
      const e = ev[i];
      if (e.kind === "R" || e.vx !== undefined) this.valueOf(i);
      if (this.cycle) return Resolved.CYCLE;
      if (this.mismatch) return Resolved.UNSAT;
    }
    for (let p = 0; p < this.paths.length; p++) {
      const path = this.paths[p];
      if (!path.symbolic) continue;
      const readOf = this.readOf[p];
      for (const c of path.constraints) if ((evalVal(c.e, readOf) !== 0) !== c.holds) return Resolved.UNSAT;
    }
    for (let i = 0; i < ev.length; i++) if (ev[i].vx !== undefined) ev[i].val = this.value[i];
    for (let p = 0; p < this.paths.length; p++) {
      const sv = this.paths[p].slotVals;
      if (!sv) continue;
      const out = this.slots[p];
      const readOf = this.readOf[p];
      for (let k = 0; k < sv.length; k++) {
        const v = sv[k];
        if (typeof v !== "number") out[k] = evalVal(v, readOf);
      }
    }
    return Resolved.OK;
  }

  /** Where the last cycle closed, for the message. */
  cycleText(): string {
    const e = this.events[this.cycleAt];
    return e ? `P${e.proc}'s ${e.kind === "R" ? "read" : "write"} at ${e.src.loc.file?.path ?? "?"}:${e.src.loc.line}` : "?";
  }

  private valueOf(i: number): number {
    if (this.cycle) return 0;
    const st = this.state[i];
    if (st === 2) return this.value[i];
    if (st === 1) {
      if (!this.cycle) this.cycleAt = i;
      this.cycle = true;
      return 0;
    }
    const e = this.events[i];
    let v: number;
    this.state[i] = 1;
    if (e.kind === "R") {
      v = this.valueOf(this.rfOf[i]);
      if (e.vx === undefined && v !== e.val) this.mismatch = true;
    } else if (e.vx !== undefined) v = evalVal(e.vx, this.readOf[e.proc]);
    else v = e.val;
    this.state[i] = 2;
    this.value[i] = v;
    return v;
  }
}

/** A write w may give read r its value: unknown (symbolic) on either side, or equal. */
export function mayGive(w: PEvent, r: PEvent): boolean {
  if (w.vx !== undefined) return true;
  if (r.vx === undefined) return w.val === r.val;
  const tests = r.vtests;
  if (tests) {
    const v = w.val;
    const readVal = () => v;
    for (const c of tests) if ((evalVal(c.e, readVal) !== 0) !== c.holds) return false;
  }
  return true;
}
