// The text report of an LKMM run: the verdict, what was enumerated, findings, and the witness
// execution as a graph of events (src/lkmm/display.ts) instead of an interleaving.

import { CheckResult } from "../check.js";
import { formatGraph, lineWhere } from "../lkmm/display.js";
import { HERD7_MODE_NOTE, TextOptions, observationLines, verdictLine, warningHeading } from "./text.js";

export function formatLkmmText(r: CheckResult, opts: TextOptions = {}): string {
  const lk = r.lkmm!;
  const out = [verdictLine(r, opts.color)];
  const s = r.stats;
  out.push(
    `  model lkmm (Linux-kernel memory model): ${lk.candidates} candidate executions, ${lk.executions} allowed, ${s.seconds.toFixed(3)} s, ${s.statesPerSecond} candidates/s; loops unrolled ${lk.unroll} times` +
      (lk.cut ? `, ${lk.cut} allowed execution${lk.cut === 1 ? "" : "s"} cut by the bound (raise --unroll)` : ", no execution cut by the bound") +
      (lk.exact ? "" : "; stopped once the answer was known (counts are lower bounds)") +
      (lk.values === "symbolic" ? "; symbolic read values" : ""),
  );
  if (r.mode === "herd7") out.push(`  ${HERD7_MODE_NOTE}`);
  if (r.violation) out.push(`  ${r.violation.kind}: ${r.violation.message}` + (r.violation.trace.violationSite ? ` (${lineWhere(r.violation.trace.violationSite.file, r.violation.trace.violationSite.line)}: ${r.violation.trace.violationSite.text})` : ""));
  for (const w of r.warnings) out.push(`  ${warningHeading(w)}` + (w.trace.violationSite ? ` (${lineWhere(w.trace.violationSite.file, w.trace.violationSite.line)}: ${w.trace.violationSite.text})` : ""));
  if (lk.witness) out.push(...formatGraph(lk.witness).map((l) => "  " + l));
  out.push(...observationLines(r, opts));
  if (r.expectation) out.push(`  expectation ${r.expectation.met ? "met" : "NOT met"}: ${r.expectation.detail}`);
  return out.join("\n");
}
