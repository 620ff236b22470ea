// herd7's Observation of a final condition, shared by the SC search (core.ts) and the LKMM
// checker (lkmm/check.ts): the condition as the user wrote it, and Never / Sometimes / Always
// from how many final states (SC) or executions (LKMM) satisfy it.

import type { CheckResult } from "./core.js";

/** The text of the condition starting at `offset`: up to its balanced closing parenthesis, whitespace folded (as herd7 prints it). */
function conditionText(text: string, offset: number): string {
  const rest = text.slice(offset);
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "(") depth++;
    if (rest[i] === ")" && --depth === 0) return rest.slice(0, i + 1).replace(/\s+/g, " ");
  }
  return rest.split("\n")[0].trim();
}

/** The Observation of the condition at `offset` of `text`, given how many outcomes satisfy it and how many do not. */
export function observationOf(quantifier: string, text: string, offset: number, positive: number, negative: number): NonNullable<CheckResult["observation"]> {
  return {
    quantifier,
    condition: conditionText(text, offset),
    result: positive === 0 ? "Never" : negative === 0 ? "Always" : "Sometimes",
    positive,
    negative,
  };
}
