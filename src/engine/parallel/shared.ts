// The memory the threads of a parallel search share: a control block, the visited set
// (64-bit fingerprints in one open-addressing table), the BFS queue and the parent links
// that rebuild a counterexample. All of it lives in SharedArrayBuffers; a thread wraps the
// buffers in a SharedVisited of its own.
//
// Threads only insert during a phase; what moves or replaces the arrays (queue compaction,
// bigger buffers) is done by the coordinator between phases, while the other threads wait,
// except clearing and filling a bigger table, which all threads do in phases of their own
// (ZERO, REHASH). Fresh memory is left for the threads to fault in as they first write it:
// first touches cost 13-17 us a page here, and done by the coordinator alone between phases
// they kept the other threads waiting for a third of the run.
// Inserting is lock-free: a slot is claimed by a compare-and-swap on its high
// word, then its low word is written; a reader that finds a claimed slot whose low word is
// still 0 waits for it (a fingerprint's halves are made non-zero for that).

import { Fingerprinter, getQueued, pathFromParents, putQueued, reserved } from "../store.js";

/** Slots of the control block (an Int32Array). The two counters every thread bumps sit on
 * cache lines of their own, away from the words the threads only read. */
export const GEN = 0; // phase number: bumped by the coordinator to start a phase
export const END = 1; // end of this phase's range of states
export const STOP = 2; // 1: the helpers post their results and exit
export const HALT = 3; // 1: a thread found a violation: stop claiming states
export const QBASE = 4; // index of the state stored first in the queue
export const DONE = 5; // helpers that finished the phase
export const READY = 6; // helpers started and waiting for their first phase
export const KIND = 7; // what this phase does: EXPAND, REHASH or ZERO
export const CURSOR = 16; // next queue index to claim in this phase
export const COUNT = 32; // state indices handed out so far (states + holes)
export const HOLES = 33; // indices handed out but not used (see SharedVisited.append)
export const CONTROL_WORDS = 48;

export const EXPAND = 0; // expand the states [CURSOR, END) of the queue
export const REHASH = 1; // move the slots [CURSOR, END) of oldTable into table
export const ZERO = 2; // clear the words [CURSOR, END) of table (a reused buffer)

export const CLAIM = 64; // states claimed at a time
export const BLOCK = 256; // state indices a thread reserves at a time
export const HOLE = -2; // `via` of an index that holds no state
export const CLAIM_SLOTS = 4096; // old table slots claimed at a time when rehashing
export const CLAIM_WORDS = 1 << 16; // table words claimed at a time when clearing

export interface SharedBuffers {
  control: SharedArrayBuffer;
  table: SharedArrayBuffer; // Int32 pairs (hi, lo); hi = 0: empty
  tableSlots: number; // the table's slots (the buffer may be a larger reservation)
  queue: SharedArrayBuffer; // states [QBASE, COUNT), each followed by its fingerprint and sleep set (queueStride)
  parent: SharedArrayBuffer; // Int32 per state
  via: SharedArrayBuffer; // Int16 per state: the process that stepped into it
  oldTable?: SharedArrayBuffer; // during a REHASH phase: the table being moved
}

/**
 * A SharedArrayBuffer of `reserve` bytes if the address space can be had (zeroed, and mapped
 * page by page as the search first writes it: growing inside it needs neither a new buffer
 * nor a copy); else one of `used` bytes.
 */
export function reservedBuffer(reserve: number, used: number): SharedArrayBuffer {
  return reserved((n) => new SharedArrayBuffer(n), reserve, used);
}

// Reservations of the parallel search (see FingerprintTable in store.ts for why).
export const RESERVE_TABLE_BYTES = 1 << 29; // per table; two alternate, the old and the new
export const RESERVE_QUEUE_BYTES = 1 << 29;
export const RESERVE_STATES = 1 << 26;

/** Words per state in the queue: the state, its fingerprint and its sleep set (expand.ts, diamonds). */
export function queueStride(width: number): number {
  return width + 3;
}

export function allocate(width: number, slots: number, queueStates: number, states: number): SharedBuffers {
  const stride = queueStride(width);
  return {
    control: new SharedArrayBuffer(CONTROL_WORDS * 4),
    table: reservedBuffer(RESERVE_TABLE_BYTES, slots * 8),
    tableSlots: slots,
    queue: reservedBuffer(RESERVE_QUEUE_BYTES - (RESERVE_QUEUE_BYTES % (stride * 4)), queueStates * stride * 4),
    parent: reservedBuffer(RESERVE_STATES * 4, states * 4),
    via: reservedBuffer(RESERVE_STATES * 2, states * 2),
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
  // This thread's block of state indices [next, blockEnd).
  private next = 0;
  private blockEnd = 0;
  readonly stride: number;

  constructor(
    readonly width: number,
    public buffers: SharedBuffers,
  ) {
    this.stride = queueStride(width);
    this.attach(buffers);
  }

  attach(b: SharedBuffers): void {
    this.buffers = b;
    this.ctl = new Int32Array(b.control);
    this.table = new Int32Array(b.table, 0, b.tableSlots * 2);
    this.mask = b.tableSlots - 1;
    this.queue = new Int32Array(b.queue);
    this.parent = new Int32Array(b.parent);
    this.via = new Int16Array(b.via);
  }

  /** Call at the start of each phase: the coordinator may have moved the queue. */
  startPhase(): void {
    this.qbase = this.ctl[QBASE];
  }

  /** Call at the end of each phase: the rest of this thread's block becomes holes. */
  endPhase(): void {
    for (let i = this.next; i < this.blockEnd; i++) this.via[i] = HOLE;
    if (this.blockEnd > this.next) Atomics.add(this.ctl, HOLES, this.blockEnd - this.next);
    this.next = this.blockEnd = 0;
  }

  /** State indices handed out (the queue's end); some may be holes. */
  get count(): number {
    return Atomics.load(this.ctl, COUNT);
  }

  /** States stored. */
  get states(): number {
    return Atomics.load(this.ctl, COUNT) - Atomics.load(this.ctl, HOLES);
  }

  /** Reads the first slot insert(…, hi, …) will probe (a prefetch; a racy read is fine). */
  touch(hi: number): number {
    return this.table[2 * ((hi === 0 ? 1 : hi) & this.mask)];
  }

  /** Adds state s with fingerprint (hi, lo) if new; returns its index, or -1 if known. */
  insert(s: Int32Array, hi: number, lo: number, parent: number, via: number): number {
    return this.add(hi, lo) ? this.append(s, hi, lo, parent, via, 0) : -1;
  }

  /** Claims fingerprint (hi, lo); false if it is known. The claiming thread then appends the state. */
  add(hi: number, lo: number): boolean {
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
          return true;
        }
      }
      if (a === key) {
        let b = t[2 * h + 1];
        while (b === 0) b = Atomics.load(t, 2 * h + 1); // claimed, low half not written yet
        if (b === low) return false;
      }
      h = (h + 1) & mask;
    }
  }

  /**
   * Stores a new state at the next index of this thread's block. Each thread fills a block of
   * its own, so two threads never write the same cache line of the queue or the parent links
   * (nor bump a shared counter per state); unused indices become holes at the phase's end.
   */
  append(s: Int32Array, hi: number, lo: number, parent: number, via: number, sleep: number): number {
    if (this.next === this.blockEnd) {
      this.next = Atomics.add(this.ctl, COUNT, BLOCK);
      this.blockEnd = this.next + BLOCK;
    }
    const idx = this.next++;
    this.parent[idx] = parent;
    this.via[idx] = via;
    const at = (idx - this.qbase) * this.stride;
    putQueued(this.queue, at, s, this.width, hi, lo);
    this.queue[at + this.width + 2] = sleep;
    return idx;
  }

  /** The sleep set given to append() for state i (in the queue). */
  sleep(i: number): number {
    return this.queue[(i - this.qbase) * this.stride + this.width + 2];
  }

  /** Moves the fingerprints of slots [from, to) of old into the table (they are all distinct). */
  rehash(old: Int32Array, from: number, to: number): void {
    const t = this.table;
    const mask = this.mask;
    for (let k = 2 * from; k < 2 * to; k += 2) {
      const a = old[k];
      if (a === 0) continue;
      let h = a & mask;
      while (t[2 * h] !== 0 || Atomics.compareExchange(t, 2 * h, 0, a) !== 0) h = (h + 1) & mask;
      t[2 * h + 1] = old[k + 1];
    }
  }

  /** Copies state i into out and its fingerprint into fp. */
  load(i: number, out: Int32Array, fp: Fingerprinter): void {
    getQueued(this.queue, (i - this.qbase) * this.stride, out, this.width, fp);
  }

  pathTo(i: number): number[] {
    return pathFromParents(this.parent, this.via, i);
  }
}
