// The coordinator's network thread. The search is synchronous (checkSource returns a result,
// as the serial and parallel searches do), so its Redis I/O runs here, in an async thread:
// the coordinator posts a request and sleeps in Atomics.wait until this thread posts the answer
// and wakes it (NetClient in search.ts). This thread also renews the run's lease on its own
// connection while the coordinator computes.

import { workerData } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";
import { CURRENT, GROUP, LEASE_MS, LOCK, connectRedis, fields, reach, runKeys } from "./redis.js";

export type NetRequest =
  | { op: "begin"; run: string; model: Uint8Array; opts: string }
  | { op: "push"; batches: ArrayBuffer[] }
  | { op: "pull"; last: string; blockMs: number }
  | { op: "exec"; cmds: (string | number | Uint8Array)[][] }
  | { op: "end" };

export interface PulledResult {
  id: string;
  worker: string;
  data: ArrayBuffer;
  side: string | null;
  /** The worker's time expanding the batch, µs (for PAGEPROOF_CLUSTER_PROFILE). */
  us: number;
  swarm: string | null;
}

const RENEW = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;
const { url, flag, port } = workerData as { url: string; flag: SharedArrayBuffer; port: MessagePort };
const wake = new Int32Array(flag);
// The thread (and its connections) serve every run of the process: loading the client library
// costs about half a second here, and a violation is searched twice (core.ts).
let r = connectRedis(url);
let lease = connectRedis(url);
let run = "";
let keys = runKeys("");
let renew: NodeJS.Timeout | null = null;

async function handle(q: NetRequest): Promise<{ value: unknown; transfer?: ArrayBuffer[] }> {
  switch (q.op) {
    case "begin": {
      // A connection that ended (the server went away) is made again.
      if (r.status !== "ready") {
        r.disconnect();
        r = connectRedis(url);
        await reach(r, url);
      }
      if (lease.status !== "ready") {
        lease.disconnect();
        lease = connectRedis(url);
        await reach(lease, url);
      }
      // A coordinator that was killed stops renewing its lease: wait one lease period for it to
      // run out. A live one renews it, and this run is refused.
      const until = Date.now() + LEASE_MS + 1000;
      while ((await r.set(LOCK, q.run, "PX", LEASE_MS, "NX")) !== "OK") {
        if (Date.now() > until) throw new Error(`another check (run ${await r.get(LOCK)}) is using the cluster server at ${url}`);
        await new Promise((res) => setTimeout(res, 100));
      }
      run = q.run;
      keys = runKeys(run);
      // A coordinator that was killed left its run behind (its lease ran out): drop it.
      const old = await r.get(CURRENT);
      if (old) await r.del(...Object.values(runKeys(old)));
      await r.hset(keys.job, "model", Buffer.from(q.model), "opts", q.opts);
      await r.xgroup("CREATE", keys.frontier, GROUP, "0", "MKSTREAM");
      // The results stream exists from the start: workers add with NOMKSTREAM, so that an
      // answer arriving after the run ended does not bring its keys back.
      await r.xgroup("CREATE", keys.results, GROUP, "$", "MKSTREAM");
      await r.set(CURRENT, run);
      // Compare-and-renew: a renewal still in flight when the run ends must not write this run's
      // id over the next run's lease (a plain SET XX did, and the next run could not release it).
      const mine = run;
      if (renew) clearInterval(renew);
      renew = setInterval(() => void lease.eval(RENEW, 1, LOCK, mine, LEASE_MS).catch(() => {}), LEASE_MS / 4);
      return { value: null };
    }
    case "push": {
      const p = r.pipeline();
      for (const b of q.batches) p.xadd(keys.frontier, "*", "b", Buffer.from(b));
      const res = await p.exec();
      for (const [e] of res ?? []) if (e) throw e;
      return { value: null };
    }
    case "pull": {
      const res = await r.xreadBuffer("COUNT", 256, "BLOCK", q.blockMs, "STREAMS", keys.results, q.last);
      const out: PulledResult[] = [];
      const transfer: ArrayBuffer[] = [];
      if (!res) return { value: out };
      const done: string[] = [];
      const frontierDone: string[] = [];
      for (const [idb, f] of res[0][1]) {
        const id = idb.toString();
        const m = fields(f);
        // A result batch ("b"), or a swarm job's report ("s", JSON: one per job).
        const b = m.get("b") ?? Buffer.alloc(0);
        const data = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
        out.push({ id, worker: m.get("w")?.toString() ?? "?", data, side: m.get("j")?.toString() ?? null, us: Number(m.get("t")?.toString() ?? 0), swarm: m.get("s")?.toString() ?? null });
        transfer.push(data);
        done.push(id);
        const fid = m.get("f")?.toString();
        if (fid) frontierDone.push(fid);
      }
      // Read entries are not needed again: keep the server's memory to what is in flight.
      const p = r.pipeline();
      p.xdel(keys.results, ...done);
      if (frontierDone.length) p.xdel(keys.frontier, ...frontierDone);
      await p.exec();
      return { value: out, transfer };
    }
    case "exec": {
      // A pipeline of plain commands (the partitioned mode's control traffic: a few per level).
      const res = await r.pipeline(q.cmds.map(([c, ...a]) => [String(c).toLowerCase(), ...a.map((x) => (x instanceof Uint8Array ? Buffer.from(x) : x))] as [string, ...(string | number | Buffer)[]])).exec();
      const out: unknown[] = [];
      for (const [e, v] of res ?? []) {
        if (e) throw e;
        out.push(v);
      }
      return { value: out };
    }
    case "end": {
      if (renew) clearInterval(renew);
      try {
        if ((await r.get(CURRENT)) === run) await r.del(CURRENT);
        await r.del(...Object.values(keys));
        // The partitioned mode's keys (roster, inboxes, heartbeats) share the run's prefix.
        let cursor = "0";
        do {
          const [c, found] = await r.scan(cursor, "MATCH", `pp:{${run}}:*`, "COUNT", 1000);
          cursor = c;
          if (found.length) await r.del(...found);
        } while (cursor !== "0");
        await r.eval(RELEASE, 1, LOCK, run);
      } catch {
        // the server is gone: nothing left to clean
      }
      return { value: null };
    }
  }
}

port.on("message", (q: NetRequest) => {
  handle(q).then(
    ({ value, transfer }) => answer({ value }, transfer),
    (e: unknown) => answer({ error: e instanceof Error ? e.message : String(e) }),
  );
});

function answer(msg: { value?: unknown; error?: string }, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
  Atomics.store(wake, 0, 1);
  Atomics.notify(wake, 0);
}
