// The memory the threads of a parallel search share: a control block, the visited set
// (64-bit fingerprints in one open-addressing table), the BFS queue and the parent links
// that rebuild a counterexample. All of it lives in SharedArrayBuffers; a thread wraps the
// buffers in a SharedVisited of its own.
//
// Threads only insert during a phase; what moves or replaces the arrays (queue compaction,
// bigger buffers) is done by the coordinator between phases, while the other threads wait,
// except doubling the table, which all threads do in a phase of its own (GROW: in place,
// inside the table's reservation, as the serial FingerprintTable grows; REHASH: into a new
// buffer, once the reservation is outgrown). Fresh memory is left for the threads to fault in
// as they first write it: first touches cost 13-17 us a page here, and done by the
// coordinator alone between phases they kept the other threads waiting for a third of the run.
// Inserting is lock-free: a slot is claimed by a compare-and-swap on its high
// word, then its low word is written; a reader that finds a claimed slot whose low word is
// still 0 waits for it (a fingerprint's halves are made non-zero for that).

import { Fingerprinter, SLACK, pathFromParents, reserved } from "../store.js";
import { QueueBuffers, SharedQueue, queueBuffers } from "./queue.js";

/** Slots of the control block (an Int32Array). The two counters every thread bumps sit on
 * cache lines of their own, away from the words the threads only read. */
export const GEN = 0; // phase number: bumped by the coordinator to start a phase
export const END = 1; // end of this phase's range of states
export const STOP = 2; // 1: the helpers post their results and exit
export const HALT = 3; // 1: a thread found a violation: stop claiming states
export const QBASE = 4; // index of the state stored first in the queue
export const DONE = 5; // helpers that finished the phase
export const READY = 6; // helpers started and waiting for their first phase
export const KIND = 7; // what this phase does: EXPAND, GROW or REHASH
export const WIDE_SEEN = 8; // 1 once a state did not fit the queue's bytes (queue.ts): its side array is in use
export const CURSOR = 16; // next queue index to claim in this phase
export const COUNT = 32; // state indices handed out so far (states + holes)
export const HOLES = 33; // indices handed out but not used (see SharedVisited.append)
export const CONTROL_WORDS = 48;

export const EXPAND = 0; // expand the states [CURSOR, END) of the queue
export const REHASH = 1; // move the slots [CURSOR, END) of oldTable into table
export const GROW = 2; // double the table in place: chunks [CURSOR, END) of the old home slots (growBounds)

export const CLAIM = 64; // states claimed at a time
export const BLOCK = 256; // state indices a thread reserves at a time
export const HOLE = -2; // `via` of an index that holds no state
export const CLAIM_SLOTS = 4096; // old table slots claimed at a time when rehashing or growing

const RAN_OFF = "shared fingerprint table: a probe ran off the slack (a run of 4096 full slots)";

export interface SharedBuffers {
  control: SharedArrayBuffer;
  table: SharedArrayBuffer; // Int32 pairs (hi, lo); hi = 0: empty. tableSlots home slots, then SLACK more (probes do not wrap)
  tableSlots: number; // the table's home slots (the buffer may be a larger reservation)
  queue: QueueBuffers; // states [QBASE, COUNT) with their fingerprints and sleep sets (queue.ts)
  parent: SharedArrayBuffer; // Int32 per state
  via: SharedArrayBuffer; // Int16 per state: the process that stepped into it
  oldTable?: SharedArrayBuffer; // during a REHASH phase: the table being moved
  growBounds?: SharedArrayBuffer; // during a GROW phase: where each chunk of old slots starts (SharedVisited.growBounds)
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
export const RESERVE_TABLE_BYTES = ((1 << 26) + SLACK) * 8; // 2^26 home slots: the table doubles in place up to there
export const RESERVE_QUEUE_BYTES = 1 << 29; // of the queue's side array (four bytes a word); its other arrays are smaller
export const RESERVE_STATES = 1 << 26;

/** States the queue's reservation holds. */
export function queueReserve(width: number): number {
  return Math.floor(RESERVE_QUEUE_BYTES / (4 * Math.max(1, width)));
}

export function allocate(width: number, slots: number, queueStates: number, states: number): SharedBuffers {
  return {
    control: new SharedArrayBuffer(CONTROL_WORDS * 4),
    table: reservedBuffer(RESERVE_TABLE_BYTES, (slots + SLACK) * 8),
    tableSlots: slots,
    queue: queueBuffers(width, queueReserve(width), queueStates),
    parent: reservedBuffer(RESERVE_STATES * 4, states * 4),
    via: reservedBuffer(RESERVE_STATES * 2, states * 2),
  };
}

export class SharedVisited {
  ctl!: Int32Array;
  table!: Int32Array;
  queue!: SharedQueue;
  parent!: Int32Array;
  via!: Int16Array;
  mask = 0;
  /** ctl[QBASE], read once per phase (see startPhase). */
  private qbase = 0;
  // This thread's block of state indices [next, blockEnd).
  private next = 0;
  private blockEnd = 0;
  /** This thread has set ctl[WIDE_SEEN]. */
  private wideSeen = false;

  constructor(
    readonly width: number,
    public buffers: SharedBuffers,
  ) {
    this.attach(buffers);
  }

  attach(b: SharedBuffers): void {
    this.buffers = b;
    this.ctl = new Int32Array(b.control);
    this.table = new Int32Array(b.table, 0, (b.tableSlots + SLACK) * 2);
    this.mask = b.tableSlots - 1;
    this.queue = new SharedQueue(this.width, b.queue);
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
    const end = this.mask + 1 + SLACK;
    for (let h = key & this.mask; ; h++) {
      if (h === end) throw new Error(RAN_OFF);
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
    if (this.queue.put(idx - this.qbase, s, hi, lo, sleep) && !this.wideSeen) {
      this.wideSeen = true;
      Atomics.store(this.ctl, WIDE_SEEN, 1);
    }
    return idx;
  }

  /** The sleep set given to append() for state i (in the queue). */
  sleep(i: number): number {
    return this.queue.sleep(i - this.qbase);
  }

  /** Moves the fingerprints of slots [from, to) of old into the table (they are all distinct). */
  rehash(old: Int32Array, from: number, to: number): void {
    for (let k = 2 * from; k < 2 * to; k += 2) if (old[k] !== 0) this.claim(old[k] & this.mask, old[k], old[k + 1]);
  }

  /** Puts (a, b), known absent, into the first free slot from `home`, racing other threads for it. */
  private claim(home: number, a: number, b: number): void {
    const t = this.table;
    const end = this.mask + 1 + SLACK;
    for (let h = home; ; h++) {
      if (h === end) throw new Error(RAN_OFF);
      if (t[2 * h] === 0 && Atomics.compareExchange(t, 2 * h, 0, a) === 0) {
        t[2 * h + 1] = b;
        return;
      }
    }
  }

  // Doubling in place (GROW), by all threads at once. The coordinator first takes the slack's
  // entries out (takeSlack) and cuts the old home slots into chunks that each begin just after
  // a slot empty in the old table (growBounds); then the table has twice the home slots, the
  // threads move the chunks (growChunk), and the coordinator puts the slack's entries back.
  // Why no probe run gets a hole: a chunk's entries have their homes inside it (a run never
  // spans an empty slot), so one thread alone moves and refills its lower slots, in increasing
  // order, as FingerprintTable.growInPlace does for the whole table (store.ts). An entry whose
  // new home is in the upper half goes there, where runs only ever grow (compare-and-swap,
  // since chunks' runs meet there).

  /**
   * Doubles the table in place (the coordinator, between phases): `move` is called with the
   * chunk bounds once the table has its doubled home slots, and must have every chunk moved
   * (growChunk) before it returns; the threads take the chunks in any order.
   */
  growInPlace(chunk: number, move: (bounds: Int32Array) => void): void {
    const spill = this.takeSlack();
    const bounds = this.growBounds(chunk);
    this.attach({ ...this.buffers, tableSlots: this.buffers.tableSlots * 2, growBounds: bounds.buffer as SharedArrayBuffer });
    move(bounds);
    this.putBack(spill);
    this.attach({ ...this.buffers, growBounds: undefined });
  }

  /** Removes the entries of the slack after the home slots; returns them as pairs. */
  private takeSlack(): number[] {
    const t = this.table;
    const out: number[] = [];
    for (let h = this.mask + 1; h < this.mask + 1 + SLACK; h++) {
      if (t[2 * h] === 0) continue;
      out.push(t[2 * h], t[2 * h + 1]);
      t[2 * h] = t[2 * h + 1] = 0;
    }
    return out;
  }

  /** Puts back entries (pairs) taken out by takeSlack, after the table has grown. */
  private putBack(pairs: number[]): void {
    for (let i = 0; i < pairs.length; i += 2) this.claim(pairs[i] & this.mask, pairs[i], pairs[i + 1]);
  }

  /** The chunk bounds for growing this table: chunk j is old slots [b[j], b[j+1]), each starting after an empty slot. */
  private growBounds(chunk: number): Int32Array {
    const t = this.table;
    const homes = this.mask + 1;
    const n = Math.ceil(homes / chunk);
    const b = new Int32Array(new SharedArrayBuffer((n + 1) * 4));
    for (let j = 1; j < n; j++) {
      let s = Math.max(j * chunk, b[j - 1]);
      while (s < homes && t[2 * s] !== 0) s++;
      b[j] = Math.min(s + 1, homes);
    }
    b[n] = homes;
    return b;
  }

  /** Moves the entries of old slots [from, to), one chunk of growBounds, to their places in the doubled table of `oldHomes` * 2 home slots. */
  growChunk(from: number, to: number, oldHomes: number): void {
    const t = this.table;
    const mask = this.mask;
    for (let k = from; k < to; k++) {
      const a = t[2 * k];
      if (a === 0) continue;
      const b = t[2 * k + 1];
      t[2 * k] = t[2 * k + 1] = 0;
      const home = a & mask;
      if (home >= oldHomes) {
        this.claim(home, a, b);
        continue;
      }
      let h = home; // <= k: the slots between were full, and are this chunk's
      while (t[2 * h] !== 0) h++;
      t[2 * h] = a;
      t[2 * h + 1] = b;
    }
  }

  /** Copies state i into out and its fingerprint into fp. */
  load(i: number, out: Int32Array, fp: Fingerprinter): void {
    this.queue.get(i - this.qbase, out, fp);
  }

  pathTo(i: number): number[] {
    return pathFromParents(this.parent, this.via, i);
  }
}
