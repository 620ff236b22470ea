// A helper thread of the parallel search (search.ts is the coordinator). It compiles the
// model itself, then runs one phase each time the coordinator bumps GEN, and reports
// through its MessagePort: what it found in a phase, an error, and at the end its final
// states and warnings.

import { MessagePort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { SourceError } from "../../frontend/diagnostics.js";
import { ModelIR } from "../../ir/ir.js";
import { FinalState } from "../expand.js";
import { Machine } from "../machine.js";
import { SearchThread, ThreadOptions } from "./phase.js";
import { DONE, GEN, HALT, READY, STOP, SharedBuffers, SharedVisited } from "./shared.js";

export interface HelperData {
  model: ModelIR;
  options: ThreadOptions;
  buffers: SharedBuffers;
  transitions: SharedArrayBuffer; // Float64 pairs per thread: transitions, probes skipped
  index: number; // this thread's pair in transitions
  port: MessagePort;
}

export type HelperMessage =
  | { kind: "found"; found: NonNullable<ReturnType<SearchThread["runPhase"]>> }
  | { kind: "error"; message: string; source?: { loc: SourceError["loc"]; detail: string } }
  | { kind: "result"; finals: [string, FinalState][]; warnings: SearchThread["warnings"] }
  | { kind: "buffers"; buffers: SharedBuffers };

const data = workerData as HelperData;
const port = data.port;
const transitions = new Float64Array(data.transitions);
let thread: SearchThread | null = null;
let vis: SharedVisited | null = null;
const ctl = new Int32Array(data.buffers.control);

function post(msg: HelperMessage): void {
  port.postMessage(msg);
}

function fail(e: unknown): void {
  const source = e instanceof SourceError ? { loc: e.loc, detail: e.detail } : undefined;
  post({ kind: "error", message: e instanceof Error ? e.message : String(e), source });
  Atomics.store(ctl, HALT, 1);
}

try {
  const m = new Machine(data.model);
  vis = new SharedVisited(m.width, data.buffers);
  thread = new SearchThread(data.model, m, vis, data.options);
} catch (e) {
  fail(e);
}
Atomics.add(ctl, READY, 1);
Atomics.notify(ctl, READY);

let gen = 0;
for (;;) {
  Atomics.wait(ctl, GEN, gen);
  gen = Atomics.load(ctl, GEN);
  // The coordinator posts new buffers (grown table or queue) before starting a phase.
  for (let msg = receiveMessageOnPort(port); msg; msg = receiveMessageOnPort(port)) {
    const m = msg.message as HelperMessage;
    if (m.kind === "buffers") vis?.attach(m.buffers);
  }
  if (Atomics.load(ctl, STOP) !== 0) {
    if (thread) post({ kind: "result", finals: [...thread.x.finals], warnings: thread.warnings });
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
    break;
  }
  if (thread) {
    try {
      const found = thread.runPhase();
      if (found) post({ kind: "found", found });
    } catch (e) {
      fail(e);
    }
    transitions[2 * data.index] = thread.x.transitions;
    transitions[2 * data.index + 1] = thread.x.skipped;
  }
  Atomics.add(ctl, DONE, 1);
  Atomics.notify(ctl, DONE);
}
port.close();
