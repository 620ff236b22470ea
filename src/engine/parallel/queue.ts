// The BFS queue of the parallel search: states [QBASE, COUNT), each with its fingerprint and
// sleep set, in SharedArrayBuffers, a byte per word as the serial ring keeps them (ring.ts, which
// says why). The ring switches wholesale to four bytes a word at the first state that does not
// fit; threads that append at once cannot, so here such a state is written in full to a side
// array at the same position and flagged in its sleep word. The side array is address space
// until a state needs it: a scenario whose words all fit in a byte never touches it.

import type { Fingerprinter } from "../store.js";
import { reserved } from "../store.js";
import { putBytes } from "../ring.js";

/** In a state's sleep word: its words are in the side array (sleep sets use bits 0..30). */
const WIDE = 1 << 31;

export interface QueueBuffers {
  bytes: SharedArrayBuffer; // width bytes a state
  meta: SharedArrayBuffer; // Int32 hi, lo, sleep word: three a state
  wide: SharedArrayBuffer; // Int32, width words a state; written only for a state with a word outside -128..127
}

/** Buffers for `states` states, inside reservations of `reserveStates` if the address space can be had. */
export function queueBuffers(width: number, reserveStates: number, states: number): QueueBuffers {
  const make = (bytesPerState: number) => reserved((n) => new SharedArrayBuffer(n), reserveStates * bytesPerState, states * bytesPerState);
  return { bytes: make(width), meta: make(12), wide: make(4 * width) };
}

export class SharedQueue {
  readonly bytes: Int8Array;
  readonly meta: Int32Array;
  readonly wide: Int32Array;

  constructor(
    readonly width: number,
    b: QueueBuffers,
  ) {
    this.bytes = new Int8Array(b.bytes);
    this.meta = new Int32Array(b.meta);
    this.wide = new Int32Array(b.wide);
  }

  /** States the buffers can hold. */
  get capacity(): number {
    return Math.min(Math.floor(this.bytes.length / this.width), this.meta.length / 3, Math.floor(this.wide.length / this.width));
  }

  /** Writes state s at position `at`; returns true if it went to the side array. */
  put(at: number, s: Int32Array, hi: number, lo: number, sleep: number): boolean {
    const w = this.width;
    const o = at * w;
    const wide = !putBytes(this.bytes, o, s, w);
    if (wide) this.wide.set(s, o);
    const m = at * 3;
    this.meta[m] = hi;
    this.meta[m + 1] = lo;
    this.meta[m + 2] = wide ? sleep | WIDE : sleep;
    return wide;
  }

  /** Copies the state at position `at` into out and its fingerprint into fp. */
  get(at: number, out: Int32Array, fp: Fingerprinter): void {
    const w = this.width;
    const o = at * w;
    const m = at * 3;
    if ((this.meta[m + 2] & WIDE) === 0) {
      const bytes = this.bytes;
      for (let k = 0; k < w; k++) out[k] = bytes[o + k];
    } else {
      const wide = this.wide;
      for (let k = 0; k < w; k++) out[k] = wide[o + k];
    }
    fp.hi = this.meta[m];
    fp.lo = this.meta[m + 1];
  }

  sleep(at: number): number {
    return this.meta[at * 3 + 2] & ~WIDE;
  }

  /** Moves the states at positions [from, to) to [0, to - from) (the side array: only the states in it). */
  shift(from: number, to: number): void {
    const w = this.width;
    this.bytes.copyWithin(0, from * w, to * w);
    for (let at = from; at < to; at++) if ((this.meta[at * 3 + 2] & WIDE) !== 0) this.wide.copyWithin((at - from) * w, at * w, at * w + w);
    this.meta.copyWithin(0, from * 3, to * 3);
  }

  /** New buffers for `states` states holding the first n of this queue. */
  copied(n: number, states: number): QueueBuffers {
    const w = this.width;
    const b: QueueBuffers = { bytes: new SharedArrayBuffer(states * w), meta: new SharedArrayBuffer(states * 12), wide: new SharedArrayBuffer(states * 4 * w) };
    new Int8Array(b.bytes).set(this.bytes.subarray(0, n * w));
    new Int32Array(b.meta).set(this.meta.subarray(0, n * 3));
    const wide = new Int32Array(b.wide);
    for (let at = 0; at < n; at++) if ((this.meta[at * 3 + 2] & WIDE) !== 0) wide.set(this.wide.subarray(at * w, at * w + w), at * w);
    return b;
  }
}
