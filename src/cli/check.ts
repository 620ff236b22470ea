// `pageproof check FILE...`: check each file and report (text, JSON or HTML).

import { writeFileSync } from "node:fs";
import { CheckResult, checkFile } from "../check.js";
import { formatText } from "../report/text.js";
import { CliOptions, UsageError } from "./args.js";
import { searchOptions } from "./limits.js";

export function runCheck(o: CliOptions): number {
  if (o.files.length === 0) throw new UsageError("check needs at least one scenario file");
  const results: CheckResult[] = o.files.map((f) => checkFile(f, searchOptions(o)));
  let out: string;
  if (o.format === "json") out = JSON.stringify(results.length === 1 ? results[0] : results, null, 2);
  else if (o.format === "html") throw new UsageError("--format html is not available yet");
  else out = results.map((r) => formatText(r, { color: o.color, states: o.states })).join("\n\n");
  if (o.output) writeFileSync(o.output, out + "\n");
  else process.stdout.write(out + "\n");
  if (results.some((r) => r.verdict === "error")) return 2;
  const bad = results.some((r) => r.verdict !== "pass" || (r.expectation && !r.expectation.met));
  return bad ? 1 : 0;
}
