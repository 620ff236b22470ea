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

  // Checks during a search that gives the reads their writes one at a time (prepareOrder(),
  // partialOk()): a constraint or a concrete read's value is checked as soon as the values it
  // needs are known, and the rest of that branch of the search is skipped when it fails.
  /** Per event: its position in the order the reads get their writes (-1: not a read). */
  private levelOf: Int32Array = new Int32Array(0);
  private depth = -1;
  /** Per event: the value found in the current partial check (pstamp === gen), or in progress (-gen). */
  private pstamp: Int32Array = new Int32Array(0);
  private readonly pval: Int32Array;
  private gen = 0;
  private blocked = false;
  private readonly pread: ((ev: number) => number)[];
  /** The checks: a concrete read (event index) or a path's constraint. */
  private checks: ({ read: number } | { proc: number; c: Constraint })[] = [];
  /** Per level: the checks whose direct reads are all given by then. */
  private readyAt: Int32Array[] = [];
  // An undecided check waits for the first read its evaluation could not give a value (a read
  // the search has not reached): everything evaluated before that read used only values that
  // are fixed on the current branch, so the check cannot be decided until that read has its
  // write. It is evaluated again only at that read's level (waiting[level]), not at every level.
  /** Per level: the checks waiting for the read of that level. */
  private waiting: number[][] = [];
  /** The levels whose waiting lists got a check, in order (undone when the search backtracks). */
  private trail: number[] = [];
  /** Per level: the trail's length when the search reached the level on the current branch. */
  private trailAt: Int32Array = new Int32Array(0);
  /** The level of the first read the current evaluation could not give a value (-1: none). */
  private firstBlocked = -1;

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

  /** The reads get their writes in this order (reads[k] at level k): sets up partialOk(). */
  prepareOrder(reads: readonly number[]): void {
    const n = this.events.length;
    this.levelOf = new Int32Array(n).fill(-1);
    reads.forEach((r, k) => (this.levelOf[r] = k));
    this.pstamp = new Int32Array(n);
    this.checks = [];
    const ready: number[][] = reads.map(() => []);
    const add = (check: { read: number } | { proc: number; c: Constraint }, level: number) => {
      ready[Math.max(0, level)]?.push(this.checks.length);
      this.checks.push(check);
    };
    for (const r of reads) if (this.events[r].vx === undefined) add({ read: r }, this.levelOf[r]);
    this.paths.forEach((path, p) => {
      for (const c of path.constraints) {
        let level = 0;
        for (const ev of readsOf(c.e)) level = Math.max(level, this.levelOf[this.base[p] + ev]);
        add({ proc: p, c }, level);
      }
    });
    this.readyAt = ready.map((xs) => Int32Array.from(xs));
    this.waiting = reads.map(() => []);
    this.trail = [];
    this.trailAt = new Int32Array(reads.length + 1);
  }

  /** Read k (in prepareOrder()'s order) has just got its write, and reads 0..k-1 theirs (the
   * search calls this level by level, depth first): false if a check whose values are all known
   * fails (no candidate below). */
  partialOk(k: number, rfOf: Int32Array): boolean {
    this.rfOf = rfOf;
    this.depth = k;
    this.gen++;
    // Forget what a sibling's subtree (an earlier write for read k) left waiting.
    const { trail, waiting } = this;
    const mark = this.trailAt[k];
    while (trail.length > mark) waiting[trail.pop()!].pop();
    const visit = (id: number): boolean => {
      const r = this.evalCheck(id);
      if (r === 0) return false;
      // A check blocked only by a value cycle among given reads stays blocked on this branch:
      // the final resolve() decides it.
      if (r < 0 && this.firstBlocked > k) {
        waiting[this.firstBlocked].push(id);
        trail.push(this.firstBlocked);
      }
      return true;
    };
    const woken = waiting[k];
    for (let i = 0; i < woken.length; i++) if (!visit(woken[i])) return false;
    const ready = this.readyAt[k];
    for (let i = 0; i < ready.length; i++) if (!visit(ready[i])) return false;
    this.trailAt[k + 1] = trail.length;
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
    if (e.kind === "R" && this.levelOf[i] > this.depth) {
      this.blocked = true;
      if (this.firstBlocked < 0) this.firstBlocked = this.levelOf[i];
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
