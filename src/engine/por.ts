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

// Speed: processes with identical footprints (the identical I/O processes of a scenario)
// form a class, and a (class, pc) pair is a node. Whether two nodes conflict is
// precomputed into a bit matrix when there are few enough nodes; and in choose(), a seed
// whose node was already tried as a seed gives the same closure size (the two processes are
// interchangeable in the conflict relation), so it is skipped.

const MAX_MATRIX_NODES = 2048; // 4 M entries at most

export class PartialOrder {
  private readonly fp: Footprints[];
  private readonly words: number;
  private readonly inT: Uint8Array;
  private readonly stack: Int32Array;
  private readonly nodeBase: Int32Array; // pid -> node of (its class, pc 0)
  private readonly nodes: number;
  private readonly matrix: Uint8Array | null; // [node * nodes + node]: 1 = conflict
  private readonly tried: Uint8Array; // per node: already a seed in this choose()

  constructor(model: ModelIR) {
    this.fp = model.processes.map((p, pid) => computeFootprints(p, pid, model));
    this.words = this.fp[0]?.words ?? 1;
    const n = model.processes.length;
    this.inT = new Uint8Array(n);
    this.stack = new Int32Array(n);
    // Classes: processes whose footprint tables are equal.
    const key = (f: Footprints) => [f.stepR, f.stepW, f.futR, f.futW].map((a) => a.join(",")).join("|");
    const classOf = new Map<string, number>();
    const rep: number[] = []; // a process of each node range
    this.nodeBase = new Int32Array(n);
    let nodes = 0;
    const baseOfClass: number[] = [];
    this.fp.forEach((f, pid) => {
      const k = key(f);
      let c = classOf.get(k);
      if (c === undefined) {
        c = baseOfClass.length;
        classOf.set(k, c);
        baseOfClass.push(nodes);
        rep.push(pid);
        nodes += model.processes[pid].code.length;
      }
      this.nodeBase[pid] = baseOfClass[c];
    });
    this.nodes = nodes;
    this.tried = new Uint8Array(nodes);
    this.matrix = null;
    if (nodes <= MAX_MATRIX_NODES) {
      const mat = new Uint8Array(nodes * nodes);
      for (const p of rep)
        for (const q of rep)
          for (let pcP = 0; pcP < model.processes[p].code.length; pcP++)
            for (let pcQ = 0; pcQ < model.processes[q].code.length; pcQ++)
              mat[(this.nodeBase[p] + pcP) * nodes + this.nodeBase[q] + pcQ] = this.conflictsBySets(p, pcP, q, pcQ) ? 1 : 0;
      this.matrix = mat;
    }
  }

  /** Does the current step of p (at pcP) conflict with anything q may do from pcQ on? */
  private conflicts(p: number, pcP: number, q: number, pcQ: number): boolean {
    if (this.matrix) return this.matrix[(this.nodeBase[p] + pcP) * this.nodes + this.nodeBase[q] + pcQ] !== 0;
    return this.conflictsBySets(p, pcP, q, pcQ);
  }

  private conflictsBySets(p: number, pcP: number, q: number, pcQ: number): boolean {
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
    const tried = this.tried;
    for (let seed = 0; seed < n; seed++) if (enabled[seed]) tried[this.nodeBase[seed] + pcs[seed]] = 0;
    for (let seed = 0; seed < n && best > 1; seed++) {
      if (!enabled[seed]) continue;
      const node = this.nodeBase[seed] + pcs[seed];
      if (tried[node]) continue; // an interchangeable process at the same pc was a seed already
      tried[node] = 1;
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
