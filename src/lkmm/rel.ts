// Relations over the events of one candidate execution, as bit matrices: row i is the set of
// events j with (i, j) in the relation, in w = ceil(n / 32) 32-bit words. Executions of litmus
// tests have tens of events, so a relation is a few hundred bytes and composition is a few
// thousand word operations. Sets of events are single rows.

export type EvSet = Uint32Array;

// Scratch memory for the relations of one ordering check, which die with it (Lkmm.checkOrder
// builds some forty, and a typed array of its own costs about a microsecond to allocate and
// collect, more than composing it): inside withScratch() a relation's words are a view of one
// buffer that is reused from the start by the next check. Nothing made inside may outlive it.
let scratch = new Uint32Array(1 << 14);
let top = 0;
let scratchOn = false;

/** Runs f with the relations it makes in scratch memory; none may be kept after it returns. */
export function withScratch<T>(f: () => T): T {
  if (scratchOn) return f();
  scratchOn = true;
  try {
    return f();
  } finally {
    scratchOn = false;
    top = 0;
  }
}

/** Runs f with its relations in memory of their own (a cache filled inside withScratch). */
export function outsideScratch<T>(f: () => T): T {
  if (!scratchOn) return f();
  scratchOn = false;
  try {
    return f();
  } finally {
    scratchOn = true;
  }
}

/** `len` zeroed words. */
function words(len: number): Uint32Array {
  if (!scratchOn) return new Uint32Array(len);
  if (top + len > scratch.length) {
    // The views made so far keep the old buffer alive; the new one is used from its start.
    scratch = new Uint32Array(Math.max(scratch.length * 2, len * 4));
    top = 0;
  }
  const a = scratch.subarray(top, (top += len));
  a.fill(0);
  return a;
}

function copyOf(a: Uint32Array): Uint32Array {
  if (!scratchOn) return a.slice();
  const b = words(a.length);
  b.set(a);
  return b;
}

export class Rel {
  readonly w: number;
  readonly a: Uint32Array;
  constructor(readonly n: number, a?: Uint32Array) {
    this.w = (n + 31) >>> 5;
    this.a = a ?? words(n * this.w);
  }
  static id(n: number, s?: EvSet): Rel {
    const r = new Rel(n);
    for (let i = 0; i < n; i++) if (!s || has(s, i)) r.add(i, i);
    return r;
  }
  /** The cartesian product a × b. */
  static cross(n: number, a: EvSet, b: EvSet): Rel {
    const r = new Rel(n);
    for (let i = 0; i < n; i++) if (has(a, i)) r.a.set(b, i * r.w);
    return r;
  }
  has(i: number, j: number): boolean {
    return (this.a[i * this.w + (j >>> 5)] & (1 << (j & 31))) !== 0;
  }
  add(i: number, j: number): void {
    this.a[i * this.w + (j >>> 5)] |= 1 << (j & 31);
  }
  row(i: number): Uint32Array {
    return this.a.subarray(i * this.w, (i + 1) * this.w);
  }
  clone(): Rel {
    return new Rel(this.n, copyOf(this.a));
  }
  or(...rs: Rel[]): Rel {
    const a = copyOf(this.a);
    for (const r of rs) for (let k = 0; k < a.length; k++) a[k] |= r.a[k];
    return new Rel(this.n, a);
  }
  and(r: Rel): Rel {
    const a = copyOf(this.a);
    for (let k = 0; k < a.length; k++) a[k] &= r.a[k];
    return new Rel(this.n, a);
  }
  minus(r: Rel): Rel {
    const a = copyOf(this.a);
    for (let k = 0; k < a.length; k++) a[k] &= ~r.a[k];
    return new Rel(this.n, a);
  }
  /** Sequential composition this ; r. */
  seq(r: Rel): Rel {
    const { n, w } = this;
    const out = words(n * w);
    // Only the k with a non-empty row of r contribute: the right-hand relations (rfi, rfe,
    // fences) are often sparse where the left ones (cumul-fence*, prop, ctrl) are dense.
    const live = r.domainSet();
    for (let i = 0; i < n; i++) {
      const base = i * w;
      for (let kw = 0; kw < w; kw++) {
        let bits = this.a[base + kw] & live[kw];
        while (bits !== 0) {
          const t = bits & -bits;
          const k = (kw << 5) + (31 - Math.clz32(t));
          bits ^= t;
          const kb = k * w;
          for (let x = 0; x < w; x++) out[base + x] |= r.a[kb + x];
        }
      }
    }
    return new Rel(n, out);
  }
  /** rf^-1 ; co for a reads-from relation (each read has one write): a read's row is its write's co row. */
  invSeq(r: Rel): Rel {
    const { n, w } = this;
    const out = words(n * w);
    for (let i = 0; i < n; i++) {
      const ib = i * w;
      for (let kw = 0; kw < w; kw++) {
        let bits = this.a[ib + kw];
        while (bits !== 0) {
          const t = bits & -bits;
          bits ^= t;
          const jb = ((kw << 5) + (31 - Math.clz32(t))) * w;
          for (let x = 0; x < w; x++) out[jb + x] |= r.a[ib + x];
        }
      }
    }
    return new Rel(n, out);
  }
  /** [d] ; this ; [r] in one pass (null: no restriction on that side). */
  restrict(d: EvSet | null, r: EvSet | null): Rel {
    const { n, w } = this;
    const out = words(n * w);
    for (let i = 0; i < n; i++) {
      if (d && !has(d, i)) continue;
      const ib = i * w;
      if (r) for (let x = 0; x < w; x++) out[ib + x] = this.a[ib + x] & r[x];
      else for (let x = 0; x < w; x++) out[ib + x] = this.a[ib + x];
    }
    return new Rel(n, out);
  }
  /** this |= r, in place (for relations built here, never for shared ones). */
  orIn(r: Rel): this {
    for (let k = 0; k < this.a.length; k++) this.a[k] |= r.a[k];
    return this;
  }
  /** Adds the identity, in place. */
  optIn(): this {
    for (let i = 0; i < this.n; i++) this.a[i * this.w + (i >>> 5)] |= 1 << (i & 31);
    return this;
  }
  /** Some (i, i) in the relation. */
  reflexive(): boolean {
    for (let i = 0; i < this.n; i++) if ((this.a[i * this.w + (i >>> 5)] & (1 << (i & 31))) !== 0) return true;
    return false;
  }
  inv(): Rel {
    const r = new Rel(this.n);
    this.forEach((i, j) => r.add(j, i));
    return r;
  }
  /** [s] ; this */
  dom(s: EvSet): Rel {
    const r = this.clone();
    for (let i = 0; i < this.n; i++) if (!has(s, i)) r.a.fill(0, i * this.w, (i + 1) * this.w);
    return r;
  }
  /** this ; [s] */
  ran(s: EvSet): Rel {
    const r = this.clone();
    for (let i = 0; i < this.n; i++) for (let k = 0; k < this.w; k++) r.a[i * this.w + k] &= s[k];
    return r;
  }
  /** r? (reflexive closure) */
  opt(): Rel {
    const r = this.clone();
    for (let i = 0; i < this.n; i++) r.add(i, i);
    return r;
  }
  /** r+ (transitive closure, Warshall over rows). */
  plus(): Rel {
    const { n, w } = this;
    const a = copyOf(this.a);
    // A step through k adds nothing unless k has a predecessor and a successor, and the
    // closure has the relation's own domain and range: the other k are skipped.
    const from = this.domainSet();
    const to = this.rangeSet();
    for (let k = 0; k < n; k++) {
      const kw = k >>> 5;
      const kbit = 1 << (k & 31);
      if ((from[kw] & to[kw] & kbit) === 0) continue;
      const kb = k * w;
      for (let i = 0; i < n; i++) {
        const ib = i * w;
        if ((a[ib + kw] & kbit) === 0) continue;
        for (let x = 0; x < w; x++) a[ib + x] |= a[kb + x];
      }
    }
    return new Rel(n, a);
  }
  star(): Rel {
    return this.plus().opt();
  }
  isEmpty(): boolean {
    for (let k = 0; k < this.a.length; k++) if (this.a[k] !== 0) return false;
    return true;
  }
  irreflexive(): boolean {
    for (let i = 0; i < this.n; i++) if (this.has(i, i)) return false;
    return true;
  }
  /** A cycle of the relation (event list, first = last omitted), or null when acyclic. */
  cycle(): number[] | null {
    // Kahn's algorithm strips events without predecessors; what remains lies on or before a cycle.
    const { n } = this;
    const indeg = new Int32Array(n);
    this.forEach((_, j) => indeg[j]++);
    const stack: number[] = [];
    for (let i = 0; i < n; i++) if (indeg[i] === 0) stack.push(i);
    let removed = 0;
    const gone = new Uint8Array(n);
    while (stack.length) {
      const i = stack.pop()!;
      gone[i] = 1;
      removed++;
      this.forRow(i, (j) => {
        if (--indeg[j] === 0) stack.push(j);
      });
    }
    if (removed === n) return null;
    // Every remaining event has a remaining predecessor (its in-degree never reached 0), but
    // not necessarily a remaining successor: walk predecessors until one repeats, then reverse.
    let v = gone.indexOf(0);
    const seenAt = new Map<number, number>();
    const path: number[] = [];
    while (!seenAt.has(v)) {
      seenAt.set(v, path.length);
      path.push(v);
      let prev = -1;
      for (let u = 0; u < n && prev < 0; u++) if (!gone[u] && this.has(u, v)) prev = u;
      v = prev;
    }
    return path.slice(seenAt.get(v)!).reverse();
  }
  acyclic(): boolean {
    return this.isAcyclic();
  }
  /** No cycle (Kahn's algorithm on typed arrays; cycle() finds one when there is). */
  isAcyclic(): boolean {
    const { n, w, a } = this;
    const indeg = new Int32Array(n);
    for (let i = 0; i < n; i++)
      for (let kw = 0; kw < w; kw++) {
        let bits = a[i * w + kw];
        while (bits !== 0) {
          const t = bits & -bits;
          bits ^= t;
          indeg[(kw << 5) + (31 - Math.clz32(t))]++;
        }
      }
    const stack = new Int32Array(n);
    let sp = 0;
    for (let i = 0; i < n; i++) if (indeg[i] === 0) stack[sp++] = i;
    let removed = 0;
    while (sp > 0) {
      const i = stack[--sp];
      removed++;
      for (let kw = 0; kw < w; kw++) {
        let bits = a[i * w + kw];
        while (bits !== 0) {
          const t = bits & -bits;
          bits ^= t;
          const j = (kw << 5) + (31 - Math.clz32(t));
          if (--indeg[j] === 0) stack[sp++] = j;
        }
      }
    }
    return removed === n;
  }
  forRow(i: number, f: (j: number) => void): void {
    const base = i * this.w;
    for (let kw = 0; kw < this.w; kw++) {
      let bits = this.a[base + kw];
      while (bits !== 0) {
        const t = bits & -bits;
        bits ^= t;
        f((kw << 5) + (31 - Math.clz32(t)));
      }
    }
  }
  forEach(f: (i: number, j: number) => void): void {
    for (let i = 0; i < this.n; i++) this.forRow(i, (j) => f(i, j));
  }
  pairs(): [number, number][] {
    const out: [number, number][] = [];
    this.forEach((i, j) => out.push([i, j]));
    return out;
  }
  domainSet(): EvSet {
    const s = new Uint32Array(this.w);
    for (let i = 0; i < this.n; i++) {
      const base = i * this.w;
      for (let k = 0; k < this.w; k++)
        if (this.a[base + k] !== 0) {
          s[i >>> 5] |= 1 << (i & 31);
          break;
        }
    }
    return s;
  }
  rangeSet(): EvSet {
    const s = new Uint32Array(this.w);
    for (let i = 0; i < this.n; i++) for (let k = 0; k < this.w; k++) s[k] |= this.a[i * this.w + k];
    return s;
  }
}

export function has(s: EvSet, i: number): boolean {
  return (s[i >>> 5] & (1 << (i & 31))) !== 0;
}

export function setOf(n: number, pred: (i: number) => boolean): EvSet {
  const s = new Uint32Array((n + 31) >>> 5);
  for (let i = 0; i < n; i++) if (pred(i)) s[i >>> 5] |= 1 << (i & 31);
  return s;
}

export function setOr(...ss: EvSet[]): EvSet {
  const s = ss[0].slice();
  for (const t of ss.slice(1)) for (let k = 0; k < s.length; k++) s[k] |= t[k];
  return s;
}

export function setMinus(a: EvSet, b: EvSet): EvSet {
  const s = a.slice();
  for (let k = 0; k < s.length; k++) s[k] &= ~b[k];
  return s;
}
