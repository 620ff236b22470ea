// The worker thread of run-in-worker.ts: checks the files the main thread sends, one at a
// time. Options arrive as plain data; the interrupt flag is a shared Int32Array the main
// thread sets on SIGINT, polled by the search (every 1024 states, or between phases of a parallel search) through `interrupted`.
import { parentPort, workerData } from "node:worker_threads";
import { checkFile } from "../check.js";
import { CliOptions } from "./args.js";
import { searchOptions } from "./limits.js";

const { options, flag, progress } = workerData as { options: CliOptions; flag: SharedArrayBuffer; progress: boolean };
const stop = new Int32Array(flag);
const opts = { ...searchOptions(options, progress), interrupted: () => Atomics.load(stop, 0) !== 0 };

parentPort!.on("message", (file: string) => parentPort!.postMessage(checkFile(file, opts)));
