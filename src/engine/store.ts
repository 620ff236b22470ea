// Visited sets + BFS queue. States are appended to a flat Int32Array arena in discovery
// order (so the arena *is* the BFS queue); parent/via arrays let a counterexample be
// replayed. No JavaScript object per state. Two kinds:
//  - StateStore (--exact): the arena keeps every state, an open-addressing table of
//    state indices finds duplicates by full comparison.
//  - FingerprintStore (default): the visited set holds a 64-bit fingerprint per state
//    (TLC's technique); a ring keeps only states not yet expanded. Two different states
//    with the same fingerprint would make the second look visited: the checker prints the
//    probability of that, as TLC does. The fingerprints live in a FingerprintSet: the
//    compact sorted set (compact.ts, default) or the hash table below (--hash-table).

import { StateRing } from "./ring.js";

export interface Store {
  readonly count: number;
  readonly bytes: number;
  /** Bytes of the visited set alone (for the bytes-per-state figure). */
  readonly visitedBytes: number;
  /** Adds s, whose fingerprint is (hi, lo), if new; returns its index, or a negative number if known. */
  insert(s: Int32Array, hi: number, lo: number, parent: number, via: number): number;
  /** Copies state i into out and its fingerprint into fp. */
  load(i: number, out: Int32Array, fp: Fingerprinter): void;
  pathTo(i: number): number[];
  /** States up to index i are expanded: a store may drop them. */
  release(i: number): void;
}

export class StateStore implements Store {
  private arena: Int32Array;
  private table: Int32Array; // state index + 1, 0 = empty
  private hashes: Int32Array; // the full hash of each table entry: most mismatches end here
  private mask: number;
  parent: Int32Array;
  via: Int16Array; // process that took the step into this state
  count = 0;

  constructor(readonly width: number, initialCapacity = 1 << 12) {
    this.arena = new Int32Array(initialCapacity * width);
    this.parent = new Int32Array(initialCapacity);
    this.via = new Int16Array(initialCapacity);
    this.table = new Int32Array(initialCapacity * 2);
    this.hashes = new Int32Array(initialCapacity * 2);
    this.mask = this.table.length - 1;
  }

  get bytes(): number {
    return this.arena.byteLength + this.table.byteLength + this.hashes.byteLength + this.parent.byteLength + this.via.byteLength;
  }

  get visitedBytes(): number {
    return this.arena.byteLength + this.table.byteLength + this.hashes.byteLength;
  }

  release(): void {}

  load(i: number, out: Int32Array, fp: Fingerprinter): void {
    const w = this.width;
    const arena = this.arena;
    for (let k = 0, o = i * w; k < w; k++) out[k] = arena[o + k];
    fp.full(out);
  }

  /** Adds s if new; returns its index, or ~index (negative) of the known state. */
  insert(s: Int32Array, full: number, _lo: number, parent: number, via: number): number {
    const w = this.width;
    let h = full & this.mask;
    const arena = this.arena;
    const table = this.table;
    const hashes = this.hashes;
    for (;;) {
      const e = table[h];
      if (e === 0) break;
      if (hashes[h] !== full) {
        h = (h + 1) & this.mask;
        continue;
      }
      const o = (e - 1) * w;
      let same = true;
      for (let k = 0; k < w; k++) {
        if (arena[o + k] !== s[k]) {
          same = false;
          break;
        }
      }
      if (same) return ~(e - 1);
      h = (h + 1) & this.mask;
    }
    const idx = this.count;
    if ((idx + 1) * w > this.arena.length) this.growArena();
    this.arena.set(s, idx * w);
    this.parent[idx] = parent;
    this.via[idx] = via;
    table[h] = idx + 1;
    hashes[h] = full;
    this.count++;
    if (this.count * 2 > this.table.length) this.growTable(); // keep the load factor under 1/2
    return idx;
  }

  private growArena(): void {
    this.arena = doubled(this.arena);
    this.parent = doubled(this.parent);
    this.via = doubled(this.via);
  }

  private growTable(): void {
    const t = new Int32Array(this.table.length * 2);
    const hs = new Int32Array(t.length);
    const mask = t.length - 1;
    for (let k = 0; k < this.table.length; k++) {
      const e = this.table[k];
      if (e === 0) continue;
      const full = this.hashes[k];
      let h = full & mask;
      while (t[h] !== 0) h = (h + 1) & mask;
      t[h] = e;
      hs[h] = full;
    }
    this.table = t;
    this.hashes = hs;
    this.mask = mask;
  }

  pathTo(i: number): number[] {
    return pathFromParents(this.parent, this.via, i);
  }
}

/** The process ids of the steps from the initial state (index 0) to state i. */
export function pathFromParents(parent: Int32Array, via: Int16Array, i: number): number[] {
  const path: number[] = [];
  while (i > 0) {
    path.push(via[i]);
    i = parent[i];
  }
  return path.reverse();
}

/** A typed array of twice the length with the same prefix. */
export function doubled<T extends Int32Array | Int16Array | Uint8Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

// Fingerprints are Zobrist-style: the XOR over positions i of a 64-bit value H(i, s[i]).
// A step changes a few slots, so the search updates its parent's fingerprint with those
// slots alone (Fingerprinter.update) instead of rehashing the whole vector. For each i,
// H(i, ·) is a bijection of the value in both 32-bit halves (murmur3's finaliser over a
// position-dependent offset), so two states differing in one slot never collide.

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Per-position offsets of the two halves. */
function seeds(w: number, salt: number): Int32Array {
  const a = new Int32Array(w);
  for (let i = 0; i < w; i++) a[i] = fmix32(Math.imul(i + 1, 0x9e3779b1) ^ salt);
  return a;
}

export const SMALL = 64; // values 0..SMALL-1 (pcs, flags, counters) hash by table lookup

export class Fingerprinter {
  private readonly sa: Int32Array;
  private readonly sb: Int32Array;
  // H(i, v) for small v, position-major: [i * SMALL + v].
  readonly ta: Int32Array;
  readonly tb: Int32Array;
  /** The two halves of the last fingerprint computed (no allocation per state). */
  hi = 0;
  lo = 0;

  constructor(readonly width: number) {
    this.sa = seeds(width, 0x2545f491);
    this.sb = seeds(width, 0x6a09e667);
    this.ta = new Int32Array(width * SMALL);
    this.tb = new Int32Array(width * SMALL);
    for (let i = 0; i < width; i++)
      for (let v = 0; v < SMALL; v++) {
        this.ta[i * SMALL + v] = this.halfA(i, v);
        this.tb[i * SMALL + v] = this.halfB(i, v);
      }
  }

  halfA(i: number, v: number): number {
    return fmix32((v + this.sa[i]) | 0);
  }

  halfB(i: number, v: number): number {
    return fmix32(Math.imul(v ^ this.sb[i], 0xcc9e2d51));
  }

  /** Fingerprint of the whole state into hi/lo. */
  full(s: Int32Array): void {
    let hi = 0;
    let lo = 0;
    for (let i = 0; i < this.width; i++) {
      const v = s[i];
      if (v >>> 0 < SMALL) {
        hi ^= this.ta[i * SMALL + v];
        lo ^= this.tb[i * SMALL + v];
      } else {
        hi ^= this.halfA(i, v);
        lo ^= this.halfB(i, v);
      }
    }
    this.hi = hi;
    this.lo = lo;
  }

  /**
   * Fingerprint of `next` into hi/lo, given `cur` and its fingerprint (curHi, curLo), when
   * the two differ only in [0, cells) and [from, to) (shared memory and one process's block).
   */
  update(cur: Int32Array, curHi: number, curLo: number, next: Int32Array, cells: number, from: number, to: number): void {
    const ta = this.ta;
    const tb = this.tb;
    let hi = curHi;
    let lo = curLo;
    for (let i = 0; i < to; i++) {
      if (i === cells) i = from;
      const u = cur[i];
      const v = next[i];
      if (u === v) continue;
      if ((u | v) >>> 0 < SMALL) {
        hi ^= ta[i * SMALL + u] ^ ta[i * SMALL + v];
        lo ^= tb[i * SMALL + u] ^ tb[i * SMALL + v];
      } else {
        hi ^= this.halfA(i, u) ^ this.halfA(i, v);
        lo ^= this.halfB(i, u) ^ this.halfB(i, v);
      }
    }
    this.hi = hi;
    this.lo = lo;
  }
}

/** Probability that two of n states share a 64-bit fingerprint (birthday bound, as TLC prints). */
export function collisionProbability(n: number): number {
  return Math.min(1, (n * n) / 2 ** 65);
}

/** A set of 64-bit fingerprints (hi, lo). */
export interface FingerprintSet {
  /** Adds (hi, lo); false if it was there. */
  add(hi: number, lo: number): boolean;
  /** Reads (and returns) the first word add(hi, lo) will read: a prefetch. */
  touch(hi: number, lo: number): number;
  readonly bytes: number;
}

/** The high word a fingerprint is stored under in a table where (0, 0) marks an empty slot. */
export function slotKey(hi: number, lo: number): number {
  return hi === 0 && lo === 0 ? 1 : hi;
}

/**
 * Linear probing in a table of pairs (key, lo) where (0, 0) is empty: the empty slot where
 * (key, lo) goes, or -1 if it is there. key is slotKey(hi, lo).
 */
export function freeSlot(pairs: Int32Array, mask: number, key: number, lo: number): number {
  let h = key & mask;
  for (;;) {
    const a = pairs[2 * h];
    const b = pairs[2 * h + 1];
    if (a === 0 && b === 0) return h;
    if (a === key && b === lo) return -1;
    h = (h + 1) & mask;
  }
}

/** A zeroed array (or buffer) of `reserve` elements if the address space can be had (its pages are touched only when written), else of `fallback`. */
export function reserved<T>(make: (n: number) => T, reserve: number, fallback: number): T {
  try {
    return make(Math.max(reserve, fallback));
  } catch {
    return make(fallback);
  }
}

/**
 * Open addressing over one typed array, load factor at most 3/4: one cache line per probe.
 *
 * Why the table is grown in place over a reservation: on the machines measured here the first
 * write to a fresh memory page costs tens of microseconds (a page fault in a virtual machine
 * whose memory the host backs lazily: 64 MiB took 300 ms of CPU and more of wall time), which
 * made page faults a large part of an unreduced search. Doubling into a new array touches every
 * earlier table's pages as well as the final one's; here one large zeroed array is allocated
 * once (virtual memory, not touched: the kernel maps a page on its first write) and the table
 * grows inside it, so only the pages the final table uses are ever touched. Linear probing does
 * not wrap: the table has SLACK slots after its last home slot, and a probe that runs off them
 * grows the table. If the reservation cannot be had, or is outgrown, the table is copied into a
 * new array as before.
 */

export const SLACK = 4096; // slots after the last home slot: a probe sequence longer than this grows the table (parallel/shared.ts: an internal error)
const RESERVE_SLOTS = 1 << 26; // 512 MiB of address space, touched only as the table grows into it

export class FingerprintTable implements FingerprintSet {
  private fps: Int32Array; // pairs (hi, lo); (0, 0) = empty
  private mask: number; // home slots - 1
  private count = 0;

  constructor(initialSlots = 1 << 13, reserveSlots = RESERVE_SLOTS) {
    this.mask = initialSlots - 1;
    // Without the address space for the reservation, the table grows by copying.
    this.fps = reserved((n) => new Int32Array(n), (reserveSlots + SLACK) * 2, (initialSlots + SLACK) * 2);
  }

  /** The bytes in use (the reservation beyond them is untouched). */
  get bytes(): number {
    return (this.mask + 1 + SLACK) * 8;
  }

  touch(hi: number): number {
    return this.fps[2 * (hi & this.mask)];
  }

  add(hi: number, lo: number): boolean {
    const key = slotKey(hi, lo);
    for (;;) {
      const fps = this.fps;
      const end = this.mask + 1 + SLACK;
      for (let h = key & this.mask; h < end; h++) {
        const a = fps[2 * h];
        const b = fps[2 * h + 1];
        if (a === 0 && b === 0) {
          fps[2 * h] = key;
          fps[2 * h + 1] = lo;
          if (++this.count * 4 > (this.mask + 1) * 3) this.grow();
          return true;
        }
        if (a === key && b === lo) return false;
      }
      this.grow(); // the probe ran off the slack
    }
  }

  /** Puts (a, b), known absent, into the first free slot from its home; false if none is left. */
  private place(fps: Int32Array, mask: number, a: number, b: number): boolean {
    const end = mask + 1 + SLACK;
    for (let h = a & mask; h < end; h++) {
      if (fps[2 * h] === 0 && fps[2 * h + 1] === 0) {
        fps[2 * h] = a;
        fps[2 * h + 1] = b;
        return true;
      }
    }
    return false;
  }

  private grow(): void {
    const slots = (this.mask + 1) * 2;
    // (A probe run at load 3/8 longer than SLACK after a doubling is beyond any real chance; if
    // it happened, the run stops with an internal error, never a wrong answer.)
    if ((slots + SLACK) * 2 <= this.fps.length) {
      this.growInPlace(slots - 1);
      return;
    }
    // Copy into a new array (no reservation, or it is outgrown).
    for (let size = slots; ; size *= 2) {
      const fps = new Int32Array((size + SLACK) * 2);
      const mask = size - 1;
      let ok = true;
      const old = this.fps;
      for (let k = 0; k < (this.mask + 1 + SLACK) * 2 && ok; k += 2)
        if (old[k] !== 0 || old[k + 1] !== 0) ok = this.place(fps, mask, old[k], old[k + 1]);
      if (!ok) continue;
      this.fps = fps;
      this.mask = mask;
      return;
    }
  }

  /**
   * Doubles the table inside the reservation. The slack entries are taken out first; then each
   * entry of the old home range, in increasing slot order, is removed and put back from its new
   * home (its old home, or that + old size). An entry going back below its old slot only passes
   * slots of entries already moved (its old probe run was full, and moved entries never move
   * again); one going to the upper half only meets moved entries. So no probe run gets a hole.
   */
  private growInPlace(mask: number): void {
    const fps = this.fps;
    const oldHomes = this.mask + 1;
    const spill: number[] = [];
    for (let h = oldHomes; h < oldHomes + SLACK; h++) {
      if (fps[2 * h] !== 0 || fps[2 * h + 1] !== 0) {
        spill.push(fps[2 * h], fps[2 * h + 1]);
        fps[2 * h] = 0;
        fps[2 * h + 1] = 0;
      }
    }
    for (let k = 0; k < oldHomes; k++) {
      const a = fps[2 * k];
      const b = fps[2 * k + 1];
      if (a === 0 && b === 0) continue;
      fps[2 * k] = 0;
      fps[2 * k + 1] = 0;
      if (!this.place(fps, mask, a, b)) throw new Error("fingerprint table: in-place growth found no slot");
    }
    this.mask = mask;
    for (let i = 0; i < spill.length; i += 2) if (!this.place(fps, mask, spill[i], spill[i + 1])) throw new Error("fingerprint table: in-place growth found no slot");
  }
}

// Reservation (see FingerprintTable): the parent links of 2^26 states (384 MiB of address
// space), touched only as they fill.
const RESERVE_STATES = 1 << 26;

export class FingerprintStore implements Store {
  // States [base, count) not yet released, in a ring (ring.ts).
  private readonly queue: StateRing;
  private base = 0;
  parent: Int32Array;
  via: Int16Array;
  count = 0;
  /** States are appended in the order they are first probed (expand.ts, diamonds). */
  readonly inOrder = true;

  constructor(
    readonly width: number,
    private readonly visited: FingerprintSet = new FingerprintTable(),
    initialCapacity = 1 << 12,
  ) {
    this.queue = new StateRing(width, initialCapacity);
    this.parent = reserved((n) => new Int32Array(n), RESERVE_STATES, initialCapacity);
    this.via = reserved((n) => new Int16Array(n), RESERVE_STATES, initialCapacity);
  }

  /** The bytes in use (a reservation's untouched rest not counted). */
  get bytes(): number {
    return this.visited.bytes + this.queue.usedBytes + Math.max(this.count, this.queue.slots) * 6;
  }

  get visitedBytes(): number {
    return this.visited.bytes;
  }

  /** Probability that some state was missed because two states shared a fingerprint. */
  collisionProbability(): number {
    return collisionProbability(this.count);
  }

  touch(hi: number, lo: number): number {
    return this.visited.touch(hi, lo);
  }

  insert(s: Int32Array, hi: number, lo: number, parent: number, via: number): number {
    return this.visited.add(hi, lo) ? this.append(s, hi, lo, parent, via, 0) : -1;
  }

  add(hi: number, lo: number): boolean {
    return this.visited.add(hi, lo);
  }

  /** Stores s, whose fingerprint add() has just taken; returns its index. */
  append(s: Int32Array, hi: number, lo: number, parent: number, via: number, sleep = 0): number {
    const idx = this.count++;
    if (idx >= this.parent.length) this.growIndex();
    this.parent[idx] = parent;
    this.via[idx] = via;
    if (idx - this.base >= this.queue.slots) this.queue.grow(this.base, idx);
    this.queue.put(idx, s, hi, lo, sleep);
    return idx;
  }

  /** The sleep set given to append() for state i (not yet released). */
  sleep(i: number): number {
    return this.queue.sleep(i);
  }

  load(i: number, out: Int32Array, fp: Fingerprinter): void {
    this.queue.get(i, out, fp);
  }

  release(i: number): void {
    if (i >= this.base) this.base = i + 1;
  }

  pathTo(i: number): number[] {
    return pathFromParents(this.parent, this.via, i);
  }

  private growIndex(): void {
    this.parent = doubled(this.parent);
    this.via = doubled(this.via);
  }
}
