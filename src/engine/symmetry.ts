// Symmetry reduction for interchangeable processes (the n identical I/O processes of a
// scenario). Processes whose lowered code is identical (same instructions, same constant
// addresses) and whose registers the final condition does not name are interchangeable:
// permuting their local blocks (pc + locals) maps runs to runs. Each state is stored in
// a canonical form, its blocks sorted within each group. Path lengths are preserved, so
// counterexamples stay shortest.
//
// Process ids in shared memory: a held lock's cell holds its owner's process number + 1, and
// RCU and every srcu_struct keep a cell per process (its read-side nesting, and the readers its
// grace period waits for, as a mask with a bit per process). Permuting processes that take
// locks or use RCU must rename all of these with them: the lock owners, the per-process cells
// (moved to their process's new number) and the mask bits. That is sound when nothing else can
// see a process number: every access to a lock cell is a lock operation or spin_is_locked's
// probe (compared with 0 only), and every address that could be a lock cell is known (the
// hidden RCU cells are only touched by the RCU operations). Such a group is sorted by block,
// then by the locks each member holds, then by its per-process cells, and everything renamed
// to match: a representative of the state's orbit (the search stays exact; two states of one
// orbit may still get two representatives when masks differ, which costs only reduction).
// Processes that take no lock and use no RCU are never named in shared memory, so they may be
// permuted whatever the other processes do.

import { Instr, ModelIR, callSite } from "../ir/ir.js";
import { Machine } from "./machine.js";
import type { SiteInfo } from "./trace.js";

const LOCK_OPS = new Set(["lock", "trylock", "unlock", "unlock_wait"]);
const RCU_OPS = new Set(["rcu_lock", "rcu_unlock", "gp_start", "gp_wait", "srcu_lock", "srcu_unlock", "srcu_gp_start", "srcu_gp_wait"]);

function codeKey(code: Instr[]): string {
  return JSON.stringify(code, (k, v) => (k === "src" ? undefined : v));
}

/** A process kept out of symmetry reduction although another process has the same code. */
export interface SymmetryExclusion {
  process: string;
  reason: string;
  site: SiteInfo | null;
}

/** Why processes that take locks cannot be permuted in this model, or null if they can. */
export function lockSymmetryObstacle(model: ModelIR): string | null {
  return lockObstacle(model)?.reason ?? null;
}

function lockObstacle(model: ModelIR): { reason: string; site: SiteInfo } | null {
  const locks = model.cells.some((c) => c.isLock);
  const rcu = model.rcuNesting >= 0 || model.srcuStructs.length > 0;
  if (!locks && !rcu) return null;
  for (const p of model.processes)
    for (const i of p.code) {
      if (i.op !== "load" && i.op !== "store" && i.op !== "rmw") continue;
      if (i.addr.k !== "const") return { reason: `${p.name} accesses an address not known before the search, which could hold a process number`, site: callSite(i.src) };
      if (model.cells[i.addr.v]?.isLock && !(i.op === "load" && i.lockProbe)) return { reason: `${p.name} reads or writes the lock ${model.cells[i.addr.v].name} as a value`, site: callSite(i.src) };
    }
  return null;
}

/** Groups (of size >= 2) of interchangeable processes, and the processes kept out, with why. */
export function symmetryAnalysis(model: ModelIR): { groups: number[][]; excluded: SymmetryExclusion[] } {
  const observed = new Set(model.observed.filter((o) => o.kind === "reg").map((o) => o.proc));
  const obstacle = lockObstacle(model);
  const byKey = new Map<string, number[]>();
  const keyOf: string[] = [];
  const why = new Map<number, { reason: string; site: SiteInfo | null }>();
  model.processes.forEach((p, pid) => {
    const key = codeKey(p.code) + "|" + p.locals.length + "|" + JSON.stringify([...p.initLocals].sort());
    keyOf[pid] = key;
    const named = obstacle ? p.code.find((i) => LOCK_OPS.has(i.op) || RCU_OPS.has(i.op)) : undefined;
    if (observed.has(pid)) why.set(pid, { reason: "the final condition names its registers", site: null });
    else if (named && obstacle) why.set(pid, { reason: `it takes a lock or uses RCU, and ${obstacle.reason}`, site: obstacle.site });
    else byKey.set(key, [...(byKey.get(key) ?? []), pid]);
  });
  const groups = [...byKey.values()].filter((g) => g.length >= 2);
  const excluded: SymmetryExclusion[] = [];
  for (const [pid, w] of why) {
    const peers = keyOf.filter((k, q) => q !== pid && k === keyOf[pid]).length;
    if (peers > 0) excluded.push({ process: model.processes[pid].name, ...w });
  }
  return { groups, excluded };
}

/** Groups (of size >= 2) of interchangeable processes, or [] when symmetry does not apply. */
export function symmetryGroups(model: ModelIR): number[][] {
  return symmetryAnalysis(model).groups;
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
    const model = m.model;
    const n = model.processes.length;
    this.lockCells = Int32Array.from(model.cells.flatMap((c, a) => (c.isLock ? [a] : [])));
    const masks = [...(model.rcuWait >= 0 ? [model.rcuWait] : []), ...model.srcuStructs.map((b) => b + n)];
    this.perProcess = Int32Array.from([...(model.rcuNesting >= 0 ? [model.rcuNesting] : []), ...model.srcuStructs, ...masks]);
    this.maskCells = Int32Array.from(masks.flatMap((b) => Array.from({ length: n }, (_, q) => b + q)));
    this.renames = groups.map((g) => g.some((pid) => model.processes[pid].code.some((i) => LOCK_OPS.has(i.op) || RCU_OPS.has(i.op))));
    const most = Math.max(1, ...groups.map((g) => g.length));
    this.order = new Int32Array(most);
    this.newPos = new Int32Array(most);
    this.vals = new Int32Array(most);
    this.blocks = new Int32Array(most * Math.max(1, ...this.blockWidth));
  }

  /** Addresses of the lock cells; per group, whether its members take locks or use RCU (renamed). */
  private readonly lockCells: Int32Array;
  /** Bases of the arrays with a cell per process (base + pid): RCU/SRCU nesting, then the wait masks. */
  private readonly perProcess: Int32Array;
  /** Every wait-mask cell (a bit per process). */
  private readonly maskCells: Int32Array;
  private readonly renames: boolean[];
  private readonly order: Int32Array;
  private readonly newPos: Int32Array;
  private readonly vals: Int32Array;
  private readonly blocks: Int32Array;

  /** Orders p and q by the locks each holds (cell indices, ascending), then by their per-process RCU/SRCU cells. */
  private cmpHeld(s: Int32Array, p: number, q: number): number {
    const lc = this.lockCells;
    for (let i = 0; i < lc.length; i++) {
      const a = s[lc[i]] === p + 1;
      const b = s[lc[i]] === q + 1;
      if (a !== b) return a ? -1 : 1;
    }
    const pp = this.perProcess;
    for (let i = 0; i < pp.length; i++) {
      const d = s[pp[i] + p] - s[pp[i] + q];
      if (d !== 0) return d;
    }
    return 0;
  }

  /**
   * Sorts the members of group gi by (block, locks held, per-process cells) and applies that
   * permutation to everything that names them: blocks, lock owners, per-process cells, mask
   * bits. perm as in canon(). Returns whether anything changed.
   */
  private renameGroup(s: Int32Array, gi: number, perm?: Int32Array): boolean {
    const g = this.groups[gi];
    const bases = this.bases[gi];
    const w = this.blockWidth[g[0]];
    const n = g.length;
    const order = this.order;
    for (let i = 0; i < n; i++) order[i] = i;
    // Insertion sort of positions (groups are small).
    for (let i = 1; i < n; i++) {
      const x = order[i];
      let j = i - 1;
      while (j >= 0 && (this.cmp(s, bases[order[j]], bases[x], w) || this.cmpHeld(s, g[order[j]], g[x])) > 0) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = x;
    }
    let identity = true;
    for (let i = 0; i < n; i++) if (order[i] !== i) identity = false;
    if (identity) return false;
    const blocks = this.blocks;
    for (let i = 0; i < n; i++) blocks.set(s.subarray(bases[i], bases[i] + w), i * w);
    for (let k = 0; k < n; k++) {
      s.set(blocks.subarray(order[k] * w, order[k] * w + w), bases[k]);
      this.newPos[order[k]] = k;
    }
    const lc = this.lockCells;
    for (let i = 0; i < lc.length; i++) {
      const owner = s[lc[i]] - 1;
      if (owner < 0 || this.groupOf[owner] !== gi) continue;
      s[lc[i]] = g[this.newPos[this.posOf[owner]]] + 1;
    }
    const pp = this.perProcess;
    const vals = this.vals;
    for (let a = 0; a < pp.length; a++) {
      for (let i = 0; i < n; i++) vals[i] = s[pp[a] + g[i]];
      for (let i = 0; i < n; i++) s[pp[a] + g[this.newPos[i]]] = vals[i];
    }
    const mc = this.maskCells;
    for (let i = 0; i < mc.length; i++) {
      const old = s[mc[i]];
      let mask = old;
      for (let k = 0; k < n; k++) mask &= ~(1 << g[k]);
      for (let k = 0; k < n; k++) if (old & (1 << g[k])) mask |= 1 << g[this.newPos[k]];
      s[mc[i]] = mask;
    }
    if (perm) {
      const before = g.map((pid) => perm[pid]);
      for (let k = 0; k < n; k++) perm[g[k]] = before[order[k]];
    }
    return true;
  }

  /**
   * Canonical form of s after a step of pid from a canonical state: only pid's block can be
   * out of order, so it is moved to its sorted place (one pass of insertion sort, the same
   * result as canon()). Returns whether it moved; then [from, to) holds every word that
   * changed place among the blocks (renamed shared cells are found by the fingerprint's
   * comparison of all cells). A group that renames is sorted afresh.
   */
  canonStep(s: Int32Array, pid: number): boolean {
    const gi = this.groupOf[pid];
    if (gi < 0) return false;
    if (this.renames[gi]) {
      // A lock step changes the lock cells too: sort the group afresh.
      if (!this.renameGroup(s, gi)) return false;
      const bases = this.bases[gi];
      this.from = bases[0];
      this.to = bases[bases.length - 1] + this.blockWidth[pid];
      return true;
    }
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
    for (let gi = 0; gi < this.groups.length; gi++) {
      const g = this.groups[gi];
      if (this.renames[gi]) {
        this.renameGroup(s, gi, perm);
        continue;
      }
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
