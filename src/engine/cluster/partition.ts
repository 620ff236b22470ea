// The partitioned cluster search (`check --no-por --cluster URL`; docs/design.md "Distributed
// search"). Without partial-order reduction the states and transitions of a BFS do not depend on
// the order of insertion, so the visited set need not be committed in one place: each worker
// owns the fingerprints that hash to its slot (partition-worker.ts), dedups, expands and sends
// successors straight to their owners. This coordinator only fixes the owners, starts each
// level with the number of batches every owner must take (the sum of what the owners reported
// sending — so termination does not depend on what is in flight), adds up the reports, and
// rebuilds a counterexample by asking the owners for parent links, one per step.
//
// An owner's part of the visited set lives in its memory only: an owner lost mid-run (its
// heartbeat runs out) ends the run incomplete ("worker-lost"), never pass.

import { ModelIR } from "../../ir/ir.js";
import { SearchOptions, SearchOutcome, SearchStats } from "../bfs.js";
import { FinalState } from "../expand.js";
import { Machine, StepContext, Violation } from "../machine.js";
import { Fingerprinter, collisionProbability } from "../store.js";
import { Canonicaliser, symmetryGroups } from "../symmetry.js";
import { JobOptions } from "./expand-batch.js";
import { LevelReport, PartBuilder, ownerOf } from "./partition-worker.js";
import { partKeys } from "./redis.js";
import { ClusterError, NetClient } from "./search.js";


/** Candidates per batch to one owner (the owners read it from the job). */
const BATCH = Number(process.env.PAGEPROOF_CLUSTER_BATCH) || 512;

type Outcome = Omit<SearchOutcome, "warnings" | "finals" | "stats" | "groups">;
type Entries = [string, [string, string[]][]][] | null;
const nap = new Int32Array(new SharedArrayBuffer(4));

export function partitionedSearch(model: ModelIR, opts: SearchOptions, url: string): SearchOutcome {
  const t0 = performance.now();
  if (opts.exact || opts.graph) throw new ClusterError("the cluster search stores fingerprints: --exact and liveness checks run on one machine");
  // Owners to wait for before the run starts (read per run: a test sets it).
  const MIN_OWNERS = Number(process.env.PAGEPROOF_CLUSTER_WORKERS) || 1;
  const m = new Machine(model);
  const w = m.width;
  const groups = opts.symmetry !== false ? symmetryGroups(model) : [];
  const findingsAsWarnings = opts.findingsAsWarnings === true;
  const stats: SearchStats = { states: 0, transitions: 0, depth: 0, completeDepth: 0, seconds: 0, bytes: 0, visitedBytes: 0, collisionProbability: 0, threads: 1, clusterMode: "partitioned" };
  const warnings: SearchOutcome["warnings"] = [];
  const finals = new Map<string, FinalState>();
  let owners: string[] = [];
  const maxStates = opts.maxStates ?? Infinity;
  const net = NetClient.for(url);
  const profiling = process.env.PAGEPROOF_CLUSTER_PROFILE === "1";
  const prof = { workerUs: 0, bytesOut: 0, messages: 0, levels: [] as number[] };
  let ended = false;
  let tableBytes = 0;
  const done = (o: Outcome): SearchOutcome => {
    if (!ended) net.close();
    ended = true;
    stats.seconds = (performance.now() - t0) / 1000;
    stats.visitedBytes = stats.bytes = tableBytes;
    stats.collisionProbability = collisionProbability(stats.states);
    stats.workers = owners.length;
    if (profiling) {
      const cpu = process.cpuUsage();
      process.stderr.write(`cluster-profile ${JSON.stringify({ mode: "partitioned", cpuMs: (cpu.user + cpu.system) / 1000, workerMs: prof.workerUs / 1000, bytesOut: prof.bytesOut, messages: prof.messages, batch: BATCH, states: stats.states, transitions: stats.transitions, seconds: stats.seconds, workers: owners.length, levels: prof.levels })}\n`);
    }
    return { ...o, warnings, finals, stats, groups };
  };
  const exec = <T = unknown[]>(...cmds: (string | number | Uint8Array)[][]) => net.call<T>({ op: "exec", cmds });

  try {
    const fp = new Fingerprinter(w);
    const ctx = new StepContext();
    ctx.warnAsViolation = opts.warnAsViolation;
    ctx.findingsAsWarnings = findingsAsWarnings;
    const init = m.initial(ctx);
    const seen = new Set<string>();
    for (const wv of ctx.warnings) if (!seen.has(`${wv.proc}:${wv.pc}`)) seen.add(`${wv.proc}:${wv.pc}`), warnings.push({ warning: wv, path: [] });
    if (ctx.violation) return done({ status: "violation", violation: ctx.violation, path: [] });
    if (groups.length) new Canonicaliser(m, groups).canon(init);
    fp.full(init);

    const job: JobOptions = { por: false, symmetry: opts.symmetry !== false, warnAsViolation: opts.warnAsViolation, findingsAsWarnings, stepCacheBits: opts.stepCacheBits, mode: "partitioned", batch: BATCH };
    let run: string;
    try {
      run = net.begin(model, job);
    } catch (e) {
      // Not reachable, or another check holds the server: an error (exit 2), not a verdict.
      ended = true;
      net.close();
      throw e;
    }
    const keys = partKeys(run);

    const limit = (): SearchOutcome["limit"] | null => {
      if (opts.maxMemoryMB !== undefined && tableBytes > opts.maxMemoryMB * 1048576) return "max-memory";
      if (opts.timeoutMs !== undefined && performance.now() - t0 >= opts.timeoutMs) return "timeout";
      if (opts.interrupted?.()) return "interrupted";
      return null;
    };

    // The owners: the workers that loaded the job, once there are enough of them. A worker
    // that comes later serves the next run.
    let told = false;
    for (;;) {
      const [roster] = exec<string[][]>(["SMEMBERS", keys.roster]);
      if (roster.length >= MIN_OWNERS) {
        owners = roster.sort();
        break;
      }
      const l = limit();
      if (l) return done({ status: "limit", limit: l });
      if (!told && performance.now() - t0 > 10_000) {
        told = true;
        process.stderr.write(`pageproof: waiting for ${MIN_OWNERS - roster.length} more worker(s); start some with: pageproof worker --cluster ${url}\n`);
      }
      Atomics.wait(nap, 0, 0, 25);
    }
    const n = owners.length;
    const first = new PartBuilder(w, -1, BATCH);
    const out: Int32Array[] = [];
    first.add(0, init, 0, 0, fp.hi, fp.lo, -1, 0, out);
    first.flush(0, out);
    const expect0 = new Array<number>(n).fill(0);
    expect0[ownerOf(fp.hi, n)] = 1;
    exec(["SET", keys.owners, JSON.stringify(owners)], ["XADD", keys.inbox(ownerOf(fp.hi, n)), "*", "b", new Uint8Array(out[0].buffer)], ["XADD", keys.ctl, "*", "j", JSON.stringify({ op: "level", level: 0, expect: expect0 })]);

    let repLast = "0-0";
    let lastProgress = t0;
    let linkId = 0;
    const links = new Map<number, [number, number, number] | null>();
    const read = (): LevelReport[] => {
      const got = exec<[Entries]>(["XREAD", "COUNT", 256, "BLOCK", 250, "STREAMS", keys.rep, repLast])[0];
      const reps: LevelReport[] = [];
      for (const [, entries] of got ?? [])
        for (const [id, f] of entries) {
          repLast = id;
          const q = JSON.parse(f[1]) as LevelReport | { op: "link"; id: number; link: [number, number, number] | null };
          if (q.op === "link") links.set(q.id, q.link);
          else reps.push(q);
        }
      return reps;
    };
    // The owners' heartbeats, checked about once a second while waiting.
    let lastBeat = performance.now();
    const lost = (): boolean => {
      const now = performance.now();
      if (now - lastBeat < 1000) return false;
      lastBeat = now;
      const alive = exec<number[]>(...owners.map((o) => ["EXISTS", keys.hb(o)]));
      return alive.some((a) => a === 0);
    };
    /** The steps from the initial state to a state, from its owners' parent links. */
    const pathTo = (hi: number, lo: number): number[] => {
      const path: number[] = [];
      for (;;) {
        const id = linkId++;
        exec(["XADD", keys.ctl, "*", "j", JSON.stringify({ op: "link", id, hi, lo })]);
        while (!links.has(id)) {
          if (read().length) throw new Error("a level report after the search ended");
          if (lost()) throw new ClusterError("an owner was lost while the counterexample was rebuilt");
        }
        const l = links.get(id);
        if (!l) throw new Error("a state without a parent link");
        links.delete(id);
        if (l[2] < 0) return path.reverse();
        path.push(l[2]);
        [hi, lo] = l;
      }
    };

    // Per warning key: the shallowest occurrence (then the smallest fingerprint), as the serial
    // search keeps the first it meets, which is a shallowest one.
    const warnAt = new Map<string, { level: number; hi: number; lo: number; pid: number; v: Violation }>();
    for (let level = 0; ; level++) {
      const reps = new Map<number, LevelReport>();
      while (reps.size < n) {
        for (const q of read()) if (q.level === level) reps.set(q.k, q);
        if (reps.size === n) break;
        const l = limit();
        if (l) return done({ status: "limit", limit: l });
        if (lost()) return done({ status: "limit", limit: "worker-lost" });
      }
      let newStates = 0;
      const expect = new Array<number>(n).fill(0);
      const findings: (LevelReport["findings"][number] & { len: number })[] = [];
      tableBytes = 0;
      for (const q of reps.values()) {
        newStates += q.states;
        stats.transitions += q.transitions;
        q.sent.forEach((c, d) => (expect[d] += c));
        for (const [key, f] of q.finals) if (!finals.has(key)) finals.set(key, f);
        for (const [hi, lo, pid, v] of q.warnings) {
          const key = pid === -2 ? "deadlock" : `${v.proc}:${v.pc}`;
          const o = warnAt.get(key);
          if (!seen.has(key) && (!o || (o.level === level && less2(hi, lo, o.hi, o.lo)))) warnAt.set(key, { level, hi, lo, pid, v });
        }
        for (const f of q.findings) findings.push({ ...f, len: f.kind === "violation" ? level + 1 : level });
        prof.workerUs += q.us;
        prof.bytesOut += q.bytesOut;
        for (const c of q.sent) prof.messages += c;
        tableBytes += q.tableBytes;
      }
      stats.states += newStates;
      if (newStates) {
        stats.depth = level;
        prof.levels.push(newStates);
      }
      const finish = (o: Outcome): SearchOutcome => {
        for (const [key, a] of warnAt) {
          seen.add(key);
          warnings.push({ warning: a.v, path: a.pid >= 0 ? [...pathTo(a.hi, a.lo), a.pid] : pathTo(a.hi, a.lo) });
        }
        return done(o);
      };
      if (findings.length) {
        // A shortest counterexample: the shortest finding of the first level that has one,
        // then the smallest fingerprint (the serial search takes the first in its order).
        findings.sort((a, b) => a.len - b.len || (less2(a.hi, a.lo, b.hi, b.lo) ? -1 : less2(b.hi, b.lo, a.hi, a.lo) ? 1 : 0));
        const f = findings[0];
        stats.completeDepth = Math.max(0, level - 1);
        const path = pathTo(f.hi, f.lo);
        return finish({ status: "violation", violation: f.v, path: f.kind === "violation" ? [...path, f.pid] : path });
      }
      const sent = expect.reduce((a, b) => a + b, 0);
      if (sent === 0) {
        stats.completeDepth = stats.depth;
        return finish({ status: "done" });
      }
      stats.completeDepth = level;
      if (stats.states >= maxStates) return finish({ status: "limit", limit: "max-states" });
      if (opts.progress && performance.now() - lastProgress > 2000) {
        lastProgress = performance.now();
        opts.progress({ states: stats.states, transitions: stats.transitions, queue: sent, depth: level, seconds: (lastProgress - t0) / 1000, bytes: tableBytes });
      }
      exec(["XADD", keys.ctl, "*", "j", JSON.stringify({ op: "level", level: level + 1, expect })]);
    }
  } catch (e) {
    if (e instanceof ClusterError && !ended) {
      if (process.env.PAGEPROOF_CLUSTER_DEBUG) process.stderr.write(`${e.message}\n`);
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

function less2(ah: number, al: number, bh: number, bl: number): boolean {
  return ah >>> 0 < bh >>> 0 || (ah === bh && al >>> 0 < bl >>> 0);
}
