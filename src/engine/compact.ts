// The compact visited set: 64-bit fingerprints in at most 7.75 bytes per state (from a few
// thousand states on).
//
// A hash table of 8-byte fingerprints costs 8 / load bytes per state, and a table that grows
// by doubling is between 3/8 and 3/4 full: 10.7 to 21.3 bytes. Here almost all fingerprints
// live in a sorted array instead, which has no free slots, and only the newest ones in a
// small hash table (the buffer). When the buffer fills, its fingerprints are sorted and
// merged into the array, like a two-level log-structured merge tree (and like TLC's
// DiskFPSet, which keeps its sorted fingerprints on disk).
//
// Sorted entries store the low 24 bits of hi (a Uint8Array and a Uint16Array) and lo (an
// Int32Array): 7 bytes. The top 8 bits of hi are implicit: a directory splits the array into
// 2^d buckets by the top d bits of hi (8 <= d <= 20), chosen at each merge so that a bucket
// holds 16 to 32 entries; so no bit of the fingerprint is lost, and the directory costs at
// most 0.25 bytes per state. The buffer holds at most 1/16 of the states (0.5 bytes per
// state). While a merge runs, the old and the new array exist together: the peak is twice
// the array for that moment.
//
// A lookup that misses the buffer costs a directory read, a binary search in one bucket and
// a read of lo: slower than one hash-table probe, which is why `--hash-table` keeps the
// table for runs where speed matters more than memory.

import { FingerprintSet, freeSlot, slotKey } from "./store.js";

const MIN_DIR_BITS = 8; // the top 8 bits of hi are always the directory's
const MAX_DIR_BITS = 20;
const MIN_BUFFER_SLOTS = 1 << 8;

export class CompactFingerprintSet implements FingerprintSet {
  private vt = new Uint8Array(0); // bits 16..23 of hi, per sorted entry
  private vh = new Uint16Array(0); // bits 0..15 of hi
  private vl = new Int32Array(0); // lo
  private dirBits = 0; // 0 until the first merge
  private dir = new Int32Array(1); // bucket b (hi >>> (32 - dirBits)) is [dir[b], dir[b + 1])
  private buf: Int32Array; // pairs (hi, lo); (0, 0) = empty
  private bufMask: number;
  private bufCount = 0;

  constructor() {
    this.buf = new Int32Array(MIN_BUFFER_SLOTS * 2);
    this.bufMask = MIN_BUFFER_SLOTS - 1;
  }

  get bytes(): number {
    return this.vt.byteLength + this.vh.byteLength + this.vl.byteLength + this.dir.byteLength + this.buf.byteLength;
  }

  /** Fingerprints stored. */
  get size(): number {
    return this.vh.length + this.bufCount;
  }

  touch(hi: number): number {
    return this.buf[2 * (hi & this.bufMask)];
  }

  add(hi: number, lo: number): boolean {
    const key = slotKey(hi, lo); // (0, 0) marks an empty buffer slot
    const buf = this.buf;
    const h = freeSlot(buf, this.bufMask, key, lo);
    if (h < 0) return false;
    if (this.dirBits !== 0 && this.inSorted(key, lo)) return false;
    buf[2 * h] = key;
    buf[2 * h + 1] = lo;
    if (++this.bufCount * 4 > (this.bufMask + 1) * 3) this.merge();
    return true;
  }

  private inSorted(hi: number, lo: number): boolean {
    const { vt, vh, vl } = this;
    const t = hi & 0xffffff;
    const end = this.dir[(hi >>> (32 - this.dirBits)) + 1];
    for (let i = this.lowerBound(hi, 0); i < end && ((vt[i] << 16) | vh[i]) === t; i++) if (vl[i] === lo) return true;
    return false;
  }

  /** Where (hi, lo) belongs in the sorted array: the first entry of its bucket not below it (lo unsigned). */
  private lowerBound(hi: number, lo: number): number {
    const { vt, vh, vl, dir } = this;
    const b = hi >>> (32 - this.dirBits);
    const t = hi & 0xffffff;
    const u = lo >>> 0;
    let l = dir[b];
    let r = dir[b + 1];
    while (l < r) {
      const m = (l + r) >>> 1;
      const x = (vt[m] << 16) | vh[m];
      if (x < t || (x === t && vl[m] >>> 0 < u)) l = m + 1;
      else r = m;
    }
    return l;
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

    // The buffer is small next to the array: copy the runs between its entries' places whole.
    const { vt, vh, vl } = this;
    const n = vh.length + nb;
    const nt = new Uint8Array(n);
    const nh = new Uint16Array(n);
    const nl = new Int32Array(n);
    let i = 0;
    let out = 0;
    for (let j = 0; j < nb; j++) {
      const hi = half[2 * j + 1];
      const lo = half[2 * j];
      const at = this.dirBits === 0 ? 0 : this.lowerBound(hi, lo);
      if (at > i) {
        nt.set(vt.subarray(i, at), out);
        nh.set(vh.subarray(i, at), out);
        nl.set(vl.subarray(i, at), out);
        out += at - i;
        i = at;
      }
      nt[out] = (hi >>> 16) & 0xff;
      nh[out] = hi & 0xffff;
      nl[out++] = lo;
    }
    nt.set(vt.subarray(i), out);
    nh.set(vh.subarray(i), out);
    nl.set(vl.subarray(i), out);

    // Where each value of hi's top 8 bits starts in the merged array: its old start plus the
    // buffer's entries below it.
    const top = new Int32Array(257);
    for (let c = 0, j = 0; c <= 256; c++) {
      while (j < nb && half[2 * j + 1] >>> 24 < c) j++;
      top[c] = (this.dirBits === 0 ? 0 : this.dir[c << (this.dirBits - MIN_DIR_BITS)]) + j;
    }
    // The new directory: about 16 to 32 entries per bucket.
    const bits = Math.min(MAX_DIR_BITS, Math.max(MIN_DIR_BITS, Math.floor(Math.log2(n / 16))));
    const dir = new Int32Array((1 << bits) + 1);
    const shift = 32 - bits;
    let b = 0; // the next bucket whose start is not set yet
    for (let c = 0; c < 256; c++) {
      const high = c << (bits - MIN_DIR_BITS);
      for (let k = top[c]; k < top[c + 1]; k++) {
        const bucket = high | (((nt[k] << 16) | nh[k]) >>> shift);
        while (b <= bucket) dir[b++] = k;
      }
    }
    while (b <= 1 << bits) dir[b++] = n;
    this.vt = nt;
    this.vh = nh;
    this.vl = nl;
    this.dir = dir;
    this.dirBits = bits;

    // The buffer holds at most 1/16 of the states: at most 0.5 bytes per state.
    const slots = Math.max(MIN_BUFFER_SLOTS, 2 ** Math.floor(Math.log2(n / 16)));
    if (slots !== this.bufMask + 1) {
      this.buf = new Int32Array(slots * 2);
      this.bufMask = slots - 1;
    } else buf.fill(0);
    this.bufCount = 0;
  }
}
