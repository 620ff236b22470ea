// The Node library entry: checkSource / checkFile with the prelude read from disk.

import { readFileSync } from "node:fs";
import { CheckOptions, CheckResult, EMPTY_STATS, checkSource as checkCore } from "./core.js";
import { resolveFromDisk } from "./node/prelude.js";
import { parallelSearch } from "./engine/parallel/search.js";
import { clusterSearch } from "./engine/cluster/search.js";

export * from "./core.js";

export interface NodeCheckOptions extends CheckOptions {
  /** Threads exploring together (worker threads sharing the visited set); 1 = serial. */
  workers?: number;
  /** A Redis URL: the search runs on the cluster's workers (engine/cluster/). */
  cluster?: string;
}

export function checkSource(text: string, path = "<input>", opts: NodeCheckOptions = {}): CheckResult {
  const workers = opts.workers ?? 1;
  const cluster = opts.cluster;
  const engine: CheckOptions["engine"] = cluster ? (model, o) => clusterSearch(model, o, cluster) : workers > 1 ? (model, o) => parallelSearch(model, o, workers) : undefined;
  return checkCore(text, path, { resolveInclude: resolveFromDisk, engine, ...opts });
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
