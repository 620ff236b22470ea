// The agreement rule between pageproof (BFS, stops at its first violation) and SPIN's answers.

import type { CheckResult } from "../../src/core.js";
import type { SpinResult } from "./spin.js";

export interface Recorded {
  seed: number;
  spin: SpinResult;
}

/** null when pageproof and SPIN agree, else why not. */
export function disagreement(pp: CheckResult, spin: SpinResult): string | null {
  if (pp.verdict === "pass") {
    if (spin.assertion) return "SPIN finds an assertion violation, pageproof passes";
    if (spin.deadlock) return "SPIN finds an invalid end state, pageproof passes";
    // Same step granularity, finished processes parked at an end label (no process deletion),
    // no intermediate states inside atomic sequences: the stored states are exactly pageproof's.
    if (spin.states !== pp.stats.states) return `state counts differ: pageproof ${pp.stats.states}, SPIN ${spin.states}`;
    return null;
  }
  if (pp.verdict !== "violation") return `pageproof verdict ${pp.verdict}`;
  const kind = pp.violation!.kind;
  if (kind === "deadlock") return spin.deadlock ? null : "pageproof finds a deadlock, SPIN no invalid end state";
  return spin.assertion ? null : `pageproof finds ${kind}, SPIN no assertion violation`;
}
