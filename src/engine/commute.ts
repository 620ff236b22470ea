// Steps that commute, from the static footprints (src/ir/footprint.ts): the unreduced search
// uses them to skip the visited-set probe of a successor that it reaches by another path
// (sleep sets: Expander.expand, "diamonds").
//
// A node is a process at a pc where a step starts. Two steps of different processes commute
// when neither writes a cell the other reads or writes: each is then enabled after the other
// if it was before, and both orders end in the same state. Footprints over-approximate (an
// address they cannot resolve is every cell), so "commute" is never claimed wrongly.

import { ModelIR, yields } from "../ir/ir.js";
import { computeFootprints } from "../ir/footprint.js";

const MAX_NODES = 2048; // a byte per pair of nodes: 4 MiB at most

export class Commuting {
  /** Process pid at pc is node nodeBase[pid] + pc. */
  readonly nodeBase: Int32Array;
  readonly nodes: number;
  /** [a * nodes + b] = 1 when the steps of nodes a and b commute. */
  readonly table: Uint8Array;

  private constructor(model: ModelIR) {
    const procs = model.processes;
    this.nodeBase = new Int32Array(procs.length);
    let nodes = 0;
    procs.forEach((p, pid) => {
      this.nodeBase[pid] = nodes;
      nodes += p.code.length;
    });
    this.nodes = nodes;
    const fps = procs.map((p, pid) => computeFootprints(p, pid, model));
    const words = fps[0]?.words ?? 1;
    const table = (this.table = new Uint8Array(nodes * nodes));
    const starts = procs.map((p) => p.code.flatMap((ins, pc) => (yields(ins) ? [pc] : [])));
    for (let p = 0; p < procs.length; p++)
      for (let q = p + 1; q < procs.length; q++) {
        const a = fps[p];
        const b = fps[q];
        for (const pcP of starts[p])
          for (const pcQ of starts[q]) {
            let clash = false;
            for (let k = 0; k < words && !clash; k++) {
              const ra = a.stepR[pcP * words + k];
              const wa = a.stepW[pcP * words + k];
              const rb = b.stepR[pcQ * words + k];
              const wb = b.stepW[pcQ * words + k];
              clash = (wa & (rb | wb)) !== 0 || (ra & wb) !== 0;
            }
            if (clash) continue;
            const x = this.nodeBase[p] + pcP;
            const y = this.nodeBase[q] + pcQ;
            table[x * nodes + y] = 1;
            table[y * nodes + x] = 1;
          }
      }
  }

  /**
   * The sleep set of parent·p (a bit per process), from parent's vector and sleep set: the
   * processes r other than p whose step at their pc in parent commutes with p's step there,
   * where r < p or r was asleep in parent already. Ended processes have no step (the "end"
   * instruction starts none, so its node commutes with nothing).
   */
  sleepAfter(parent: Int32Array, baseOf: Int32Array, p: number, asleep: number): number {
    const { table, nodeBase } = this;
    const row = (nodeBase[p] + parent[baseOf[p]]) * this.nodes;
    let sleep = 0;
    // The candidates, highest first: the processes below p and those asleep already.
    for (let left = (((1 << p) - 1) | asleep) & ~(1 << p); left !== 0; ) {
      const r = 31 - Math.clz32(left);
      left ^= 1 << r;
      if (table[row + nodeBase[r] + parent[baseOf[r]]] === 1) sleep |= 1 << r;
    }
    return sleep;
  }

  /** The table for this model, or null if it has too many nodes, or too many processes for a sleep set in one word. */
  static for(model: ModelIR): Commuting | null {
    const nodes = model.processes.reduce((sum, p) => sum + p.code.length, 0);
    const n = model.processes.length;
    return n > 1 && n <= 31 && nodes <= MAX_NODES ? new Commuting(model) : null;
  }
}
