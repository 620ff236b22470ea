// The worker thread of the pageproof.check command: one full check of the text it was given,
// posted back as the plain-data CheckResult ({ result }), with { progress } messages on long
// runs when asked. The server terminates the thread to cancel: the search is synchronous, so
// only that stops it at once.
import { parentPort, workerData } from "node:worker_threads";
import { NodeCheckOptions, checkSource } from "../check.js";

const { text, path, options, progress } = workerData as { text: string; path: string; options: NodeCheckOptions; progress: boolean };
const opts: NodeCheckOptions = { ...options, progress: progress ? (p) => parentPort!.postMessage({ progress: p }) : undefined };
parentPort!.postMessage({ result: checkSource(text, path, opts) });
