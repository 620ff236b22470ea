// The BFS queue of the serial fingerprint search (FingerprintStore): the states not yet
// expanded, each with its fingerprint and its sleep set (expand.ts, diamonds), in a ring where
// state i is at slot i & mask. Releasing a state frees its slot; nothing is moved.
//
// Why states are kept a byte per word while they fit: the queue holds a whole BFS level, up to
// a million states at pv-ok(7,2), and its memory is written once per slot then read once. At
// four bytes a word the ring took 243 MB there (116 bytes a state), most of it in first-touch
// page faults and copies; almost every word of a scenario's state (pcs, small counters, flags)
// fits in a signed byte. The first state with a word that does not fit switches the ring to
// four bytes a word for the rest of the search (widen): one test per word on append, a
// predictable branch on load.

import type { Fingerprinter } from "./store.js";
import { reserved } from "./store.js";

// Address space reserved for the ring, touched only as it grows into it: 2^21 slots (a level of
// pv-ok(7,2)). A bigger ring is made by copying.
const RESERVE_SLOTS = 1 << 21;

export class StateRing {
  private bytes: Int8Array; // width bytes a slot while packed
  private words: Int32Array; // width words a slot once widened (empty before)
  private packed = true;
  private meta: Int32Array; // hi, lo, sleep set: three words a slot
  private mask: number;

  constructor(
    readonly width: number,
    initialSlots: number,
    reserveSlots = RESERVE_SLOTS,
  ) {
    this.mask = initialSlots - 1; // a power of two
    this.bytes = reserved((n) => new Int8Array(n), reserveSlots * width, initialSlots * width);
    this.words = new Int32Array(0);
    this.meta = reserved((n) => new Int32Array(n), reserveSlots * 3, initialSlots * 3);
  }

  get slots(): number {
    return this.mask + 1;
  }

  /** Bytes of the slots in use. */
  get usedBytes(): number {
    return this.slots * ((this.packed ? 1 : 4) * this.width + 12);
  }

  /** Whether the states are kept a byte per word (no state so far had a word outside -128..127). */
  get isPacked(): boolean {
    return this.packed;
  }

  put(i: number, s: Int32Array, hi: number, lo: number, sleep: number): void {
    const slot = i & this.mask;
    const w = this.width;
    const at = slot * w;
    if (this.packed && !putBytes(this.bytes, at, s, w)) this.widen(i);
    if (!this.packed) {
      const words = this.words;
      for (let k = 0; k < w; k++) words[at + k] = s[k];
    }
    const m = slot * 3;
    this.meta[m] = hi;
    this.meta[m + 1] = lo;
    this.meta[m + 2] = sleep;
  }

  /** Copies state i into out and its fingerprint into fp. */
  get(i: number, out: Int32Array, fp: Fingerprinter): void {
    const slot = i & this.mask;
    const w = this.width;
    const at = slot * w;
    if (this.packed) {
      const bytes = this.bytes;
      for (let k = 0; k < w; k++) out[k] = bytes[at + k];
    } else {
      const words = this.words;
      for (let k = 0; k < w; k++) out[k] = words[at + k];
    }
    fp.hi = this.meta[slot * 3];
    fp.lo = this.meta[slot * 3 + 1];
  }

  sleep(i: number): number {
    return this.meta[(i & this.mask) * 3 + 2];
  }

  /**
   * Doubles the ring, which holds states [base, count); each moves to its slot in the bigger
   * one. Inside the reservation a state at slot i & oldMask goes to i & mask, the same slot or
   * that + old size: the upper half is free, so no live state is overwritten.
   */
  grow(base: number, count: number): void {
    const oldMask = this.mask;
    const mask = oldMask * 2 + 1;
    const w = this.width;
    if (this.packed) this.bytes = moved(this.bytes, w, base, count, oldMask, mask, (n) => new Int8Array(n));
    else this.words = moved(this.words, w, base, count, oldMask, mask, (n) => new Int32Array(n));
    this.meta = moved(this.meta, 3, base, count, oldMask, mask, (n) => new Int32Array(n));
    this.mask = mask;
  }

  /** Switches to a word per word; state `skip` (being written) is not copied. */
  private widen(skip: number): void {
    const w = this.width;
    const words = new Int32Array(this.slots * w);
    const bytes = this.bytes;
    for (let slot = 0; slot <= this.mask; slot++) if (slot !== (skip & this.mask)) for (let k = 0; k < w; k++) words[slot * w + k] = bytes[slot * w + k];
    this.words = words;
    this.bytes = new Int8Array(0);
    this.packed = false;
  }
}

/**
 * Writes the w words of s as bytes at bytes[at..]; returns whether they all fit in a signed byte
 * (else what was written is not s). The parallel search's queue packs the same way (parallel/queue.ts).
 */
export function putBytes(bytes: Int8Array, at: number, s: Int32Array, w: number): boolean {
  let out = 0; // non-zero once a word does not fit in a byte
  for (let k = 0; k < w; k++) {
    const v = s[k];
    bytes[at + k] = v;
    out |= v ^ ((v << 24) >> 24);
  }
  return out === 0;
}

/** The ring a (slots of w elements) doubled from oldMask + 1 to mask + 1 slots, states [base, count) in their new slots. */
function moved<T extends Int8Array | Int32Array>(a: T, w: number, base: number, count: number, oldMask: number, mask: number, make: (n: number) => T): T {
  if ((mask + 1) * w <= a.length) {
    for (let i = base; i < count; i++) {
      const from = i & oldMask;
      const to = i & mask;
      if (to !== from) a.copyWithin(to * w, from * w, from * w + w);
    }
    return a;
  }
  const b = make((mask + 1) * w);
  for (let i = base; i < count; ) {
    const from = i & oldMask;
    const to = i & mask;
    const n = Math.min(count - i, oldMask + 1 - from, mask + 1 - to);
    b.set(a.subarray(from * w, (from + n) * w), to * w);
    i += n;
  }
  return b;
}
