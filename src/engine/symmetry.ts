// Symmetry reduction for interchangeable processes (the n identical I/O processes of a
// scenario). Processes whose lowered code is identical (same instructions, same constant
// addresses) and whose registers the final condition does not name are interchangeable:
// permuting their local blocks (pc + locals) maps runs to runs. Each state is stored in
// a canonical form, its blocks sorted within each group (a full canonicalisation, so
// the quotient is exact: no state is explored twice and none is lost).
//
// Not applied when a model uses locks, RCU or SRCU: lock cells hold their owner's process
// number and RCU and SRCU keep per-process cells (and wait masks with a bit per process),
// so a permutation would also have to rewrite shared memory. Path lengths are preserved,
// so counterexamples stay shortest.

import { Instr, ModelIR } from "../ir/ir.js";
import { Machine } from "./machine.js";

const PER_PROCESS_OPS = new Set(["lock", "trylock", "unlock", "unlock_wait", "rcu_lock", "rcu_unlock", "gp_start", "gp_wait", "srcu_lock", "srcu_unlock", "srcu_gp_start", "srcu_gp_wait"]);

function codeKey(code: Instr[]): string {
  return JSON.stringify(code, (k, v) => (k === "src" ? undefined : v));
}

/** Groups (of size >= 2) of interchangeable processes, or [] when symmetry does not apply. */
export function symmetryGroups(model: ModelIR): number[][] {
  if (model.processes.some((p) => p.code.some((i) => PER_PROCESS_OPS.has(i.op)))) return [];
  const observed = new Set(model.observed.filter((o) => o.kind === "reg").map((o) => o.proc));
  const byKey = new Map<string, number[]>();
  model.processes.forEach((p, pid) => {
    if (observed.has(pid)) return;
    const key = codeKey(p.code) + "|" + p.locals.length + "|" + JSON.stringify([...p.initLocals].sort());
    byKey.set(key, [...(byKey.get(key) ?? []), pid]);
  });
  return [...byKey.values()].filter((g) => g.length >= 2);
}

export class Canonicaliser {
  private readonly tmp: Int32Array;
  private readonly blockWidth: number[];
  private readonly groupOf: Int32Array; // pid -> index of its group, -1 if none
  private readonly posOf: Int32Array; // pid -> its position in its group
  private readonly bases: Int32Array[]; // per group: the block bases in group order
  /** After canonStep moved blocks: the words [from, to) that changed place. */
  from = 0;
  to = 0;

  constructor(
    private readonly m: Machine,
    readonly groups: number[][],
  ) {
    this.blockWidth = m.procs.map((p, pid) => 1 + m.model.processes[pid].locals.length);
    this.tmp = new Int32Array(Math.max(1, ...this.blockWidth));
    this.groupOf = new Int32Array(m.procs.length).fill(-1);
    this.posOf = new Int32Array(m.procs.length);
    groups.forEach((g, gi) => g.forEach((pid, pos) => ((this.groupOf[pid] = gi), (this.posOf[pid] = pos))));
    this.bases = groups.map((g) => Int32Array.from(g, (pid) => m.procs[pid].base));
  }

  /**
   * Canonical form of s after a step of pid from a canonical state: only pid's block can be
   * out of order, so it is moved to its sorted place (one pass of insertion sort, the same
   * result as canon()). Returns whether it moved; then [from, to) holds every word that
   * changed place.
   */
  canonStep(s: Int32Array, pid: number): boolean {
    const gi = this.groupOf[pid];
    if (gi < 0) return false;
    const bases = this.bases[gi];
    const w = this.blockWidth[pid];
    const p = this.posOf[pid];
    const b = bases[p];
    const tmp = this.tmp;
    if (p > 0 && this.cmp(s, bases[p - 1], b, w) > 0) {
      for (let k = 0; k < w; k++) tmp[k] = s[b + k];
      let j = p - 1;
      do {
        for (let k = 0, to = bases[j + 1], from = bases[j]; k < w; k++) s[to + k] = s[from + k];
        j--;
      } while (j >= 0 && this.cmpTmp(s, bases[j], w) > 0);
      for (let k = 0; k < w; k++) s[bases[j + 1] + k] = tmp[k];
      this.from = bases[j + 1];
      this.to = b + w;
      return true;
    }
    if (p + 1 < bases.length && this.cmp(s, b, bases[p + 1], w) > 0) {
      for (let k = 0; k < w; k++) tmp[k] = s[b + k];
      let j = p + 1;
      do {
        for (let k = 0, to = bases[j - 1], from = bases[j]; k < w; k++) s[to + k] = s[from + k];
        j++;
      } while (j < bases.length && this.cmpTmp(s, bases[j], w) < 0);
      for (let k = 0; k < w; k++) s[bases[j - 1] + k] = tmp[k];
      this.from = b;
      this.to = bases[j - 1] + w;
      return true;
    }
    return false;
  }

  private cmp(s: Int32Array, a: number, b: number, w: number): number {
    for (let k = 0; k < w; k++) {
      const d = s[a + k] - s[b + k];
      if (d !== 0) return d;
    }
    return 0;
  }

  /**
   * Sorts the blocks of each group in place. If perm is given, perm[pos] = the process
   * (before sorting) whose block ended up at group position pos; identity elsewhere.
   */
  canon(s: Int32Array, perm?: Int32Array): void {
    if (perm) for (let i = 0; i < perm.length; i++) perm[i] = i;
    const procs = this.m.procs;
    for (const g of this.groups) {
      const w = this.blockWidth[g[0]];
      // Insertion sort of the blocks at the bases of g (groups are small).
      for (let i = 1; i < g.length; i++) {
        const bi = procs[g[i]].base;
        let j = i - 1;
        if (this.cmp(s, procs[g[j]].base, bi, w) <= 0) continue;
        this.tmp.set(s.subarray(bi, bi + w));
        const moving = perm ? perm[g[i]] : 0;
        while (j >= 0 && this.cmpTmp(s, procs[g[j]].base, w) > 0) {
          const from = procs[g[j]].base;
          s.copyWithin(procs[g[j + 1]].base, from, from + w);
          if (perm) perm[g[j + 1]] = perm[g[j]];
          j--;
        }
        s.set(this.tmp.subarray(0, w), procs[g[j + 1]].base);
        if (perm) perm[g[j + 1]] = moving;
      }
    }
  }

  private cmpTmp(s: Int32Array, a: number, w: number): number {
    for (let k = 0; k < w; k++) {
      const d = s[a + k] - this.tmp[k];
      if (d !== 0) return d;
    }
    return 0;
  }
}
