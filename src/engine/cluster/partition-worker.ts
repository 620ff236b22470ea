// A worker's side of the partitioned cluster search (partition.ts, docs/design.md "Distributed
// search"): the owner of slot k keeps the part of the visited set whose fingerprints hash to k,
// with each state's parent link, takes the batches of candidate states sent to its inbox, keeps
// the new ones, expands them (the engine's Expander, via BatchExpander) and sends every
// successor to its owner's inbox, for the next level. Level-synchronous: the batches of level
// L+1 wait until the owner has taken all of level L's (the coordinator says how many there are),
// so a state is first inserted at its BFS depth.

import type { Redis } from "ioredis";
import { DEADLOCKED, FinalState, VIOLATED } from "../expand.js";
import { Violation } from "../machine.js";
import { F_MAGIC, HEADER, IntList, ResultSide, checkBatch, int32View } from "./batch.js";
import { BatchExpander } from "./expand-batch.js";
import { CURRENT, fields, partKeys } from "./redis.js";

/** The slot owning a fingerprint: its high word (the visited table hashes the low one). */
export const ownerOf = (hi: number, n: number): number => (hi >>> 0) % n;

/** One level's report of one owner (JSON: one message per owner per level, not per state). */
export interface LevelReport {
  op: "level";
  level: number;
  k: number;
  states: number; // new states inserted at this level
  transitions: number;
  sent: number[]; // batches sent to each slot for the next level
  finals: [string, FinalState][]; // final-state keys new to this owner
  warnings: [number, number, number, Violation][]; // state hi, lo, step pid (-1: none, -2: a deadlock), warning
  findings: { kind: "violation" | "deadlock"; hi: number; lo: number; pid: number; v: Violation }[];
  us: number; // time spent processing, µs
  bytesOut: number;
  tableBytes: number;
}

/**
 * Open-addressing table of one part of the visited set: fingerprint → parent fingerprint, step's
 * process, level. Among parents one level up the smallest (fingerprint, process) is kept, so the
 * counterexample does not depend on which batch arrived first.
 */
export class PartTable {
  private cap = 1 << 14;
  private key = new Int32Array(this.cap * 2);
  private used = new Uint8Array(this.cap);
  private link = new Int32Array(this.cap * 4); // parent hi, parent lo, pid, level
  n = 0;
  get bytes(): number {
    return this.cap * 25;
  }
  private slot(hi: number, lo: number): number {
    const mask = this.cap - 1;
    let i = (Math.imul(lo, 0x9e3779b1) ^ hi) & mask;
    while (this.used[i] && (this.key[2 * i] !== hi || this.key[2 * i + 1] !== lo)) i = (i + 1) & mask;
    return i;
  }
  find(hi: number, lo: number): number {
    const i = this.slot(hi, lo);
    return this.used[i] ? i : -1;
  }
  parentOf(i: number): [number, number, number] {
    return [this.link[4 * i], this.link[4 * i + 1], this.link[4 * i + 2]];
  }
  /** True if the state is new. */
  insert(hi: number, lo: number, phi: number, plo: number, pid: number, level: number): boolean {
    if ((this.n + 1) * 2 > this.cap) this.grow();
    const i = this.slot(hi, lo);
    const l = this.link;
    if (this.used[i]) {
      if (l[4 * i + 3] === level && less(phi, plo, pid, l[4 * i], l[4 * i + 1], l[4 * i + 2])) l.set([phi, plo, pid], 4 * i);
      return false;
    }
    this.used[i] = 1;
    this.key[2 * i] = hi;
    this.key[2 * i + 1] = lo;
    l.set([phi, plo, pid, level], 4 * i);
    this.n++;
    return true;
  }
  private grow(): void {
    const { key, used, link, cap } = this;
    this.cap *= 2;
    this.key = new Int32Array(this.cap * 2);
    this.used = new Uint8Array(this.cap);
    this.link = new Int32Array(this.cap * 4);
    for (let j = 0; j < cap; j++) {
      if (!used[j]) continue;
      const i = this.slot(key[2 * j], key[2 * j + 1]);
      this.used[i] = 1;
      this.key[2 * i] = key[2 * j];
      this.key[2 * i + 1] = key[2 * j + 1];
      this.link.set(link.subarray(4 * j, 4 * j + 4), 4 * i);
    }
  }
}

function less(ah: number, al: number, ap: number, bh: number, bl: number, bp: number): boolean {
  if (ah !== bh) return ah >>> 0 < bh >>> 0;
  if (al !== bl) return al >>> 0 < bl >>> 0;
  return ap < bp;
}

/**
 * A batch of candidate states for one slot: the frontier-batch layout of batch.ts (parents'
 * vectors once, children as fingerprint + parent + step), header [F_MAGIC, level, seq, src, n,
 * nParents, width], followed by the parents' fingerprints (nParents × [hi, lo]) for the links.
 */
export class PartBuilder {
  private readonly parents = new IntList(1 << 14);
  private readonly pfps = new IntList(1 << 8);
  private readonly children = new IntList(1 << 12);
  private nParents = 0;
  private lastParent = -1;
  seq = 0;
  constructor(
    private readonly width: number,
    private readonly src: number,
    private readonly batch: number,
  ) {}
  add(parentKey: number, vec: Int32Array, phi: number, plo: number, hi: number, lo: number, pid: number, level: number, out: Int32Array[]): void {
    if (parentKey !== this.lastParent) {
      this.parents.pushAll(vec);
      this.pfps.push(phi);
      this.pfps.push(plo);
      this.lastParent = parentKey;
      this.nParents++;
    }
    this.children.push(hi);
    this.children.push(lo);
    this.children.push(this.nParents - 1);
    this.children.push(pid);
    if (this.children.n >> 2 === this.batch) this.flush(level, out);
  }
  flush(level: number, out: Int32Array[]): void {
    const n = this.children.n >> 2;
    if (n === 0) return;
    const a = new Int32Array(HEADER + this.parents.n + this.children.n + this.pfps.n);
    a.set([F_MAGIC, level, this.seq++, this.src, n, this.nParents, this.width]);
    a.set(this.parents.a.subarray(0, this.parents.n), HEADER);
    a.set(this.children.a.subarray(0, this.children.n), HEADER + this.parents.n);
    a.set(this.pfps.a.subarray(0, this.pfps.n), HEADER + this.parents.n + this.children.n);
    out.push(a);
    this.parents.clear();
    this.pfps.clear();
    this.children.clear();
    this.nParents = 0;
    this.lastParent = -1;
  }
}

/** Serves slot k of a partitioned run until the run ends (pp:current changes). */
export async function servePartition(r: Redis, run: string, name: string, k: number, n: number, x: BatchExpander, findingsAsWarnings: boolean, batch: number, pauseAfter: number): Promise<void> {
  const keys = partKeys(run);
  const w = x.m.width;
  const table = new PartTable();
  const builders = Array.from({ length: n }, () => new PartBuilder(w, k, batch));
  const expect = new Map<number, number>();
  const buffered = new Map<number, Int32Array[]>();
  let level = 0;
  let taken = 0; // batches of `level` processed
  let ctlLast = "0-0";
  let inLast = "0-0";
  let parentKey = 0;
  let takenAll = 0;
  const fresh = (): Omit<LevelReport, "op" | "level" | "k" | "tableBytes"> => ({ states: 0, transitions: 0, sent: new Array<number>(n).fill(0), finals: [], warnings: [], findings: [], us: 0, bytesOut: 0 });
  let rep = fresh();
  const finalKeys = new Set<string>();
  let out: Int32Array[] = [];
  const dest: number[] = [];

  const send = async (extra?: LevelReport | { op: "link"; id: number; link: [number, number, number] | null }) => {
    if (out.length === 0 && !extra) return;
    const p = r.pipeline();
    for (let i = 0; i < out.length; i++) {
      const b = out[i];
      rep.bytesOut += b.byteLength;
      p.xadd(keys.inbox(dest[i]), "*", "b", Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    }
    // After the batches on the same connection: a report never announces a batch not yet stored.
    if (extra) p.xadd(keys.rep, "*", "j", JSON.stringify(extra));
    out = [];
    dest.length = 0;
    const res = await p.exec();
    for (const [e] of res ?? []) if (e) throw e;
  };
  const collect = (d: number) => {
    while (out.length > dest.length) {
      dest.push(d);
      rep.sent[d]++;
    }
  };

  const process1 = (f: Int32Array) => {
    const t0 = performance.now();
    checkBatch(f, F_MAGIC, w);
    const [, lv, , , nChildren, nParents] = f;
    const ch = HEADER + nParents * w;
    const pf = ch + nChildren * 4;
    // Keep the children that are new here; remake and expand only those.
    const keep: number[] = [];
    for (let i = 0; i < nChildren; i++) {
      const c = ch + 4 * i;
      const p = f[c + 2];
      if (table.insert(f[c], f[c + 1], f[pf + 2 * p], f[pf + 2 * p + 1], f[c + 3], lv)) keep.push(c);
    }
    rep.states += keep.length;
    if (keep.length === 0) {
      rep.us += (performance.now() - t0) * 1000;
      return;
    }
    const g = new Int32Array(ch + keep.length * 4);
    g.set(f.subarray(0, ch));
    g[4] = keep.length;
    keep.forEach((c, j) => g.set(f.subarray(c, c + 4), ch + 4 * j));
    const { data, side: sideText } = x.run(g);
    const side: ResultSide = sideText ? JSON.parse(sideText) : {};
    const nStates = data[4];
    const st = HEADER;
    let e = st + nStates * 3;
    const vec = e + data[5] * 3;
    for (let i = 0; i < nStates; i++) {
      const c = ch + 4 * i;
      const hi = g[c];
      const lo = g[c + 1];
      const status = data[st + 3 * i];
      const count = data[st + 3 * i + 2];
      const v = data.subarray(vec + i * w, vec + (i + 1) * w);
      const key = parentKey++;
      rep.transitions += count;
      for (const end = e + 3 * count; e < end; e += 3) {
        const d = ownerOf(data[e], n);
        builders[d].add(key, v, hi, lo, data[e], data[e + 1], data[e + 2] & 0xffff, lv + 1, out);
        collect(d);
      }
      if (status === VIOLATED) {
        rep.transitions++;
        rep.findings.push({ kind: "violation", hi, lo, pid: data[st + 3 * i + 1], v: side.violation![1] });
      } else if (status === DEADLOCKED) {
        if (!findingsAsWarnings) rep.findings.push({ kind: "deadlock", hi, lo, pid: -1, v: side.violation![1] });
        else if (side.deadlock?.[0] === i) rep.warnings.push([hi, lo, -2, side.deadlock[1]]); // -2: a deadlock
      }
    }
    for (const [i, pid, wv] of side.warnings ?? []) rep.warnings.push([g[ch + 4 * i], g[ch + 4 * i + 1], pid, wv]);
    for (const [, key, fs] of side.finals ?? [])
      if (!finalKeys.has(key)) {
        finalKeys.add(key);
        rep.finals.push([key, fs]);
      }
    rep.us += (performance.now() - t0) * 1000;
  };

  for (;;) {
    const got = (await r.xreadBuffer("COUNT", 64, "BLOCK", 200, "STREAMS", keys.ctl, keys.inbox(k), ctlLast, inLast)) as [Buffer, [Buffer, Buffer[]][]][] | null;
    if (!got) {
      if ((await r.get(CURRENT)) !== run) return;
      continue;
    }
    const read: string[] = [];
    for (const [sb, entries] of got) {
      const s = sb.toString();
      for (const [idb, f] of entries) {
        const id = idb.toString();
        const m = fields(f);
        if (s === keys.ctl) {
          ctlLast = id;
          const q = JSON.parse(m.get("j")!.toString()) as { op: "level"; level: number; expect: number[] } | { op: "link"; id: number; hi: number; lo: number };
          if (q.op === "level") expect.set(q.level, q.expect[k]);
          else if (ownerOf(q.hi, n) === k) {
            const i = table.find(q.hi, q.lo);
            await send({ op: "link", id: q.id, link: i < 0 ? null : table.parentOf(i) });
          }
        } else {
          inLast = id;
          read.push(id);
          const b = int32View(m.get("b")!);
          if (pauseAfter && ++takenAll === pauseAfter) {
            // Test hook (cluster-worker.ts): hold here, unanswered, heartbeat still going.
            process.stdout.write(`paused ${id}\n`);
            await new Promise(() => setInterval(() => {}, 1 << 30));
          }
          let q = buffered.get(b[1]);
          if (!q) buffered.set(b[1], (q = []));
          q.push(b);
        }
      }
    }
    // Taken into memory: the inbox need not keep them (a lost owner ends the run anyway).
    if (read.length) await r.xdel(keys.inbox(k), ...read);
    for (;;) {
      const q = buffered.get(level);
      while (q && q.length) {
        process1(q.shift()!);
        taken++;
        if (out.length >= 16) await send();
      }
      const want = expect.get(level);
      if (want === undefined || taken < want) break;
      if (taken > want) throw new Error(`slot ${k} got ${taken} batches of level ${level}, expected ${want}`);
      // Level done: the last partial batches, then the report.
      for (let d = 0; d < n; d++) {
        builders[d].flush(level + 1, out);
        collect(d);
      }
      await send({ op: "level", level, k, ...rep, us: Math.round(rep.us), tableBytes: table.bytes });
      buffered.delete(level);
      expect.delete(level);
      level++;
      taken = 0;
      rep = fresh();
    }
  }
}
