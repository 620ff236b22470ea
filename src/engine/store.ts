// Visited sets + BFS queue. States are appended to a flat Int32Array arena in discovery
// order (so the arena *is* the BFS queue); parent/via arrays let a counterexample be
// replayed. No JavaScript object per state. Two kinds:
//  - StateStore (--exact): the arena keeps every state, an open-addressing table of
//    state indices finds duplicates by full comparison.
//  - FingerprintStore (default): the visited set holds a 64-bit fingerprint per state
//    (TLC's technique); the arena keeps only states not yet expanded. Two different states
//    with the same fingerprint would make the second look visited: the checker prints the
//    probability of that, as TLC does.

export interface Store {
  readonly count: number;
  readonly bytes: number;
  /** Bytes of the visited set alone (for the bytes-per-state figure). */
  readonly visitedBytes: number;
  insert(s: Int32Array, parent: number, via: number): number;
  load(i: number, out: Int32Array): void;
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

  /** Copy state i into out. */
  load(i: number, out: Int32Array): void {
    const w = this.width;
    out.set(this.arena.subarray(i * w, i * w + w));
  }

  /** Adds s if new; returns its index, or ~index (negative) of the known state. */
  insert(s: Int32Array, parent: number, via: number): number {
    const w = this.width;
    const full = hashState(s, w) | 0;
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
function pathFromParents(parent: Int32Array, via: Int16Array, i: number): number[] {
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

/** Second half of the last fingerprint() (returned through a variable: no allocation per state). */
let fingerprintLo = 0;

/**
 * 64-bit fingerprint of a state in one pass: two independent 32-bit murmur3-style lanes
 * (different seeds and constants). Returns the high half; the low half is in fingerprintLo.
 */
function fingerprint(s: Int32Array, w: number): number {
  let h1 = 0x9747b28c ^ w;
  let h2 = 0x2545f491 ^ w;
  for (let i = 0; i < w; i++) {
    const x = s[i];
    let k = Math.imul(x, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h1 ^= Math.imul(k, 0x1b873593);
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    let j = Math.imul(x, 0x85ebca6b);
    j = (j << 13) | (j >>> 19);
    h2 ^= Math.imul(j, 0xc2b2ae35);
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (Math.imul(h2, 9) + 0x52dce729) | 0;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h2 ^= h2 >>> 15;
  h2 = Math.imul(h2, 0x2c1b3c6d);
  h2 ^= h2 >>> 12;
  h2 = Math.imul(h2, 0x297a2d39);
  fingerprintLo = h2 ^ (h2 >>> 15);
  return h1 ^ (h1 >>> 16);
}

/** 32-bit hash of a state vector: the high half of its fingerprint. */
export function hashState(s: Int32Array, w: number): number {
  return fingerprint(s, w) >>> 0;
}

export class FingerprintStore implements Store {
  private fps: Int32Array; // pairs (hi, lo); (0, 0) = empty
  private mask: number; // in slots
  private queue: Int32Array; // states [base, count) not yet released
  private base = 0;
  parent: Int32Array;
  via: Int16Array;
  count = 0;

  constructor(readonly width: number, initialCapacity = 1 << 12) {
    this.fps = new Int32Array(initialCapacity * 4);
    this.mask = initialCapacity * 2 - 1;
    this.queue = new Int32Array(initialCapacity * width);
    this.parent = new Int32Array(initialCapacity);
    this.via = new Int16Array(initialCapacity);
  }

  get bytes(): number {
    return this.fps.byteLength + this.queue.byteLength + this.parent.byteLength + this.via.byteLength;
  }

  get visitedBytes(): number {
    return this.fps.byteLength;
  }

  /** Probability that some state was missed because two states shared a fingerprint. */
  collisionProbability(): number {
    return Math.min(1, (this.count * this.count) / 2 ** 65);
  }

  insert(s: Int32Array, parent: number, via: number): number {
    const w = this.width;
    let hi = fingerprint(s, w);
    const lo = fingerprintLo;
    if (hi === 0 && lo === 0) hi = 1;
    const fps = this.fps;
    let h = hi & this.mask;
    for (;;) {
      const a = fps[2 * h];
      const b = fps[2 * h + 1];
      if (a === 0 && b === 0) break;
      if (a === hi && b === lo) return -1;
      h = (h + 1) & this.mask;
    }
    fps[2 * h] = hi;
    fps[2 * h + 1] = lo;
    const idx = this.count++;
    if (idx >= this.parent.length) this.growIndex();
    this.parent[idx] = parent;
    this.via[idx] = via;
    const at = (idx - this.base) * w;
    if (at + w > this.queue.length) this.growQueue();
    this.queue.set(s, (idx - this.base) * w);
    if (this.count * 4 > (this.mask + 1) * 3) this.growTable(); // load factor <= 3/4
    return idx;
  }

  load(i: number, out: Int32Array): void {
    const o = (i - this.base) * this.width;
    out.set(this.queue.subarray(o, o + this.width));
  }

  release(i: number): void {
    // Drop expanded states once they are half the queue (amortised O(1) per state).
    const drop = i + 1 - this.base;
    if (drop * 2 < this.count - this.base || drop < 4096) return;
    const w = this.width;
    this.queue.copyWithin(0, drop * w, (this.count - this.base) * w);
    this.base += drop;
  }

  pathTo(i: number): number[] {
    return pathFromParents(this.parent, this.via, i);
  }

  private growQueue(): void {
    const live = this.count - this.base;
    const q = new Int32Array(Math.max(this.queue.length * 2, (live + 1) * this.width * 2));
    q.set(this.queue.subarray(0, live * this.width));
    this.queue = q;
  }

  private growIndex(): void {
    this.parent = doubled(this.parent);
    this.via = doubled(this.via);
  }

  private growTable(): void {
    const old = this.fps;
    const slots = (this.mask + 1) * 2;
    const fps = new Int32Array(slots * 2);
    const mask = slots - 1;
    for (let k = 0; k < old.length; k += 2) {
      const a = old[k];
      const b = old[k + 1];
      if (a === 0 && b === 0) continue;
      let h = a & mask;
      while (fps[2 * h] !== 0 || fps[2 * h + 1] !== 0) h = (h + 1) & mask;
      fps[2 * h] = a;
      fps[2 * h + 1] = b;
    }
    this.fps = fps;
    this.mask = mask;
  }
}
