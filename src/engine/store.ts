// Visited set + BFS queue in one: states are appended to a flat Int32Array arena in
// discovery order (so the arena *is* the BFS queue), an open-addressing table of state
// indices finds duplicates, and parent/via arrays let a counterexample be replayed.
// No JavaScript object per state.

export class StateStore {
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

  /** Copy state i into out. */
  load(i: number, out: Int32Array): void {
    const w = this.width;
    out.set(this.arena.subarray(i * w, i * w + w));
  }

  /** Adds s if new; returns its index, or -1 if it was already known. */
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
      if (same) return -1;
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
    const cap = (this.arena.length / this.width) * 2;
    const a = new Int32Array(cap * this.width);
    a.set(this.arena);
    this.arena = a;
    const p = new Int32Array(cap);
    p.set(this.parent);
    this.parent = p;
    const v = new Int16Array(cap);
    v.set(this.via);
    this.via = v;
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

  /** The process ids of the steps from the initial state to state i. */
  pathTo(i: number): number[] {
    const path: number[] = [];
    while (i > 0) {
      path.push(this.via[i]);
      i = this.parent[i];
    }
    return path.reverse();
  }
}

/** 32-bit hash of a state vector (multiply-rotate mixing, murmur3 finaliser). */
export function hashState(s: Int32Array, w: number): number {
  let h = 0x9747b28c ^ w;
  for (let i = 0; i < w; i++) {
    let k = Math.imul(s[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
