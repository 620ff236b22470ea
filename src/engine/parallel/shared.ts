// The memory the threads of a parallel search share: a control block, the visited set
// (64-bit fingerprints in one open-addressing table), the BFS queue and the parent links
// that rebuild a counterexample. All of it lives in SharedArrayBuffers; a thread wraps the
// buffers in a SharedVisited of its own.
//
// Threads only insert during a phase; everything that moves or grows the arrays (table
// rehash, queue compaction) is done by the coordinator between phases, while the other
// threads wait. Inserting is lock-free: a slot is claimed by a compare-and-swap on its high
// word, then its low word is written; a reader that finds a claimed slot whose low word is
// still 0 waits for it (a fingerprint's halves are made non-zero for that).

import { Fingerprinter, pathFromParents } from "../store.js";

/** Slots of the control block (an Int32Array). The two counters every thread bumps sit on
 * cache lines of their own, away from the words the threads only read. */
export const GEN = 0; // phase number: bumped by the coordinator to start a phase
export const END = 1; // end of this phase's range of states
export const STOP = 2; // 1: the helpers post their results and exit
export const HALT = 3; // 1: a thread found a violation: stop claiming states
export const QBASE = 4; // index of the state stored first in the queue
export const DONE = 5; // helpers that finished the phase
export const READY = 6; // helpers started and waiting for their first phase
export const CURSOR = 16; // next queue index to claim in this phase
export const COUNT = 32; // states inserted so far (= next state index)
export const CONTROL_WORDS = 48;

export const CLAIM = 64; // states claimed at a time

export interface SharedBuffers {
  control: SharedArrayBuffer;
  table: SharedArrayBuffer; // Int32 pairs (hi, lo); hi = 0: empty
  queue: SharedArrayBuffer; // states [QBASE, COUNT), each followed by its fingerprint
  parent: SharedArrayBuffer; // Int32 per state
  via: SharedArrayBuffer; // Int16 per state: the process that stepped into it
}

export function allocate(width: number, slots: number, queueStates: number, states: number): SharedBuffers {
  return {
    control: new SharedArrayBuffer(CONTROL_WORDS * 4),
    table: new SharedArrayBuffer(slots * 8),
    queue: new SharedArrayBuffer(queueStates * (width + 2) * 4),
    parent: new SharedArrayBuffer(states * 4),
    via: new SharedArrayBuffer(states * 2),
  };
}

export class SharedVisited {
  ctl!: Int32Array;
  table!: Int32Array;
  queue!: Int32Array;
  parent!: Int32Array;
  via!: Int16Array;
  mask = 0;
  /** ctl[QBASE], read once per phase (see startPhase). */
  private qbase = 0;
  readonly stride: number;

  constructor(
    readonly width: number,
    public buffers: SharedBuffers,
  ) {
    this.stride = width + 2;
    this.attach(buffers);
  }

  attach(b: SharedBuffers): void {
    this.buffers = b;
    this.ctl = new Int32Array(b.control);
    this.table = new Int32Array(b.table);
    this.mask = this.table.length / 2 - 1;
    this.queue = new Int32Array(b.queue);
    this.parent = new Int32Array(b.parent);
    this.via = new Int16Array(b.via);
  }

  /** Call at the start of each phase: the coordinator may have moved the queue. */
  startPhase(): void {
    this.qbase = this.ctl[QBASE];
  }

  get count(): number {
    return Atomics.load(this.ctl, COUNT);
  }

  /** Adds state s with fingerprint (hi, lo) if new; returns its index, or -1 if known. */
  insert(s: Int32Array, hi: number, lo: number, parent: number, via: number): number {
    const key = hi === 0 ? 1 : hi;
    const low = lo === 0 ? 1 : lo;
    const t = this.table;
    const mask = this.mask;
    let h = key & mask;
    for (;;) {
      let a = t[2 * h];
      if (a === 0) {
        a = Atomics.compareExchange(t, 2 * h, 0, key);
        if (a === 0) {
          Atomics.store(t, 2 * h + 1, low);
          return this.append(s, hi, lo, parent, via);
        }
      }
      if (a === key) {
        let b = t[2 * h + 1];
        while (b === 0) b = Atomics.load(t, 2 * h + 1); // claimed, low half not written yet
        if (b === low) return -1;
      }
      h = (h + 1) & mask;
    }
  }

  private append(s: Int32Array, hi: number, lo: number, parent: number, via: number): number {
    const idx = Atomics.add(this.ctl, COUNT, 1);
    this.parent[idx] = parent;
    this.via[idx] = via;
    const w = this.width;
    const q = this.queue;
    const at = (idx - this.qbase) * this.stride;
    for (let k = 0; k < w; k++) q[at + k] = s[k];
    q[at + w] = hi;
    q[at + w + 1] = lo;
    return idx;
  }

  /** Copies state i into out and its fingerprint into fp. */
  load(i: number, out: Int32Array, fp: Fingerprinter): void {
    const w = this.width;
    const q = this.queue;
    const o = (i - this.qbase) * this.stride;
    for (let k = 0; k < w; k++) out[k] = q[o + k];
    fp.hi = q[o + w];
    fp.lo = q[o + w + 1];
  }

  pathTo(i: number): number[] {
    return pathFromParents(this.parent, this.via, i);
  }
}
