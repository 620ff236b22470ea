// The Node library entry: checkSource / checkFile with the prelude read from disk.

import { readFileSync } from "node:fs";
import { CheckOptions, CheckResult, EMPTY_STATS, checkSource as checkCore } from "./core.js";
import { resolveFromDisk } from "./node/prelude.js";
import { parallelSearch } from "./engine/parallel/search.js";
import { clusterSearch } from "./engine/cluster/search.js";
import { swarmSearch } from "./engine/cluster/swarm.js";

export * from "./core.js";

export interface NodeCheckOptions extends CheckOptions {
  /** Threads exploring together (worker threads sharing the visited set); 1 = serial. */
  workers?: number;
  /** A Redis URL: the search runs on the cluster's workers (engine/cluster/). */
  cluster?: string;
  /** With cluster: N randomized bounded depth-first jobs (cluster/swarm.ts) instead of the exhaustive search. */
  swarm?: number;
}

export function checkSource(text: string, path = "<input>", opts: NodeCheckOptions = {}): CheckResult {
  const workers = opts.workers ?? 1;
  const cluster = opts.cluster;
  const swarm = opts.swarm;
  const engine: CheckOptions["engine"] = cluster && swarm ? (model, o) => swarmSearch(model, o, cluster, swarm) : cluster ? (model, o) => clusterSearch(model, o, cluster, opts.por === false) : workers > 1 ? (model, o) => parallelSearch(model, o, workers) : undefined;
  // The swarm's depth-first jobs run without POR (no stack proviso): the report says so.
  return checkCore(text, path, { resolveInclude: resolveFromDisk, engine, ...opts, ...(cluster && swarm ? { por: false } : {}) });
}

export function checkFile(path: string, opts: NodeCheckOptions = {}): CheckResult {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const message = `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
    return { file: path, name: path, verdict: "error", warnings: [], mode: "strict", finalStates: [], stats: EMPTY_STATS, error: { file: path, line: 0, col: 0, message, formatted: `${path}: error: ${message}` } };
  }
  return checkSource(text, path, opts);
}
