// A cluster worker's work: expand one frontier batch with the engine's own Expander
// (expand.ts), reporting every successor instead of storing it. Whether a successor is new,
// and so whether the cycle proviso adds the rest of the enabled steps, depends on the order of
// the whole level: the coordinator decides that, in the serial order (search.ts). So under POR
// the worker also reports the steps outside the persistent set (kind PROVISO); the coordinator
// counts them only where the serial search would have taken them.

import { ModelIR } from "../../ir/ir.js";
import { BatchTarget, DEADLOCKED, Expander, FINAL, VIOLATED } from "../expand.js";
import { Machine, Violation } from "../machine.js";
import { PartialOrder } from "../por.js";
import { Canonicaliser, symmetryGroups } from "../symmetry.js";
import { CHOSEN, F_MAGIC, HEADER, IntList, PROVISO, R_MAGIC, ResultSide, checkBatch } from "./batch.js";

/** The search options a job carries to the workers. */
export interface JobOptions {
  por: boolean;
  symmetry: boolean;
  warnAsViolation: boolean;
  findingsAsWarnings: boolean;
  stepCacheBits?: number;
  /** "partitioned": the workers own the visited set (partition-worker.ts). */
  mode?: "ordered" | "partitioned";
  /** Partitioned: candidates per batch to one owner. */
  batch?: number;
}

export class BatchExpander {
  readonly m: Machine;
  private readonly x: Expander;
  private readonly emit = new IntList(1 << 14); // [hi, lo, pid | kind << 16, parent]
  private warnings: [number, number, Violation][] = [];

  constructor(
    model: ModelIR,
    private readonly o: JobOptions,
  ) {
    const m = (this.m = new Machine(model));
    const n = model.processes.length;
    const groups = o.symmetry ? symmetryGroups(model) : [];
    const por = o.por && n > 1 ? new PartialOrder(model) : null;
    const emit = this.emit;
    const push = (hi: number, lo: number, pid: number, kind: number, parent: number) => {
      emit.push(hi);
      emit.push(lo);
      emit.push(pid | (kind << 16));
      emit.push(parent);
    };
    // Without POR the batched path (step cache, one-pass deltas) runs as in the serial search;
    // every successor counts as new here (add() is true) so that each is reported.
    const target: BatchTarget = {
      touch: () => 0,
      add: () => true,
      append: (_s, hi, lo, parent, via) => {
        push(hi, lo, via, CHOSEN, parent);
        return 0;
      },
    };
    const x = (this.x = new Expander(
      model,
      m,
      // Under POR: "already known" (-1) makes reduced() report the steps outside the
      // persistent set too, marked by x.chosen.
      (_s, hi, lo, parent, pid) => {
        push(hi, lo, pid, x.chosen[pid] ? CHOSEN : PROVISO, parent);
        return -1;
      },
      groups.length ? new Canonicaliser(m, groups) : null,
      por,
      null,
      o.warnAsViolation,
      por ? null : target,
      o.stepCacheBits,
    ));
    x.ctx.findingsAsWarnings = o.findingsAsWarnings;
    x.onWarnings = (state, pid) => {
      for (const w of x.ctx.warnings) this.warnings.push([state, pid, { ...w }]);
      x.ctx.warnings.length = 0;
    };
  }

  /** Expands the children of a frontier batch; returns the result batch and its JSON side. */
  run(f: Int32Array): { data: Int32Array; side: string | null } {
    const w = this.m.width;
    checkBatch(f, F_MAGIC, w);
    const [, level, batch, rank0, nChildren, nParents] = f;
    const x = this.x;
    const emit = this.emit;
    emit.clear();
    this.warnings = [];
    x.finals.clear();
    const side: ResultSide = {};
    const status = new Int32Array(nChildren * 3);
    const vectors = new Int32Array(nChildren * w);
    const finalAt: number[] = []; // the state that added each new final-state key
    const ch = HEADER + nParents * w;
    let nStates = 0;
    for (let i = 0; i < nChildren; i++) {
      const c = ch + 4 * i;
      const parent = f.subarray(HEADER + f[c + 2] * w, HEADER + (f[c + 2] + 1) * w);
      const pid = f[c + 3];
      const cur = x.stateBuffer();
      if (pid < 0) cur.set(parent);
      else x.successor(parent, pid, cur);
      vectors.set(cur, i * w);
      const finals = x.finals.size;
      const r = x.expand(i, cur, f[c], f[c + 1]);
      nStates = i + 1;
      status[3 * i] = r;
      status[3 * i + 1] = -1;
      if (x.finals.size > finals) finalAt.push(i);
      if (r === VIOLATED) {
        status[3 * i + 1] = x.violator;
        side.violation = [i, { ...x.ctx.violation! }];
        break; // the serial search stops here: the rest of the batch is never expanded
      }
      if (r === DEADLOCKED) {
        if (!this.o.findingsAsWarnings) {
          side.violation = [i, x.deadlock(cur)];
          break;
        }
        side.deadlock ??= [i, x.deadlock(cur)];
      }
    }
    x.flush();
    // Emissions come in expansion order (flush keeps it): count them per state.
    const e = emit.a;
    for (let k = 0; k < emit.n; k += 4) status[3 * e[k + 3] + 2]++;
    const nEmit = emit.n >> 2;
    const out = new Int32Array(HEADER + nStates * 3 + nEmit * 3 + nStates * w);
    out.set([R_MAGIC, level, batch, rank0, nStates, nEmit, w]);
    out.set(status.subarray(0, nStates * 3), HEADER);
    let at = HEADER + nStates * 3;
    for (let k = 0; k < emit.n; k += 4) {
      out[at++] = e[k];
      out[at++] = e[k + 1];
      out[at++] = e[k + 2];
    }
    out.set(vectors.subarray(0, nStates * w), at);
    if (this.warnings.length) side.warnings = this.warnings;
    if (finalAt.length) side.finals = [...x.finals].map(([key, f], j) => [finalAt[j], key, f]);
    return { data: out, side: Object.keys(side).length ? JSON.stringify(side) : null };
  }
}
