// What two runs of the LKMM mode must agree on (the symbolic and concrete modes, the search with
// and without its cuts), and the .litmus files of a directory, for the tests that compare them.
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CheckResult } from "../src/check.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Verdict, Observation counts, allowed executions, findings and final states. */
export const rowOf = (r: CheckResult) => {
  const kinds = [...new Set([...r.warnings.map((w) => w.kind), ...(r.violation ? [r.violation.kind] : [])])].sort();
  // A violation stops the search at the first execution that has it: the executions before it
  // depend on the order of the search, the verdict and the finding do not.
  if (r.verdict === "violation") return { verdict: r.verdict, kinds };
  return {
    verdict: r.verdict === "incomplete" ? `incomplete ${r.incomplete!.limit}` : r.verdict,
    observation: r.observation ? `${r.observation.result} ${r.observation.positive} ${r.observation.negative}` : null,
    executions: r.lkmm?.executions ?? null,
    kinds,
    finals: r.finalStates.map((s) => JSON.stringify(s)).sort(),
  };
};

/** The .litmus files of a directory of the repository (paths relative to it), sorted. */
export const litmusIn = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(".litmus"))
    .sort()
    .map((f) => join(dir, f));
