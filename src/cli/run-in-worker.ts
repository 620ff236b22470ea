// Ctrl-C during a search: the search is synchronous, so it runs in a worker thread while the
// main thread stays idle in its event loop. SIGINT sets a flag in shared memory; the worker's
// search sees it, stops with verdict incomplete (limit "interrupted") and the stats so far.
// A second Ctrl-C exits at once (exit code 130).
import { Worker } from "node:worker_threads";
import { CheckResult } from "../check.js";
import { CliOptions } from "./args.js";

export const INTERRUPTED_EXIT = 130;

/** Checks the files in order in one worker; after an interrupt, the remaining files are skipped. */
export async function checkInWorker(files: string[], o: CliOptions): Promise<{ results: CheckResult[]; interrupted: boolean }> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(INTERRUPTED_EXIT);
    interrupted = true;
    Atomics.store(flag, 0, 1);
  };
  // The progress line: for a person at a terminal, or forced (tests) with PAGEPROOF_PROGRESS=1.
  const progress = !!process.stderr.isTTY || process.env.PAGEPROOF_PROGRESS === "1";
  const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: { options: o, flag: flag.buffer, progress } });
  process.on("SIGINT", onSigint);
  const results: CheckResult[] = [];
  try {
    for (const f of files) {
      if (interrupted) break;
      results.push(
        await new Promise<CheckResult>((resolve, reject) => {
          const fail = (e: unknown) => reject(e instanceof Error ? e : new Error(`worker exited with code ${String(e)}`));
          worker.once("error", fail);
          worker.once("exit", fail);
          worker.once("message", (r: CheckResult) => {
            worker.off("error", fail);
            worker.off("exit", fail);
            resolve(r);
          });
          worker.postMessage(f);
        }),
      );
    }
  } finally {
    process.off("SIGINT", onSigint);
    await worker.terminate();
  }
  return { results, interrupted };
}
