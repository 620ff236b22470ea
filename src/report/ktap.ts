// `pageproof test --format ktap`: KTAP version 1, as kselftests print it
// (Documentation/dev-tools/ktap.rst): a version line, the plan, then one result line per file,
// `ok N name` or `not ok N name`, a failure's reason as `# ` diagnostic lines just before its
// result line, `# SKIP reason` for a file that is not run, and kselftest's totals line.

import { TestOutcome } from "./test-outcome.js";

/** A test name or directive text: one line, no '#' (it would start a directive). */
function clean(s: string): string {
  return s.replace(/[\r\n]+/g, " ").replace(/#/g, "no.").trim();
}

export function formatKtap(outcomes: TestOutcome[]): string {
  const out = ["KTAP version 1", `1..${outcomes.length}`];
  outcomes.forEach((o, i) => {
    const n = i + 1;
    const name = clean(o.file);
    if (o.status === "skip") {
      out.push(`ok ${n} ${name} # SKIP ${clean(o.reason)}`);
      return;
    }
    out.push(`# ${name}: expected ${o.expected}, found ${o.found}, ${o.states} states, ${o.seconds.toFixed(2)} s`);
    if (o.status === "fail") out.push(`# ${name}: ${o.reason.replace(/[\r\n]+/g, " ")}`);
    out.push(`${o.status === "pass" ? "ok" : "not ok"} ${n} ${name}`);
  });
  const count = (s: TestOutcome["status"]) => outcomes.filter((o) => o.status === s).length;
  out.push(`# Totals: pass:${count("pass")} fail:${count("fail")} xfail:0 xpass:0 skip:${count("skip")} error:0`);
  return out.join("\n") + "\n";
}
