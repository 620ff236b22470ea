// The coordinator of the cluster search (`pageproof check FILE --cluster redis://...`):
// level-synchronous BFS whose expansion runs on worker processes (src/cli/cluster-worker.ts)
// that take frontier batches from a Redis stream with a consumer group.
//
// Expanding a state is a pure function of the state, so the workers may do it in any order,
// any number of times: a batch redone after a worker died gives the same result, and the
// coordinator keeps the first result of each batch. What depends on order is the commit:
// which successors are new, and (under POR) whether the cycle proviso expands a state fully.
// The coordinator commits the results in the serial search's order — batch after batch, state
// after state — against its own visited set, exactly as bfs.ts inserts them, so the verdict,
// the states, the transitions and the (shortest) counterexample are the one-machine search's.
// New states go out at once as the next level's batches, so the workers never wait for a
// level's commit to finish; a level ends when every batch issued for it has its result, which
// is a count the coordinator keeps, whatever is still in flight.

import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from "node:worker_threads";
import { randomBytes } from "node:crypto";
import { serialize } from "node:v8";
import { ModelIR } from "../../ir/ir.js";
import { SearchOptions, SearchOutcome, SearchStats } from "../bfs.js";
import { DEADLOCKED, FinalState, VIOLATED } from "../expand.js";
import { Machine, StepContext, Violation } from "../machine.js";
import { CompactFingerprintSet } from "../compact.js";
import { Fingerprinter, FingerprintSet, FingerprintTable, collisionProbability, pathFromParents } from "../store.js";
import { Canonicaliser, symmetryGroups } from "../symmetry.js";
import { F_MAGIC, HEADER, IntList, PROVISO, R_MAGIC, ResultSide, checkBatch } from "./batch.js";
import { JobOptions } from "./expand-batch.js";
import type { NetRequest, PulledResult } from "./net-thread.js";
import { partitionedSearch } from "./partition.js";

/** Children per frontier batch: small enough to spread a level over the workers and to redo
 * little after a loss, big enough that a message carries hundreds of states. */
const BATCH = Number(process.env.PAGEPROOF_CLUSTER_BATCH) || 512;

/** The Redis server could not be used: at the start a clear error, during a run an incomplete verdict. */
export class ClusterError extends Error {
  override name = "ClusterError";
}

/** Synchronous calls into the network thread (net-thread.ts). */
export class NetClient {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private constructor(private readonly url: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL("./net-thread.js", import.meta.url), { workerData: { url, flag: this.flag.buffer, port: port2 }, transferList: [port2] });
    this.worker.unref();
  }
  call<T>(q: NetRequest, transfer: ArrayBuffer[] = []): T {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(q, transfer);
    // Every request answers within its own timeouts (connect 5 s, BLOCK); the cap only guards
    // against a thread that died.
    if (Atomics.wait(this.flag, 0, 0, 120_000) === "timed-out") throw new ClusterError("the cluster network thread did not answer");
    const m = receiveMessageOnPort(this.port)?.message as { value?: T; error?: string } | undefined;
    if (!m) throw new ClusterError("the cluster network thread did not answer");
    if (m.error !== undefined) throw new ClusterError(m.error);
    return m.value as T;
  }
  /** Publishes a run (the model and the job's options); returns its id. */
  begin(model: ModelIR, job: JobOptions): string {
    const run = randomBytes(6).toString("hex");
    this.call({ op: "begin", run, model: serialize(model), opts: JSON.stringify(job) });
    return run;
  }
  close(): void {
    try {
      this.call({ op: "end" });
    } catch {
      // The thread is gone: the next run starts another.
      nets.delete(this.url);
      void this.worker.terminate();
    }
  }
  /** One network thread per server for the whole process (unref'd: it keeps nothing alive). */
  static for(url: string): NetClient {
    let n = nets.get(url);
    if (!n) nets.set(url, (n = new NetClient(url)));
    return n;
  }
}
const nets = new Map<string, NetClient>();

/** Growable parent links (state → parent state, step's process), as store.ts keeps them. */
class Links {
  parent = new Int32Array(1 << 12);
  via = new Int16Array(1 << 12);
  n = 0;
  add(p: number, pid: number): void {
    if (this.n === this.parent.length) {
      const a = new Int32Array(this.n * 2);
      a.set(this.parent);
      this.parent = a;
      const b = new Int16Array(this.n * 2);
      b.set(this.via);
      this.via = b;
    }
    this.parent[this.n] = p;
    this.via[this.n++] = pid;
  }
  pathTo(i: number): number[] {
    return pathFromParents(this.parent, this.via, i);
  }
}

/** The next level's frontier batches, built in commit order (= the serial order). */
class LevelBuilder {
  private readonly parents = new IntList(1 << 14);
  private readonly children = new IntList(1 << 12);
  private nParents = 0;
  private lastParent = -2; // -1 is the initial state's (none)
  batches = 0;
  states = 0;
  private rank0 = 0;
  constructor(
    readonly level: number,
    private readonly width: number,
    private readonly out: ArrayBuffer[],
  ) {}
  add(parentGlobal: number, parentVec: Int32Array, hi: number, lo: number, pid: number): void {
    if (parentGlobal !== this.lastParent) {
      this.parents.pushAll(parentVec);
      this.lastParent = parentGlobal;
      this.nParents++;
    }
    this.children.push(hi);
    this.children.push(lo);
    this.children.push(this.nParents - 1);
    this.children.push(pid);
    this.states++;
    if (this.children.n >> 2 === BATCH) this.flush();
  }
  flush(): void {
    const n = this.children.n >> 2;
    if (n === 0) return;
    const a = new Int32Array(HEADER + this.parents.n + this.children.n);
    a.set([F_MAGIC, this.level, this.batches++, this.rank0, n, this.nParents, this.width]);
    a.set(this.parents.a.subarray(0, this.parents.n), HEADER);
    a.set(this.children.a.subarray(0, this.children.n), HEADER + this.parents.n);
    this.out.push(a.buffer);
    this.rank0 += n;
    this.parents.clear();
    this.children.clear();
    this.nParents = 0;
    this.lastParent = -2;
  }
}

/**
 * The cluster search. `partitioned` (the user turned POR off): states are owned by the workers
 * (partition.ts); otherwise, and with PAGEPROOF_CLUSTER_MODE=ordered, the coordinator commits in
 * the serial order (below), which POR's cycle proviso needs.
 */
export function clusterSearch(model: ModelIR, opts: SearchOptions, url: string, partitioned = false): SearchOutcome {
  if (partitioned && !opts.por && process.env.PAGEPROOF_CLUSTER_MODE !== "ordered") return partitionedSearch(model, opts, url);
  const t0 = performance.now();
  if (opts.exact || opts.graph) throw new ClusterError("the cluster search stores fingerprints: --exact and liveness checks run on one machine");
  const m = new Machine(model); // compiles the model here first: a model error is reported before any worker sees it
  const w = m.width;
  const nProcs = model.processes.length;
  const por = !!opts.por && nProcs > 1;
  const groups = opts.symmetry !== false ? symmetryGroups(model) : [];
  const findingsAsWarnings = opts.findingsAsWarnings === true;
  const visited: FingerprintSet = opts.compact === false ? new FingerprintTable() : new CompactFingerprintSet();
  const links = new Links();
  const stats: SearchStats = { states: 0, transitions: 0, depth: 0, completeDepth: 0, seconds: 0, bytes: 0, visitedBytes: 0, collisionProbability: 0, threads: 1, clusterMode: "ordered" };
  const warnings: SearchOutcome["warnings"] = [];
  const warnSeen = new Set<string>();
  const finals = new Map<string, FinalState>();
  const workers = new Set<string>();
  const maxStates = opts.maxStates ?? Infinity;

  const net = NetClient.for(url);
  // PAGEPROOF_CLUSTER_PROFILE=1: where the time and the bytes went (bench/cluster.mjs reads it).
  const prof = { commitMs: 0, netMs: 0, workerMs: 0, frontierBytes: 0, resultBytes: 0, frontierBatches: 0, resultBatches: 0 };
  const profiling = process.env.PAGEPROOF_CLUSTER_PROFILE === "1";
  const levelSizes: number[] = [];
  let levelStart = 0; // global index of the first state of the level being committed
  let ended = false;
  const done = (o: Omit<SearchOutcome, "warnings" | "finals" | "stats" | "groups">): SearchOutcome => {
    if (!ended) net.close();
    ended = true;
    stats.states = links.n;
    stats.seconds = (performance.now() - t0) / 1000;
    stats.visitedBytes = visited.bytes;
    stats.bytes = visited.bytes + links.n * 6;
    stats.collisionProbability = collisionProbability(links.n);
    stats.workers = workers.size;
    if (profiling) {
      const cpu = process.cpuUsage(); // the whole coordinator process: its threads, compiling, messaging
      const levels = levelSizes.concat(links.n - levelStart);
      process.stderr.write(`cluster-profile ${JSON.stringify({ ...prof, cpuMs: (cpu.user + cpu.system) / 1000, states: links.n, transitions: stats.transitions, seconds: stats.seconds, workers: workers.size, batch: BATCH, levels })}\n`);
    }
    return { ...o, warnings, finals, stats, groups };
  };
  const warn = (key: string, warning: Violation, path: () => number[]) => {
    if (warnSeen.has(key)) return;
    warnSeen.add(key);
    warnings.push({ warning, path: path() });
  };

  try {
    // The initial state, as bfs.ts makes it.
    const fp = new Fingerprinter(w);
    const ctxWarnings: Violation[] = [];
    const { ctx, init } = initialState(m, opts, ctxWarnings);
    for (const wv of ctxWarnings) warn(`${wv.proc}:${wv.pc}`, wv, () => []);
    if (ctx.violation) return done({ status: "violation", violation: ctx.violation, path: [] });
    // prepareInitial: canonical form, then the fingerprint.
    if (groups.length) new Canonicaliser(m, groups).canon(init);
    fp.full(init);
    visited.add(fp.hi, fp.lo);
    links.add(-1, -1);

    const job: JobOptions = { por, symmetry: opts.symmetry !== false, warnAsViolation: opts.warnAsViolation, findingsAsWarnings, stepCacheBits: opts.stepCacheBits };
    const run = randomBytes(6).toString("hex");
    try {
      net.call({ op: "begin", run, model: serialize(model), opts: JSON.stringify(job) });
    } catch (e) {
      ended = true;
      net.close();
      throw e;
    }

    const outbox: ArrayBuffer[] = [];
    let next = new LevelBuilder(0, w, outbox);
    next.add(-1, init, fp.hi, fp.lo, -1);
    next.flush();
    // Per level: the global index of its first state, and how many batches were issued.
    let level = 0;
    let batchesOfLevel = next.batches;
    next = new LevelBuilder(1, w, outbox);
    let batch = 0; // next batch of `level` to commit
    const waiting = new Map<number, PulledResult>(); // results that came before their turn (key: level * 2^24 + batch)
    let last = "0-0";
    let lastProgress = t0;
    let quietSince = performance.now();
    let told = false;

    const limit = (): SearchOutcome["limit"] | null => {
      const now = performance.now();
      if (opts.maxMemoryMB !== undefined && visited.bytes + links.n * 6 > opts.maxMemoryMB * 1048576) return "max-memory";
      if (opts.timeoutMs !== undefined && now - t0 >= opts.timeoutMs) return "timeout";
      if (opts.interrupted?.()) return "interrupted";
      if (opts.progress && now - lastProgress > 2000) {
        lastProgress = now;
        opts.progress({ states: links.n, transitions: stats.transitions, queue: links.n - levelStart, depth: level, seconds: (now - t0) / 1000, bytes: visited.bytes + links.n * 6 });
      }
      return null;
    };
    const stop = (o: Omit<SearchOutcome, "warnings" | "finals" | "stats" | "groups">) => {
      stats.depth = level;
      stats.completeDepth = Math.max(0, level - 1);
      return done(o);
    };

    for (;;) {
      if (batch === batchesOfLevel) {
        // Level `level` is committed: its last partial batch of children goes out.
        next.flush();
        if (next.states === 0) {
          stats.depth = stats.completeDepth = level;
          return done({ status: "done" });
        }
        levelSizes.push(links.n - next.states - levelStart);
        levelStart = links.n - next.states;
        batchesOfLevel = next.batches;
        level++;
        batch = 0;
        next = new LevelBuilder(level + 1, w, outbox);
      }
      if (outbox.length) {
        const t = performance.now();
        for (const b of outbox) prof.frontierBytes += b.byteLength;
        prof.frontierBatches += outbox.length;
        const batches = outbox.splice(0);
        net.call({ op: "push", batches }, batches); // moved, not copied: they are not used again
        prof.netMs += performance.now() - t;
      }
      const key = level * 2 ** 24 + batch;
      const res = waiting.get(key);
      if (!res) {
        const l = limit();
        if (l) return stop({ status: "limit", limit: l });
        const t = performance.now();
        const got = net.call<PulledResult[]>({ op: "pull", last, blockMs: 250 });
        const now = performance.now();
        prof.netMs += now - t;
        if (got.length === 0 && !told && workers.size === 0 && now - quietSince > 10_000) {
          told = true;
          process.stderr.write(`pageproof: no worker has answered yet; start some with: pageproof worker --cluster ${url}\n`);
        }
        for (const g of got) {
          last = g.id;
          const h = new Int32Array(g.data, 0, HEADER);
          const k = h[1] * 2 ** 24 + h[2];
          // A batch redone after its worker was presumed lost: the first result stands.
          if (h[1] > level || (h[1] === level && h[2] >= batch)) if (!waiting.has(k)) waiting.set(k, g);
        }
        if (got.length) quietSince = now;
        continue;
      }
      waiting.delete(key);
      workers.add(res.worker);
      const tCommit = performance.now();
      prof.resultBytes += res.data.byteLength + (res.side?.length ?? 0);
      prof.resultBatches++;
      prof.workerMs += res.us / 1000;
      const r = new Int32Array(res.data);
      checkBatch(r, R_MAGIC, w);
      const side: ResultSide = res.side ? JSON.parse(res.side) : {};
      const [, , , rank0, nStates, nEmit] = r;
      const st = HEADER;
      const em = st + nStates * 3;
      const vec = em + nEmit * 3;
      let e = em;
      let wi = 0;
      const ws = side.warnings ?? [];
      let fi = 0;
      const fs = side.finals ?? [];
      for (let i = 0; i < nStates; i++) {
        const g = levelStart + rank0 + i; // the state's index in the serial order
        if (links.n >= maxStates) return stop({ status: "limit", limit: "max-states" });
        const status = r[st + 3 * i];
        const count = r[st + 3 * i + 2];
        const parentVec = r.subarray(vec + i * w, vec + (i + 1) * w);
        for (; wi < ws.length && ws[wi][0] === i; wi++) {
          const [, pid, wv] = ws[wi];
          warn(`${wv.proc}:${wv.pc}`, wv, () => (pid < 0 ? links.pathTo(g) : [...links.pathTo(g), pid]));
        }
        // The successors in the order bfs.ts inserts them: the persistent set (or every enabled
        // step without POR), then — only if one of those was known — the rest (cycle proviso).
        let revisited = false;
        let provisoAt = -1;
        const end = e + 3 * count;
        for (; e < end; e += 3) {
          const tag = r[e + 2];
          if (tag >> 16 === PROVISO) {
            if (provisoAt < 0) provisoAt = e;
            continue;
          }
          stats.transitions++;
          if (visited.add(r[e], r[e + 1])) {
            links.add(g, tag & 0xffff);
            next.add(g, parentVec, r[e], r[e + 1], tag & 0xffff);
          } else revisited = true;
        }
        if (revisited && provisoAt >= 0)
          for (let p = provisoAt; p < end; p += 3) {
            if (r[p + 2] >> 16 !== PROVISO) continue;
            stats.transitions++;
            if (visited.add(r[p], r[p + 1])) {
              links.add(g, r[p + 2] & 0xffff);
              next.add(g, parentVec, r[p], r[p + 1], r[p + 2] & 0xffff);
            }
          }
        for (; fi < fs.length && fs[fi][0] === i; fi++) if (!finals.has(fs[fi][1])) finals.set(fs[fi][1], fs[fi][2]);
        if (status === VIOLATED) {
          stats.transitions++;
          return stop({ status: "violation", violation: side.violation![1], path: [...links.pathTo(g), r[st + 3 * i + 1]] });
        }
        if (status === DEADLOCKED) {
          if (!findingsAsWarnings) return stop({ status: "violation", violation: side.violation![1], path: links.pathTo(g) });
          warn("deadlock", side.deadlock![1], () => links.pathTo(g));
        }
      }
      batch++;
      prof.commitMs += performance.now() - tCommit;
    }
  } catch (e) {
    if (e instanceof ClusterError && !ended) {
      // The server went away during the run: what was explored proves nothing.
      return done({ status: "limit", limit: "server-lost" });
    }
    throw e;
  } finally {
    if (!ended) {
      ended = true;
      net.close();
    }
  }
}

function initialState(m: Machine, opts: SearchOptions, warnings: Violation[]): { ctx: StepContext; init: Int32Array } {
  const ctx = new StepContext();
  ctx.warnAsViolation = opts.warnAsViolation;
  ctx.findingsAsWarnings = opts.findingsAsWarnings === true;
  const init = m.initial(ctx);
  warnings.push(...ctx.warnings);
  ctx.warnings.length = 0;
  return { ctx, init };
}
