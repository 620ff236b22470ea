// What `pageproof test` says of one file, whatever format prints it (text table, KTAP, JUnit).

import { CheckResult } from "../core.js";

export interface TestOutcome {
  file: string;
  status: "pass" | "fail" | "skip";
  /** What the header states (`Expect:` / `Result:`), "(none)" without one. */
  expected: string;
  /** What the run found: clean, a violation kind, incomplete or error, and the observation. */
  found: string;
  /** Why it failed or was skipped; "" for a pass. */
  reason: string;
  states: number;
  seconds: number;
}

export function outcomeOf(r: CheckResult): TestOutcome {
  const base = { file: r.file, states: r.stats.states, seconds: r.stats.seconds };
  if (r.error?.unsupportedLanguage) return { ...base, status: "skip", expected: "", found: "", reason: r.error.message };
  const found = (r.verdict === "violation" ? r.violation!.kind : r.verdict === "pass" ? "clean" : r.verdict) + (r.observation ? ` ${r.observation.result}` : "");
  const expected = r.expectation ? [r.expectation.expect, r.expectation.result].filter(Boolean).join(" ") : "(none)";
  const ok = r.expectation?.met === true;
  const reason = r.verdict === "error" ? r.error!.formatted.split("\n")[0] : !r.expectation ? "no Expect:/Result: line in the header" : ok ? "" : r.expectation.detail;
  return { ...base, status: ok ? "pass" : "fail", expected, found, reason };
}
