// Partial-order reduction with persistent sets (Godefroid 1996), computed per state from
// static footprints (src/ir/footprint.ts).
//
// In state s, a set T of enabled processes is persistent when no process outside T can,
// now or in any future step, touch a cell that the current step of a process in T writes
// (or write a cell it reads). Then every interleaving from s is equivalent to one that
// starts with a step of T, so only T's steps need to be explored:
//  - every terminal state (final state or deadlock) stays reachable: the final-state
//    histogram and deadlock detection are exact;
//  - a failing check (assert, BUG, WARN, io-on-secure, ...) of a process outside T stays
//    reachable, because its step commutes with T's steps and fails the same way;
//  - the "ignoring" problem (a process postponed for ever around a cycle) is excluded by
//    the BFS cycle proviso: if a successor through T was already visited, the state is
//    expanded fully. Every cycle of the reduced graph is closed by such a step, so every
//    cycle contains a fully expanded state (Bosnacki and Holzmann, SPIN 2005).
// A reduced search can find a longer path to a violation than the shortest one, so the
// checker re-runs the unreduced search to report a shortest counterexample.

import { ModelIR } from "../ir/ir.js";
import { Footprints, computeFootprints } from "../ir/footprint.js";

export class PartialOrder {
  private readonly fp: Footprints[];
  private readonly words: number;
  private readonly inT: Uint8Array;
  private readonly stack: Int32Array;

  constructor(model: ModelIR) {
    this.fp = model.processes.map((p, pid) => computeFootprints(p, pid, model));
    this.words = this.fp[0]?.words ?? 1;
    this.inT = new Uint8Array(model.processes.length);
    this.stack = new Int32Array(model.processes.length);
  }

  /** Does the current step of p (at pcP) conflict with anything q may do from pcQ on? */
  private conflicts(p: number, pcP: number, q: number, pcQ: number): boolean {
    const a = this.fp[p];
    const b = this.fp[q];
    const w = this.words;
    const ia = pcP * w;
    const ib = pcQ * w;
    for (let k = 0; k < w; k++) {
      const wa = a.stepW[ia + k];
      const ra = a.stepR[ia + k];
      if ((wa & (b.futR[ib + k] | b.futW[ib + k])) !== 0 || (ra & b.futW[ib + k]) !== 0) return true;
    }
    return false;
  }

  /**
   * Chooses a persistent set among the enabled processes. `pcs[q]` is q's pc, `enabled[q]`
   * 1 if its step is enabled, `live[q]` 1 if it has not finished. Writes the chosen set into
   * `out` (1 = explore) and returns its size; returns the number of enabled processes when
   * no smaller persistent set exists.
   */
  choose(pcs: Int32Array, enabled: Uint8Array, live: Uint8Array, out: Uint8Array): number {
    const n = pcs.length;
    let nEnabled = 0;
    for (let q = 0; q < n; q++) nEnabled += enabled[q];
    let best = nEnabled;
    let bestSeed = -1;
    for (let seed = 0; seed < n && best > 1; seed++) {
      if (!enabled[seed]) continue;
      const size = this.closure(seed, pcs, enabled, live, best);
      if (size > 0 && size < best) {
        best = size;
        bestSeed = seed;
      }
    }
    if (bestSeed < 0) {
      out.set(enabled);
      return nEnabled;
    }
    this.closure(bestSeed, pcs, enabled, live, n + 1);
    out.set(this.inT);
    return best;
  }

  /** Size of the smallest persistent set containing seed (0 if none below `limit`). */
  private closure(seed: number, pcs: Int32Array, enabled: Uint8Array, live: Uint8Array, limit: number): number {
    const n = pcs.length;
    const inT = this.inT;
    inT.fill(0);
    inT[seed] = 1;
    let size = 1;
    let top = 0;
    this.stack[top++] = seed;
    while (top > 0) {
      const x = this.stack[--top];
      for (let q = 0; q < n; q++) {
        if (inT[q] || !live[q]) continue;
        if (!this.conflicts(x, pcs[x], q, pcs[q])) continue;
        if (!enabled[q]) return 0; // a blocked process could later conflict: give up on this seed
        inT[q] = 1;
        if (++size >= limit) return 0;
        this.stack[top++] = q;
      }
    }
    return size;
  }
}
