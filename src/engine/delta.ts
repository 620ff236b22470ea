// The fingerprint of a successor and the undo of its step, in one pass, as generated code.
//
// Without a reduction most of the time of a transition goes to bookkeeping around the step:
// the successor's fingerprint is its parent's updated over the words that changed
// (Fingerprinter.update), and the scratch copy is then put back (Expander.restore). Both walk
// the shared cells and the moving process's block in a loop. Here each process gets that walk
// unrolled, with its word indices and lookup-table offsets as literals, and the two jobs are
// done together: each changed word is hashed out and written back at once. One function with
// a switch on the process keeps the call site monomorphic. Measured on pv-ok(6,2) without
// reductions: the loop form took ~20 % of the search's time outside the visited set.

import { Fingerprinter, SMALL } from "./store.js";

/**
 * Sets fp.hi/fp.lo to the fingerprint of `next` (cur's fingerprint is (hi, lo)) and copies
 * cur back into `next`, when the two differ only in the shared cells and process pid's block.
 */
export type StepDelta = (pid: number, cur: Int32Array, next: Int32Array, hi: number, lo: number, fp: Fingerprinter) => void;

/** Words of generated code above which the loop form is kept (a huge function would not be optimised). */
const MAX_UNROLLED_WORDS = 4096;

/** The delta function, or null if the unrolled code would be too big. blocks[pid] = [from, to). */
export function compileStepDelta(cells: number, blocks: [number, number][]): StepDelta | null {
  const words = blocks.reduce((sum, [from, to]) => sum + cells + to - from, 0);
  if (words > MAX_UNROLLED_WORDS) return null;
  const word = (i: number): string =>
    `u = cur[${i}]; v = next[${i}];
    if (u !== v) {
      next[${i}] = u;
      if ((u | v) >>> 0 < ${SMALL}) { hi ^= ta[${i * SMALL} + u] ^ ta[${i * SMALL} + v]; lo ^= tb[${i * SMALL} + u] ^ tb[${i * SMALL} + v]; }
      else { hi ^= fp.halfA(${i}, u) ^ fp.halfA(${i}, v); lo ^= fp.halfB(${i}, u) ^ fp.halfB(${i}, v); }
    }`;
  const cases = blocks.map(([from, to], pid) => {
    const body: string[] = [];
    for (let i = 0; i < cells; i++) body.push(word(i));
    for (let i = from; i < to; i++) body.push(word(i));
    return `case ${pid}: {\n${body.join("\n")}\nbreak;\n}`;
  });
  const src = `"use strict";
return function stepDelta(pid, cur, next, hi, lo, fp) {
  const ta = fp.ta;
  const tb = fp.tb;
  let u = 0;
  let v = 0;
  switch (pid) {
${cases.join("\n")}
  }
  fp.hi = hi;
  fp.lo = lo;
};`;
  return new Function(src)() as StepDelta;
}
