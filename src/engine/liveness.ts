// Liveness: non-progress cycles and "eventually" goals under fairness.
//
// The whole state graph is recorded (exact states, no reductions: partial-order and
// symmetry reduction are switched off for liveness and the report says so — TLC's
// symmetry-with-liveness unsoundness is the cautionary tale). Then, for each goal:
//  - PROGRESS() / `progress...:` labels: an infinite run that passes no progress point;
//  - GOAL() in process p: an infinite run in which p never passes its goal again,
// we look for a fair cycle in the graph without the goal's edges. Cycles live inside
// strongly connected components (Tarjan, iterative). A component C admits a fair cycle
// through all of it when:
//  - no fairness: C is non-trivial;
//  - weak fairness (a process that stays enabled is eventually scheduled): every process
//    either moves inside C or is disabled in some state of C;
//  - strong fairness (a process enabled infinitely often moves infinitely often): every
//    process enabled somewhere in C moves inside C; otherwise the states where such a
//    process is enabled are removed and the rest is searched again (Emerson–Lei).
// The counterexample is a lasso: the shortest (BFS) prefix to the component, then a cycle
// inside it that takes a step of every process the fairness condition requires.

import { doubled } from "./store.js";

export type Fairness = "weak" | "strong" | "none";

export class Graph {
  n = 0;
  enabled: Int32Array = new Int32Array(1024);
  finished: Int32Array = new Int32Array(1024);
  private from: Int32Array = new Int32Array(4096);
  private to: Int32Array = new Int32Array(4096);
  private pid: Int16Array = new Int16Array(4096);
  private marks: Uint8Array = new Uint8Array(4096);
  m = 0;
  // CSR adjacency, built once exploration is over.
  start!: Int32Array;
  edges!: Int32Array; // edge ids sorted by source

  state(i: number, enabled: number, finished: number): void {
    while (i >= this.enabled.length) {
      this.enabled = doubled(this.enabled);
      this.finished = doubled(this.finished);
    }
    this.enabled[i] = enabled;
    this.finished[i] = finished;
    if (i + 1 > this.n) this.n = i + 1;
  }

  edge(from: number, to: number, pid: number, marks: number): void {
    if (this.m === this.from.length) {
      this.from = doubled(this.from);
      this.to = doubled(this.to);
      this.pid = doubled(this.pid);
      this.marks = doubled(this.marks);
    }
    this.from[this.m] = from;
    this.to[this.m] = to;
    this.pid[this.m] = pid;
    this.marks[this.m] = marks;
    this.m++;
    if (to + 1 > this.n) this.n = to + 1;
  }

  finish(): void {
    const n = this.n;
    this.start = new Int32Array(n + 1);
    for (let e = 0; e < this.m; e++) this.start[this.from[e] + 1]++;
    for (let i = 0; i < n; i++) this.start[i + 1] += this.start[i];
    const fill = this.start.slice(0, n);
    this.edges = new Int32Array(this.m);
    for (let e = 0; e < this.m; e++) this.edges[fill[this.from[e]]++] = e;
  }

  target(e: number): number {
    return this.to[e];
  }
  proc(e: number): number {
    return this.pid[e];
  }
  mark(e: number): number {
    return this.marks[e];
  }
}

export interface Goal {
  kind: "livelock" | "starvation";
  /** Edges that count as reaching the goal. */
  reaches: (g: Graph, e: number) => boolean;
  /** States that satisfy the goal for good (the process has ended: it is not starved). */
  settled?: (g: Graph, s: number) => boolean;
  message: string;
}

export interface Lasso {
  goal: Goal;
  prefixEnd: number; // state where the cycle starts
  cycle: number[]; // edge ids of the cycle, starting and ending at prefixEnd
}

/** Strongly connected components of the subgraph (nodes with alive[i], edges with edgeOk). */
function sccs(g: Graph, alive: Uint8Array, edgeOk: (e: number) => boolean): number[][] {
  const n = g.n;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  const callNode: number[] = [];
  const callEdge: number[] = [];
  for (let root = 0; root < n; root++) {
    if (!alive[root] || index[root] >= 0) continue;
    callNode.push(root);
    callEdge.push(g.start[root]);
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (callNode.length) {
      const v = callNode[callNode.length - 1];
      const k = callEdge[callEdge.length - 1];
      if (k < g.start[v + 1]) {
        callEdge[callEdge.length - 1] = k + 1;
        const e = g.edges[k];
        if (!edgeOk(e)) continue;
        const w = g.target(e);
        if (!alive[w]) continue;
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          callNode.push(w);
          callEdge.push(g.start[w]);
        } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      callNode.pop();
      callEdge.pop();
      if (callNode.length) {
        const u = callNode[callNode.length - 1];
        low[u] = Math.min(low[u], low[v]);
      }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        out.push(comp);
      }
    }
  }
  return out;
}

/** A fair component (set of states) and the processes that must move in its cycle, or null. */
function fairComponent(g: Graph, nProcs: number, edgeOk: (e: number) => boolean, fairness: Fairness, alive: Uint8Array): { states: number[]; mustMove: number[] } | null {
  for (const comp of sccs(g, alive, edgeOk)) {
    const inC = new Uint8Array(g.n);
    for (const s of comp) inC[s] = 1;
    let moves = 0;
    let internalEdges = 0;
    for (const s of comp) {
      for (let k = g.start[s]; k < g.start[s + 1]; k++) {
        const e = g.edges[k];
        if (edgeOk(e) && inC[g.target(e)]) {
          moves |= 1 << g.proc(e);
          internalEdges++;
        }
      }
    }
    if (internalEdges === 0) continue; // a single state without a self-loop: no cycle
    if (fairness === "none") return { states: comp, mustMove: [] };
    let enabledSomewhere = 0;
    let enabledEverywhere = ~0;
    for (const s of comp) {
      enabledSomewhere |= g.enabled[s];
      enabledEverywhere &= g.enabled[s];
    }
    if (fairness === "weak") {
      // A process enabled in every state of C must move inside C.
      if ((enabledEverywhere & ~moves) === 0) return { states: comp, mustMove: procs(enabledEverywhere, nProcs) };
      continue;
    }
    // Strong fairness.
    const unfair = enabledSomewhere & ~moves;
    if (unfair === 0) return { states: comp, mustMove: procs(enabledSomewhere, nProcs) };
    // Drop the states where a process that cannot move here is enabled, search inside the rest.
    const sub = new Uint8Array(g.n);
    let any = false;
    for (const s of comp) {
      if ((g.enabled[s] & unfair) === 0) {
        sub[s] = 1;
        any = true;
      }
    }
    if (!any) continue;
    const found = fairComponent(g, nProcs, edgeOk, fairness, sub);
    if (found) return found;
  }
  return null;
}

function procs(mask: number, n: number): number[] {
  const out: number[] = [];
  for (let q = 0; q < n; q++) if (mask & (1 << q)) out.push(q);
  return out;
}

/** Shortest path of at least one edge from a to b inside the component (edge ids). */
function pathWithin(g: Graph, inC: Uint8Array, edgeOk: (e: number) => boolean, a: number, b: number): number[] | null {
  const prevEdge = new Map<number, number>();
  const prevNode = new Map<number, number>();
  const queue = [a];
  for (let qi = 0; qi < queue.length; qi++) {
    const v = queue[qi];
    for (let k = g.start[v]; k < g.start[v + 1]; k++) {
      const e = g.edges[k];
      const t = g.target(e);
      if (!edgeOk(e) || !inC[t] || prevEdge.has(t)) continue;
      prevEdge.set(t, e);
      prevNode.set(t, v);
      if (t === b) {
        const path: number[] = [];
        let x = b;
        do {
          path.push(prevEdge.get(x)!);
          x = prevNode.get(x)!;
        } while (x !== a);
        return path.reverse();
      }
      queue.push(t);
    }
  }
  return null;
}

/**
 * Shortest path inside the component from a that ends with an edge satisfying `edgeGoal`,
 * or at a state satisfying `stateGoal` (edge ids; [] if a itself satisfies stateGoal).
 */
function pathInC(g: Graph, inC: Uint8Array, edgeOk: (e: number) => boolean, a: number, edgeGoal: (e: number) => boolean, stateGoal: (s: number) => boolean): number[] | null {
  if (stateGoal(a)) return [];
  const prevEdge = new Map<number, number>();
  const prevNode = new Map<number, number>([[a, -1]]);
  const queue = [a];
  const back = (v: number, last: number[]) => {
    const path = last;
    for (let x = v; x !== a; x = prevNode.get(x)!) path.push(prevEdge.get(x)!);
    return path.reverse();
  };
  for (let qi = 0; qi < queue.length; qi++) {
    const v = queue[qi];
    for (let k = g.start[v]; k < g.start[v + 1]; k++) {
      const e = g.edges[k];
      const t = g.target(e);
      if (!edgeOk(e) || !inC[t]) continue;
      if (edgeGoal(e)) return back(v, [e]);
      if (prevNode.has(t)) continue;
      prevEdge.set(t, e);
      prevNode.set(t, v);
      if (stateGoal(t)) return back(t, []);
      queue.push(t);
    }
  }
  return null;
}

/**
 * Searches a fair cycle avoiding the goal. `depth` gives each state's BFS depth (for the
 * shortest prefix); returns the lasso or null.
 */
export function findLasso(g: Graph, nProcs: number, goal: Goal, fairness: Fairness, depth: (s: number) => number): Lasso | null {
  const edgeOk = (e: number) => !goal.reaches(g, e);
  const alive = new Uint8Array(g.n).fill(1);
  if (goal.settled) for (let s = 0; s < g.n; s++) if (goal.settled(g, s)) alive[s] = 0;
  const comp = fairComponent(g, nProcs, edgeOk, fairness, alive);
  if (!comp) return null;
  const inC = new Uint8Array(g.n);
  for (const s of comp.states) inC[s] = 1;
  let entry = comp.states[0];
  for (const s of comp.states) if (depth(s) < depth(entry)) entry = s;
  // The cycle, built from the entry: for each process the fairness condition concerns, either
  // a step of it (strong: required; weak: or a visit to a state where it is disabled), each
  // reached by a shortest path inside C; then back to the entry. Extra states and steps never
  // make a weakly fair cycle unfair, and under strong fairness every process enabled anywhere
  // in C is made to move.
  const cycle: number[] = [];
  const visited = new Set<number>([entry]);
  let at = entry;
  const moves = (q: number) => cycle.some((e) => g.proc(e) === q);
  const seenDisabled = (q: number) => [...visited].some((x) => (g.enabled[x] & (1 << q)) === 0);
  const concerned = fairness === "none" ? [] : fairness === "strong" ? comp.mustMove : Array.from({ length: nProcs }, (_, q) => q);
  for (const q of concerned) {
    if (moves(q) || (fairness === "weak" && seenDisabled(q))) continue;
    const path = pathInC(g, inC, edgeOk, at, (e) => g.proc(e) === q, fairness === "weak" ? (x) => (g.enabled[x] & (1 << q)) === 0 : () => false);
    if (!path) return null;
    for (const e of path) visited.add(g.target(e));
    cycle.push(...path);
    if (path.length) at = g.target(path[path.length - 1]);
  }
  if (at !== entry || cycle.length === 0) {
    const back = pathWithin(g, inC, edgeOk, at, entry);
    if (!back) return null;
    cycle.push(...back);
  }
  return { goal, prefixEnd: entry, cycle };
}
