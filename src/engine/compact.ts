// The compact visited set: 64-bit fingerprints in at most about 7.5 bytes per state.
//
// A hash table of 8-byte fingerprints costs 8 / load bytes per state, and a table that grows
// by doubling is between 3/8 and 3/4 full: 10.7 to 21.3 bytes. Here almost all fingerprints
// live in a sorted array instead, which has no free slots, and only the newest ones in a
// small hash table (the buffer). When the buffer fills, its fingerprints are sorted and
// merged into the array, like a two-level log-structured merge tree (and like TLC's
// DiskFPSet, which keeps its sorted fingerprints on disk).
//
// The sorted array is split into 2^16 buckets by the top 16 bits of hi, found through a
// directory of bucket starts; an entry stores only the other 48 bits (hi's low 16 bits in
// a Uint16Array, lo in an Int32Array): 6 bytes, and no bit of the fingerprint is lost.
// The buffer holds at most 1/16 of the states (at most 0.5 bytes per state), the directory
// is 256 KiB (under 1 byte per state from 262,144 states on). While a merge runs, the old
// and the new array exist together, so the peak is twice the array for that moment.
//
// A lookup that misses the buffer costs a directory read, a binary search in one bucket
// (a few entries, one or two cache lines) and a read of lo: slower than one table probe,
// which is why the unreduced search, built for raw speed, keeps the table (bfs.ts).

import { FingerprintSet, freeSlot } from "./store.js";

const DIR_BITS = 16;
const BUCKETS = 1 << DIR_BITS;
const MIN_BUFFER_SLOTS = 1 << 12;

export class CompactFingerprintSet implements FingerprintSet {
  private vh = new Uint16Array(0); // hi & 0xffff of each sorted entry
  private vl = new Int32Array(0); // lo of each sorted entry
  private dir: Int32Array | null = null; // bucket b is vh/vl[dir[b], dir[b + 1]); made at the first merge
  private buf: Int32Array; // pairs (hi, lo); (0, 0) = empty
  private bufMask: number;
  private bufCount = 0;

  constructor() {
    this.buf = new Int32Array(MIN_BUFFER_SLOTS * 2);
    this.bufMask = MIN_BUFFER_SLOTS - 1;
  }

  get bytes(): number {
    return this.vh.byteLength + this.vl.byteLength + (this.dir?.byteLength ?? 0) + this.buf.byteLength;
  }

  /** Fingerprints stored. */
  get size(): number {
    return this.vh.length + this.bufCount;
  }

  touch(hi: number): number {
    return this.buf[2 * (hi & this.bufMask)];
  }

  add(hi: number, lo: number): boolean {
    const key = hi === 0 && lo === 0 ? 1 : hi; // (0, 0) marks an empty buffer slot
    const buf = this.buf;
    const h = freeSlot(buf, this.bufMask, key, lo);
    if (h < 0) return false;
    if (this.dir !== null && this.inSorted(key, lo)) return false;
    buf[2 * h] = key;
    buf[2 * h + 1] = lo;
    if (++this.bufCount * 4 > (this.bufMask + 1) * 3) this.merge();
    return true;
  }

  private inSorted(hi: number, lo: number): boolean {
    const dir = this.dir!;
    const vh = this.vh;
    const b = hi >>> DIR_BITS;
    const t = hi & 0xffff;
    const end = dir[b + 1];
    let l = dir[b];
    let r = end;
    while (l < r) {
      const m = (l + r) >>> 1;
      if (vh[m] < t) l = m + 1;
      else r = m;
    }
    for (; l < end && vh[l] === t; l++) if (this.vl[l] === lo) return true;
    return false;
  }

  /** Moves the buffer's fingerprints into the sorted array. */
  private merge(): void {
    const nb = this.bufCount;
    // Each fingerprint as one 64-bit integer (hi above lo, little-endian halves), so the
    // native typed-array sort orders them by (hi, lo) unsigned.
    const sorted = new BigUint64Array(nb);
    const half = new Uint32Array(sorted.buffer);
    const buf = this.buf;
    for (let k = 0, j = 0; k < buf.length; k += 2) {
      if (buf[k] === 0 && buf[k + 1] === 0) continue;
      half[2 * j] = buf[k + 1];
      half[2 * j + 1] = buf[k];
      j++;
    }
    sorted.sort();

    const { vh, vl } = this;
    const dir = this.dir ?? new Int32Array(BUCKETS + 1);
    const n = vh.length + nb;
    const nh = new Uint16Array(n);
    const nl = new Int32Array(n);
    // A bucket now starts after the old entries and the buffer's entries of lower buckets.
    const ndir = new Int32Array(BUCKETS + 1);
    for (let b = 0, j = 0; b <= BUCKETS; b++) {
      while (j < nb && half[2 * j + 1] >>> DIR_BITS < b) j++;
      ndir[b] = dir[b] + j;
    }
    // The buffer is small next to the array: copy the runs between its entries' places whole.
    let i = 0;
    let out = 0;
    for (let j = 0; j < nb; j++) {
      const hi = half[2 * j + 1];
      const lo = half[2 * j];
      const at = lowerBound(dir, vh, vl, hi, lo);
      if (at > i) {
        nh.set(vh.subarray(i, at), out);
        nl.set(vl.subarray(i, at), out);
        out += at - i;
        i = at;
      }
      nh[out] = hi & 0xffff;
      nl[out++] = lo;
    }
    nh.set(vh.subarray(i), out);
    nl.set(vl.subarray(i), out);
    this.vh = nh;
    this.vl = nl;
    this.dir = ndir;

    // The buffer holds at most 1/16 of the states: about 0.5 bytes per state at most.
    const slots = Math.max(MIN_BUFFER_SLOTS, 2 ** Math.floor(Math.log2(n / 16)));
    if (slots !== this.bufMask + 1) {
      this.buf = new Int32Array(slots * 2);
      this.bufMask = slots - 1;
    } else buf.fill(0);
    this.bufCount = 0;
  }
}

/** Where (hi, lo) belongs in the sorted array: the first entry of its bucket not below it. */
function lowerBound(dir: Int32Array, vh: Uint16Array, vl: Int32Array, hi: number, lo: number): number {
  const b = hi >>> DIR_BITS;
  const t = hi & 0xffff;
  const u = lo >>> 0;
  let l = dir[b];
  let r = dir[b + 1];
  while (l < r) {
    const m = (l + r) >>> 1;
    if (vh[m] < t || (vh[m] === t && vl[m] >>> 0 < u)) l = m + 1;
    else r = m;
  }
  return l;
}
