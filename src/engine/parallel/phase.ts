// What every thread of a parallel search runs: the same Expander as the serial search,
// storing into the shared visited set, over states claimed a batch at a time.

import { ModelIR } from "../../ir/ir.js";
import { DEADLOCKED, Expander, VIOLATED } from "../expand.js";
import { Machine, Violation } from "../machine.js";
import { PartialOrder } from "../por.js";
import { Canonicaliser, symmetryGroups } from "../symmetry.js";
import { CLAIM, CLAIM_SLOTS, CURSOR, END, GROW, HALT, HOLE, KIND, REHASH, SharedVisited } from "./shared.js";

export interface ThreadOptions {
  por: boolean;
  symmetry: boolean;
  warnAsViolation: boolean;
  findingsAsWarnings: boolean;
}

/** A violation or deadlock in state `state` (by step of `pid`, -1 for a deadlock). */
export interface Found {
  state: number;
  pid: number;
  violation: Violation;
}

/** A warning met in a step of pid from `state` (first one per check and thread). */
export interface WarningAt {
  state: number;
  pid: number;
  warning: Violation;
}

export class SearchThread {
  readonly x: Expander;
  /** The groups of interchangeable processes (symmetry.ts), [] without symmetry. */
  readonly groups: number[][];
  readonly warnings: WarningAt[] = [];
  private readonly warnSeen = new Set<string>();

  constructor(
    model: ModelIR,
    readonly m: Machine,
    readonly vis: SharedVisited,
    o: ThreadOptions,
  ) {
    const groups = (this.groups = o.symmetry ? symmetryGroups(model) : []);
    this.x = new Expander(
      model,
      m,
      (s, hi, lo, parent, pid) => this.vis.insert(s, hi, lo, parent, pid),
      groups.length ? new Canonicaliser(m, groups) : null,
      o.por && model.processes.length > 1 ? new PartialOrder(model) : null,
      null,
      o.warnAsViolation,
      this.vis,
    );
    this.x.ctx.findingsAsWarnings = o.findingsAsWarnings;
    this.x.onWarnings = (state, pid) => {
      for (const w of this.x.ctx.warnings) {
        const key = `${w.proc}:${w.pc}`;
        if (this.warnSeen.has(key)) continue;
        this.warnSeen.add(key);
        this.warnings.push({ state, pid, warning: w });
      }
      this.x.ctx.warnings.length = 0;
    };
  }

  /** Runs this thread's share of a phase; returns the violation it found, if any. */
  runPhase(): Found | null {
    const vis = this.vis;
    vis.startPhase();
    try {
      const kind = vis.ctl[KIND];
      return kind === REHASH ? this.rehashPhase() : kind === GROW ? this.growPhase() : this.expandPhase();
    } finally {
      vis.endPhase();
    }
  }

  /** Moves slots [CURSOR, END) of the old table into the new one, a batch at a time. */
  private rehashPhase(): null {
    const vis = this.vis;
    const ctl = vis.ctl;
    const old = new Int32Array(vis.buffers.oldTable!);
    for (;;) {
      const start = Atomics.add(ctl, CURSOR, CLAIM_SLOTS);
      const end = Math.min(start + CLAIM_SLOTS, ctl[END]);
      if (start >= end) return null;
      vis.rehash(old, start, end);
    }
  }

  /** Moves chunks [CURSOR, END) of the old home slots into the doubled table (SharedVisited.growChunk), a chunk at a time. */
  private growPhase(): null {
    const vis = this.vis;
    const ctl = vis.ctl;
    const bounds = new Int32Array(vis.buffers.growBounds!);
    const oldHomes = bounds[bounds.length - 1];
    for (;;) {
      const j = Atomics.add(ctl, CURSOR, 1);
      if (j >= ctl[END]) return null;
      vis.growChunk(bounds[j], bounds[j + 1], oldHomes);
    }
  }

  /** Expands states of [CURSOR, END) until none is left or some thread halts. */
  private expandPhase(): Found | null {
    const { vis, x } = this;
    const ctl = vis.ctl;
    for (;;) {
      x.flush(); // the successors held back by the expander go in before the phase ends
      if (Atomics.load(ctl, HALT) !== 0) return null;
      const start = Atomics.add(ctl, CURSOR, CLAIM);
      const end = Math.min(start + CLAIM, ctl[END]);
      if (start >= end) return null;
      for (let i = start; i < end; i++) {
        if (vis.via[i] === HOLE) continue;
        const cur = x.stateBuffer();
        vis.load(i, cur, x.fp);
        const r = x.expand(i, cur, x.fp.hi, x.fp.lo);
        if (r === DEADLOCKED && x.ctx.findingsAsWarnings) {
          if (!this.warnSeen.has("deadlock")) {
            this.warnSeen.add("deadlock");
            this.warnings.push({ state: i, pid: -1, warning: x.deadlock(cur) });
          }
        } else if (r === VIOLATED || r === DEADLOCKED) {
          Atomics.store(ctl, HALT, 1);
          return { state: i, pid: r === VIOLATED ? x.violator : -1, violation: r === VIOLATED ? x.ctx.violation! : x.deadlock(cur) };
        }
      }
    }
  }
}
