// Search limits and the progress line, as the commands pass them to the engine.

import { NodeCheckOptions } from "../check.js";
import { formatMemory } from "../report/text.js";
import { CliOptions } from "./args.js";

/** `progress`: print the progress line on stderr (the worker is told whether stderr is a TTY). */
export function searchOptions(o: CliOptions, progress = !!process.stderr.isTTY): NodeCheckOptions {
  return {
    workers: o.workers,
    cluster: o.cluster,
    swarm: o.swarm,
    maxStates: o.maxStates,
    timeoutMs: o.timeoutMs,
    maxMemoryMB: o.maxMemoryMB,
    refcountBits: o.refcountBits,
    warn: o.warn,
    por: o.por,
    mergeLocks: o.mergeLocks,
    symmetry: o.symmetry,
    exact: o.exact,
    compact: !o.hashTable,
    fairness: o.fairness,
    mode: o.mode,
    kernel: o.kernel,
    model: o.model,
    unroll: o.unroll,
    lkmmValues: o.lkmmValues,
    // A progress line on long runs, only for a person watching a terminal.
    progress: progress
      ? (p) =>
          process.stderr.write(
            `\r  ${p.states} states, ${Math.round(p.states / p.seconds)} states/s, queue ${p.queue}, depth ${p.depth}, ${formatMemory(p.bytes)}   `,
          )
      : undefined,
  };
}
