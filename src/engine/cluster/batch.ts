// The cluster search's two binary messages (docs/design.md, "Distributed search"), both one
// Int32Array (little-endian on the wire, as every machine we run on is):
//
// frontier batch (coordinator → workers): a slice of one BFS level, in the serial order.
//   [F_MAGIC, level, batch, rank0, nChildren, nParents, width]
//   parents:  nParents × width  — vectors of the states of level-1 whose children these are
//   children: nChildren × [hi, lo, parent, pid] — the states to expand: parent's step pid
//             (pid -1: the parent itself, for the initial state), fingerprint (hi, lo)
//   A parent is shipped once for all its children in the batch; the worker remakes each child
//   by running the step (steps are deterministic), so a state's vector travels once.
//
// result batch (worker → coordinator): what expanding the children found, in order.
//   [R_MAGIC, level, batch, rank0, nStates, nEmit, width]
//   states:    nStates × [status, violator, nEmissions]   (expand.ts's EXPANDED..FINAL)
//   emissions: nEmit × [hi, lo, pid | kind << 16]        (kind 1: only if the cycle proviso fires)
//   vectors:   nStates × width                            (the parents of the next level)
//   Rare things (warnings, distinct final states, the violation) go in a small JSON side field.

import { FinalState } from "../expand.js";
import { Violation } from "../machine.js";

export const F_MAGIC = 0x70704601;
export const R_MAGIC = 0x70705201;
export const HEADER = 7;
export const CHOSEN = 0;
export const PROVISO = 1;

/** The JSON side of a result batch: indices are positions in the batch. */
export interface ResultSide {
  warnings?: [number, number, Violation][]; // state, pid (-1: none), warning
  finals?: [number, string, FinalState][]; // first state of the batch with this final-state key
  violation?: [number, Violation]; // the batch stops at a violating (or deadlocked) state
  deadlock?: [number, Violation]; // herd7 mode: the first deadlocked state of the batch
}

/** Growable Int32Array. */
export class IntList {
  a: Int32Array;
  n = 0;
  constructor(cap = 1024) {
    this.a = new Int32Array(cap);
  }
  push(v: number): void {
    if (this.n === this.a.length) this.grow(1);
    this.a[this.n++] = v;
  }
  pushAll(v: ArrayLike<number>): void {
    if (this.n + v.length > this.a.length) this.grow(v.length);
    this.a.set(v, this.n);
    this.n += v.length;
  }
  private grow(k: number): void {
    const b = new Int32Array(Math.max(this.a.length * 2, this.n + k));
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  clear(): void {
    this.n = 0;
  }
}

/** An Int32Array over a received buffer (copied when it is not 4-byte aligned). */
export function int32View(b: Uint8Array): Int32Array {
  if (b.byteOffset % 4 === 0) return new Int32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function checkBatch(a: Int32Array, magic: number, width: number): void {
  if (a.length < HEADER || a[0] !== magic || a[6] !== width) throw new Error("malformed cluster batch (a worker or coordinator of another version?)");
}
