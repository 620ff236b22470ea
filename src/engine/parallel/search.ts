// Parallel breadth-first search: the calling thread (the coordinator) and `threads - 1`
// helper threads (worker.ts) expand the BFS queue together, sharing one visited set
// (shared.ts). The queue is worked through in phases: a phase is a slice of one BFS level,
// claimed by the threads a batch at a time; between phases only the coordinator runs, and
// it grows or compacts the shared arrays so that the next phase cannot overflow them.
//
// Because a phase never spans two levels, every state of depth d is expanded before any
// of depth d+1, as in the serial search: a violation found in a phase is at the smallest
// depth, so counterexamples stay shortest. Which of several equally short ones is
// reported may differ from run to run (the threads race for state numbers).
//
// The coordinator waits with Atomics.wait, so the search is synchronous like the serial
// one and checkSource needs no change; Node only (worker_threads).

import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from "node:worker_threads";
import { SourceError } from "../../frontend/diagnostics.js";
import { ModelIR } from "../../ir/ir.js";
import { SearchOptions, SearchOutcome, SearchStats, isAllocationFailure, search } from "../bfs.js";
import { FinalState } from "../expand.js";
import { Machine } from "../machine.js";
import { SLACK, collisionProbability } from "../store.js";
import { Found, SearchThread, ThreadOptions, WarningAt } from "./phase.js";
import { BLOCK, CLAIM_SLOTS, CURSOR, DONE, END, EXPAND, GEN, GROW, KIND, QBASE, READY, REHASH, RESERVE_TABLE_BYTES, STOP, WIDE_SEEN, SharedBuffers, SharedVisited, allocate, reservedBuffer } from "./shared.js";
import type { HelperData, HelperMessage } from "./worker.js";

const PHASE = 1 << 15; // states per phase at most
const MAX_LOAD = 0.75; // of the fingerprint table

interface Helper {
  worker: Worker;
  port: MessagePort;
}

/** Search with `threads` threads sharing the visited set; falls back to the serial search where it does not apply. */
export function parallelSearch(model: ModelIR, opts: SearchOptions, threads: number): SearchOutcome {
  // Exact states and the state graph (liveness) are kept by the serial search only.
  if (threads <= 1 || opts.exact || opts.graph) return search(model, opts);
  const t0 = performance.now();
  const m = new Machine(model);
  const nProcs = model.processes.length;
  const options: ThreadOptions = { por: !!opts.por, symmetry: opts.symmetry !== false, warnAsViolation: opts.warnAsViolation, findingsAsWarnings: opts.findingsAsWarnings === true };
  const vis = new SharedVisited(m.width, allocate(m.width, 1 << 16, 1 << 14, 1 << 15));
  // What of each reserved buffer is in use (faulted in); the rest of it is address space only.
  const room: Room = { queueStates: 1 << 14, states: 1 << 15 };
  const ctl = vis.ctl;
  // Per thread: its transitions, then the probes it skipped (diamonds, expand.ts).
  const transitionsBuf = new SharedArrayBuffer(threads * 16);
  const transitions = new Float64Array(transitionsBuf);
  const total = (k: number) => transitions.reduce((sum, v, i) => (i % 2 === k ? sum + v : sum), 0);
  const me = new SearchThread(model, m, vis, options);
  const x = me.x;
  const stats: SearchStats = { states: 0, transitions: 0, depth: 0, completeDepth: 0, seconds: 0, bytes: 0, visitedBytes: 0, collisionProbability: 0, threads };
  const finals = new Map<string, FinalState>();
  /** A thread's final states, added to the histogram (each thread records its own). */
  const mergeFinals = (from: Iterable<[string, FinalState]>) => {
    for (const [k, f] of from) if (!finals.has(k)) finals.set(k, f);
  };
  const warningsAt: WarningAt[] = [];
  // The queue's side array counts once a state needed it (queue.ts).
  const bytes = () => vis.buffers.tableSlots * 8 + room.queueStates * (m.width * (ctl[WIDE_SEEN] ? 5 : 1) + 12) + room.states * 6 + transitionsBuf.byteLength;
  let helpers: Helper[] = [];
  const done = (o: Omit<SearchOutcome, "warnings" | "finals" | "stats" | "groups">): SearchOutcome => {
    if (helpers.length) finish(); // the helpers' final states and warnings
    const count = vis.states;
    stats.states = count;
    stats.seconds = (performance.now() - t0) / 1000;
    stats.bytes = bytes();
    stats.visitedBytes = vis.buffers.tableSlots * 8;
    stats.collisionProbability = collisionProbability(count);
    stats.probesSkipped = total(1);
    mergeFinals(x.finals);
    warningsAt.push(...me.warnings);
    const warnings = firstWarnings(warningsAt).map((w) => ({ warning: w.warning, path: w.state < 0 ? [] : w.pid < 0 ? vis.pathTo(w.state) : [...vis.pathTo(w.state), w.pid] }));
    return { ...o, warnings, finals, stats, groups: me.groups };
  };

  const init = m.initial(x.ctx);
  x.onWarnings(-1, -1);
  if (x.ctx.violation) return done({ status: "violation", violation: x.ctx.violation, path: [] });
  x.prepareInitial(init);
  vis.insert(init, x.fp.hi, x.fp.lo, -1, -1);
  vis.endPhase();

  helpers = startHelpers(model, options, vis.buffers, transitionsBuf, threads - 1);
  let joined = false; // the helpers take part in the phases
  const errors: HelperMessage[] = [];
  const foundAll: Found[] = [];
  /** Messages the helpers posted since the last call. */
  const drain = () => {
    for (const h of helpers)
      for (let msg = receiveMessageOnPort(h.port); msg; msg = receiveMessageOnPort(h.port)) {
        const m = msg.message as HelperMessage;
        if (m.kind === "found") foundAll.push(m.found);
        else if (m.kind === "error") errors.push(m);
        else if (m.kind === "result") {
          mergeFinals(m.finals);
          warningsAt.push(...m.warnings);
        }
      }
    const e = errors.shift();
    if (e?.kind === "error") {
      stopHelpers(ctl, helpers, joined);
      throw e.source ? new SourceError(e.source.loc, e.source.detail) : new Error(e.message);
    }
  };
  function finish(): void {
    stopHelpers(ctl, helpers, joined);
    drain();
  }
  const postBuffers = () => {
    for (const h of helpers) h.port.postMessage({ kind: "buffers", buffers: vis.buffers } satisfies HelperMessage);
  };
  /** Runs one phase on every thread; returns the violation found, if any. */
  const phase = (kind: number, from: number, to: number): Found | null => {
    // Until every helper has started (each compiles the model: tens of ms), the coordinator
    // runs the phases alone; a short search never waits for the helpers.
    if (!joined && Atomics.load(ctl, READY) === helpers.length) joined = true;
    Atomics.store(ctl, KIND, kind);
    Atomics.store(ctl, CURSOR, from);
    Atomics.store(ctl, END, to);
    if (joined) {
      Atomics.store(ctl, DONE, 0);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
    }
    let found: Found | null = null;
    try {
      found = me.runPhase();
    } finally {
      if (joined) waitFor(ctl, DONE, helpers.length);
    }
    transitions[0] = x.transitions;
    transitions[1] = x.skipped;
    drain();
    if (found) foundAll.push(found);
    if (!foundAll.length) return null;
    return foundAll.reduce((a, b) => (b.state < a.state ? b : a));
  };

  try {
    const maxStates = opts.maxStates ?? Infinity;
    let head = 0;
    let levelEnd = 1; // states [0, levelEnd) are at depth <= stats.depth
    let lastProgress = t0;
    while (head < vis.count) {
      if (head === levelEnd) {
        stats.completeDepth = stats.depth;
        stats.depth++;
        levelEnd = vis.count;
      }
      const count = vis.count;
      stats.transitions = total(0);
      const states = vis.states;
      if (states >= maxStates) return done({ status: "limit", limit: "max-states" });
      const now = performance.now();
      if (opts.maxMemoryMB !== undefined && bytes() > opts.maxMemoryMB * 1048576) return done({ status: "limit", limit: "max-memory" });
      if (opts.timeoutMs !== undefined && now - t0 >= opts.timeoutMs) return done({ status: "limit", limit: "timeout" });
      if (opts.interrupted?.()) return done({ status: "limit", limit: "interrupted" });
      if (opts.progress && now - lastProgress > 2000) {
        lastProgress = now;
        opts.progress({ states, transitions: stats.transitions, queue: count - head, depth: stats.depth, seconds: (now - t0) / 1000, bytes: bytes() });
      }
      const to = Math.min(levelEnd, head + PHASE, head + Math.max(1, Math.ceil((maxStates - states) / Math.max(1, nProcs))));
      const need = count + (to - head) * nProcs + BLOCK * threads;
      if (makeRoom(vis, room, head, need)) postBuffers();
      if (need > vis.buffers.tableSlots * MAX_LOAD) {
        // Doublings in place while the table's reservation holds them (no second table, and
        // only the pages the bigger table uses are faulted in), all threads moving chunks
        // of it (a phase of its own; SharedVisited.growChunk).
        while (need > vis.buffers.tableSlots * MAX_LOAD && (vis.buffers.tableSlots * 2 + SLACK) * 8 <= vis.buffers.table.byteLength) {
          vis.growInPlace(CLAIM_SLOTS, (bounds) => {
            postBuffers();
            phase(GROW, 0, bounds.length - 1);
          });
          postBuffers();
        }
        if (need > vis.buffers.tableSlots * MAX_LOAD) {
          // Outgrown (or no reservation): a bigger buffer, filled by all threads.
          let slots = vis.buffers.tableSlots;
          while (need > slots * MAX_LOAD) slots *= 2;
          const oldSlots = vis.buffers.tableSlots;
          vis.attach({ ...vis.buffers, table: reservedBuffer(RESERVE_TABLE_BYTES, (slots + SLACK) * 8), tableSlots: slots, oldTable: vis.buffers.table });
          postBuffers();
          phase(REHASH, 0, oldSlots + SLACK);
          vis.attach({ ...vis.buffers, oldTable: undefined });
          postBuffers();
        }
      }
      const found = phase(EXPAND, head, to);
      stats.transitions = total(0);
      if (found) {
        const path = found.pid >= 0 ? [...vis.pathTo(found.state), found.pid] : vis.pathTo(found.state);
        return done({ status: "violation", violation: found.violation, path });
      }
      head = to;
    }
    stats.completeDepth = stats.depth;
    return done({ status: "done" });
  } catch (e) {
    // A buffer could not be allocated: incomplete, like --max-memory (see bfs.ts).
    if (isAllocationFailure(e)) return done({ status: "limit", limit: "max-memory" });
    throw e;
  } finally {
    stopHelpers(ctl, helpers, joined);
  }
}

/** The first warning of each check, the one met in the state found earliest. */
function firstWarnings(all: WarningAt[]): WarningAt[] {
  const best = new Map<string, WarningAt>();
  for (const w of all) {
    const key = `${w.warning.proc}:${w.warning.pc}`;
    const b = best.get(key);
    if (!b || w.state < b.state) best.set(key, w);
  }
  return [...best.values()].sort((a, b) => a.state - b.state);
}

function startHelpers(model: ModelIR, options: ThreadOptions, buffers: SharedBuffers, transitions: SharedArrayBuffer, n: number): Helper[] {
  const url = new URL("./worker.js", import.meta.url);
  const helpers: Helper[] = [];
  for (let i = 0; i < n; i++) {
    const { port1, port2 } = new MessageChannel();
    const data: HelperData = { model, options, buffers, transitions, index: i + 1, port: port2 };
    const worker = new Worker(url, { workerData: data, transferList: [port2] });
    worker.unref();
    helpers.push({ worker, port: port1 });
  }
  return helpers;
}

/**
 * Sets STOP and wakes the helpers; if they took part (`wait`), waits until each has posted
 * its results. Helpers that never took part have none: they exit when they see STOP.
 */
function stopHelpers(ctl: Int32Array, helpers: Helper[], wait: boolean): void {
  if (Atomics.load(ctl, STOP) !== 0) return;
  Atomics.store(ctl, STOP, 1);
  Atomics.store(ctl, DONE, 0);
  Atomics.add(ctl, GEN, 1);
  Atomics.notify(ctl, GEN);
  if (wait) waitFor(ctl, DONE, helpers.length);
}

/** Blocks until ctl[slot] >= n. */
function waitFor(ctl: Int32Array, slot: number, n: number): void {
  for (let v = Atomics.load(ctl, slot); v < n; v = Atomics.load(ctl, slot)) Atomics.wait(ctl, slot, v, 1000);
}

/**
 * Makes sure the queue and the parent links can take states up to index `need`, dropping
 * the states before `head` from the queue. Returns true when a buffer was replaced.
 */
function makeRoom(vis: SharedVisited, room: Room, head: number, need: number): boolean {
  const b = vis.buffers;
  const count = vis.count;
  const ctl = vis.ctl;
  let replaced = false;
  // Queue: when it is too short, first drop the expanded states, then grow it if need be -
  // inside its reservation (whose fresh pages the threads fault in as they write them),
  // else into a new buffer.
  const fits = () => need - ctl[QBASE] <= room.queueStates;
  if (!fits() && head > ctl[QBASE]) {
    const qbase = ctl[QBASE];
    vis.queue.shift(head - qbase, count - qbase);
    ctl[QBASE] = head;
  }
  if (!fits()) {
    const want = Math.max(room.queueStates * 2, (need - ctl[QBASE]) * 2);
    if (want > vis.queue.capacity) {
      b.queue = vis.queue.copied(count - ctl[QBASE], want);
      replaced = true;
    }
    room.queueStates = want;
  }
  if (need > room.states) {
    const states = Math.max(room.states * 2, need * 2);
    if (states * 4 > b.parent.byteLength) {
      const parent = new SharedArrayBuffer(states * 4);
      const via = new SharedArrayBuffer(states * 2);
      new Int32Array(parent).set(vis.parent.subarray(0, count));
      new Int16Array(via).set(vis.via.subarray(0, count));
      b.parent = parent;
      b.via = via;
      replaced = true;
    }
    room.states = states;
  }
  if (replaced) vis.attach({ ...b });
  return replaced;
}

/** How much of each reserved buffer is in use. */
interface Room {
  queueStates: number;
  states: number;
}
