// Redis keys and connection settings of the cluster search, shared by the coordinator's
// network thread (net-thread.ts) and the workers (src/cli/cluster-worker.ts).
//
// One run at a time per server: `pp:lock` (a lease the coordinator renews) names the run,
// `pp:current` tells the workers which run to serve. A run's keys share the hash tag {id}, so
// on a Redis Cluster they live on one node (sharding a run across nodes is not done).
import { Redis, RedisOptions } from "ioredis";

export const LOCK = "pp:lock";
export const CURRENT = "pp:current";
export const GROUP = "w";
/** The coordinator's lease on the server; a killed coordinator's run is taken over after it. */
export const LEASE_MS = Number(process.env.PAGEPROOF_CLUSTER_LEASE_MS) || 10_000;

export const runKeys = (id: string) => ({
  job: `pp:{${id}}:job`, // hash: model (v8-serialized ModelIR), opts (JSON)
  frontier: `pp:{${id}}:f`, // stream of frontier batches, consumer group GROUP
  results: `pp:{${id}}:r`, // stream of result batches
});

/** The partitioned mode's keys (partition.ts, partition-worker.ts). */
export const partKeys = (id: string) => ({
  roster: `pp:{${id}}:roster`, // set: workers that loaded the job
  owners: `pp:{${id}}:owners`, // JSON: the owners, in slot order (the coordinator fixes it once)
  ctl: `pp:{${id}}:ctl`, // stream: the coordinator's level and link requests (every owner reads all)
  rep: `pp:{${id}}:rep`, // stream: owners' level reports and link answers
  inbox: (k: number) => `pp:{${id}}:in:${k}`, // stream: batches of candidate states owned by slot k
  hb: (name: string) => `pp:{${id}}:hb:${name}`, // a live owner's heartbeat (PX)
});
/** An owner's heartbeat lease; one missing means the owner (and its part of the visited set) is lost. */
export const HEARTBEAT_MS = Number(process.env.PAGEPROOF_CLUSTER_HEARTBEAT_MS) || 5000;

/**
 * A connection that fails fast: no reconnecting, no queueing while disconnected, no resending,
 * so a lost server surfaces as an error at the next command (the run ends incomplete), never
 * as a hang.
 */
export function connectRedis(url: string): Redis {
  const opts: RedisOptions = {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    connectTimeout: 5000,
  };
  const r = new Redis(url, opts);
  r.on("error", () => {}); // reported through the failing command instead
  return r;
}

/** Connects, or throws an error with a message fit for the user. */
export async function reach(r: Redis, url: string): Promise<void> {
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    throw new Error(`cannot reach the cluster server at ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Field list [k1, v1, k2, v2, ...] of a stream entry as a map. */
export function fields(f: (Buffer | string)[]): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (let i = 0; i + 1 < f.length; i += 2) m.set(f[i].toString(), Buffer.isBuffer(f[i + 1]) ? (f[i + 1] as Buffer) : Buffer.from(f[i + 1]));
  return m;
}

/** null if the server answers PING, else why not. */
export async function probe(url: string): Promise<string | null> {
  const r = connectRedis(url);
  try {
    await reach(r, url);
    return null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    r.disconnect();
  }
}
