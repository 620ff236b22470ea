// `pageproof worker --cluster redis://HOST:PORT`: a worker of the cluster search. It serves the
// run named by pp:current: takes frontier batches from the run's stream as a member of the
// consumer group, expands them (engine/cluster/expand-batch.ts) and adds the result batch and
// the acknowledgement in one MULTI. It keeps nothing the run needs: killed at any moment, its
// unacknowledged batch stays pending and an idle worker claims it (XAUTOCLAIM) and redoes it.
//
// Test hook: PAGEPROOF_CLUSTER_PAUSE_AFTER=N makes the worker print "paused <entry id>" on
// stdout when it takes its Nth batch, and then hold it without answering, so a test can kill it
// at a known point of the run (mid-level, batch unacknowledged) without sleeping.

import { hostname } from "node:os";
import { deserialize } from "node:v8";
import { ModelIR } from "../ir/ir.js";
import { BatchExpander, JobOptions } from "../engine/cluster/expand-batch.js";
import { int32View } from "../engine/cluster/batch.js";
import { S_MAGIC, runSwarmJob } from "../engine/cluster/swarm-job.js";
import { CURRENT, GROUP, HEARTBEAT_MS, connectRedis, fields, partKeys, reach, runKeys } from "../engine/cluster/redis.js";
import { servePartition } from "../engine/cluster/partition-worker.js";
import type { Redis } from "ioredis";
import { clusterUrlError } from "../engine/cluster/url.js";
import { UsageError } from "./args.js";

/** A worker takes over a batch that another has held this long without answering. */
const CLAIM_MS = Number(process.env.PAGEPROOF_CLUSTER_CLAIM_MS) || 5000;
/** How often an idle worker looks for a run (a GET: cheap for the server, quick to start). */
const IDLE_MS = 25;

/** ioredis has the Buffer form of every command, but types this one only as strings. */
type AutoClaim = { xautoclaimBuffer(...args: (string | number)[]): Promise<unknown> };

export async function runWorker(argv: string[]): Promise<number> {
  let url: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--cluster") url = argv[++i];
    else if (argv[i].startsWith("--cluster=")) url = argv[i].slice("--cluster=".length);
    else throw new UsageError(`worker: unknown argument ${argv[i]} (usage: pageproof worker --cluster redis://HOST:PORT)`);
  }
  const bad = clusterUrlError(url);
  if (bad) throw new UsageError(`worker: ${bad}`);
  const r = connectRedis(url!);
  try {
    await reach(r, url!);
  } catch (e) {
    process.stderr.write(`pageproof worker: ${(e as Error).message}\n`);
    return 2;
  }
  const name = `${hostname()}:${process.pid}`;
  const pauseAfter = Number(process.env.PAGEPROOF_CLUSTER_PAUSE_AFTER) || 0;
  let taken = 0;
  let run: string | null = null;
  let expander: BatchExpander | null = null;
  let swarmJob: { model: ModelIR; opts: JobOptions } | null = null;
  let keys = runKeys("");
  process.stderr.write(`pageproof worker ${name}: serving ${url}\n`);
  try {
    for (;;) {
      const cur = (await r.get(CURRENT)) as string | null;
      if (!cur) {
        await new Promise((res) => setTimeout(res, IDLE_MS));
        continue;
      }
      if (cur !== run) {
        const job = await r.hgetallBuffer(runKeys(cur).job); // model and options
        if (!job.model || !job.opts) {
          await new Promise((res) => setTimeout(res, IDLE_MS));
          continue;
        }
        const model = deserialize(job.model) as ModelIR;
        const opts = JSON.parse(job.opts.toString()) as JobOptions;
        expander = expanding(() => new BatchExpander(model, opts));
        if (opts.mode === "partitioned") {
          // Register, then serve a slot if the coordinator made this worker an owner; either
          // way, wait for the run to end (a worker that came late serves the next run).
          await partitioned(r, url!, cur, name, expander, opts, pauseAfter);
          run = null;
          continue;
        }
        swarmJob = { model, opts };
        run = cur;
        keys = runKeys(cur);
      }
      let entries: [Buffer, (Buffer | string)[]][] = [];
      try {
        const got = (await r.xreadgroupBuffer("GROUP", GROUP, name, "COUNT", 1, "BLOCK", 200, "STREAMS", keys.frontier, ">")) as [Buffer, [Buffer, Buffer[]][]][] | null;
        if (got) entries = got[0][1];
        // Idle: take over a batch whose worker has not answered for CLAIM_MS (it died, or is
        // very slow — then both answer and the coordinator keeps the first).
        else entries = ((await (r as unknown as AutoClaim).xautoclaimBuffer(keys.frontier, GROUP, name, CLAIM_MS, "0-0", "COUNT", 1)) as [Buffer, [Buffer, Buffer[]][]])[1];
      } catch (e) {
        // The run ended (its stream and group were deleted): wait for the next one.
        if (/NOGROUP|no longer exists|no such key/i.test((e as Error).message)) {
          run = null;
          continue;
        }
        throw e;
      }
      for (const [idb, f] of entries) {
        if (!f) continue; // deleted under us: the coordinator already has its result
        const id = idb.toString();
        const b = fields(f).get("b");
        if (!b) continue;
        if (pauseAfter && ++taken === pauseAfter) {
          process.stdout.write(`paused ${id}\n`);
          await new Promise(() => setInterval(() => {}, 1 << 30));
        }
        const batch = int32View(b);
        if (batch[0] === S_MAGIC) {
          const [, index, seed, bound] = batch;
          const report = JSON.stringify(expanding(() => runSwarmJob(swarmJob!.model, swarmJob!.opts, index, seed, bound)));
          await r.multi().xadd(keys.results, "NOMKSTREAM", "*", "w", name, "f", id, "s", report).xack(keys.frontier, GROUP, id).exec();
          continue;
        }
        const t0 = performance.now();
        const { data, side } = expanding(() => expander!.run(batch));
        const us = String(Math.round((performance.now() - t0) * 1000));
        const m = r.multi();
        const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
        // NOMKSTREAM: a run that ended meanwhile (its keys deleted) is not brought back.
        if (side) m.xadd(keys.results, "NOMKSTREAM", "*", "w", name, "f", id, "t", us, "b", body, "j", side);
        else m.xadd(keys.results, "NOMKSTREAM", "*", "w", name, "f", id, "t", us, "b", body);
        m.xack(keys.frontier, GROUP, id);
        await m.exec();
      }
    }
  } catch (e) {
    if (e instanceof ExpandError) {
      // Not the server's fault: say so, and leave the batch to a worker that can do it.
      process.stderr.write(`pageproof worker: cannot expand a batch of run ${run}: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`pageproof worker: lost the cluster server at ${url}: ${(e as Error).message}\n`);
    return 2;
  }
}

async function partitioned(r: Redis, url: string, run: string, name: string, x: BatchExpander, opts: JobOptions, pauseAfter: number): Promise<void> {
  const keys = partKeys(run);
  // The heartbeat exists before the name is in the roster (the coordinator may check it as soon
  // as it fixes the owners), and is renewed on a connection of its own: the main one blocks in
  // XREAD and expands between reads, which must not let the lease run out.
  const hb = connectRedis(url);
  await hb.connect();
  const beat = setInterval(() => void hb.set(keys.hb(name), "1", "PX", HEARTBEAT_MS).catch(() => {}), HEARTBEAT_MS / 4);
  try {
    await r.multi().set(keys.hb(name), "1", "PX", HEARTBEAT_MS).sadd(keys.roster, name).exec();
    await serveIfOwner(r, run, name, x, opts, pauseAfter);
  } finally {
    clearInterval(beat);
    hb.disconnect();
  }
}

async function serveIfOwner(r: Redis, run: string, name: string, x: BatchExpander, opts: JobOptions, pauseAfter: number): Promise<void> {
  const keys = partKeys(run);
  for (;;) {
    const [[, owners], [, cur]] = (await r.multi().get(keys.owners).get(CURRENT).exec()) as [unknown, string | null][];
    if (cur !== run) return;
    if (owners) {
      const list = JSON.parse(owners) as string[];
      const k = list.indexOf(name);
      if (k >= 0) await servePartition(r, run, name, k, list.length, x, opts.findingsAsWarnings, opts.batch ?? 512, pauseAfter);
      while ((await r.get(CURRENT)) === run) await new Promise((res) => setTimeout(res, IDLE_MS));
      return;
    }
    await new Promise((res) => setTimeout(res, IDLE_MS));
  }
}

class ExpandError extends Error {}

function expanding<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new ExpandError(e instanceof Error ? e.message : String(e));
  }
}
