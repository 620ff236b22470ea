// `pageproof test [DIR|FILE...]`: run scenario files and compare each with the
// expectation stated in its header (`Expect:` / `Result:`). Prints a table, then
// `N passed, N failed[, N skipped]` alone on the last line (tests in other languages are
// skipped); or KTAP (`--format ktap`) or JUnit XML (`--format junit`), to stdout or -o FILE.

import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatJunit } from "../report/junit.js";
import { formatKtap } from "../report/ktap.js";
import { TestOutcome, outcomeOf } from "../report/test-outcome.js";
import { CliOptions, UsageError } from "./args.js";
import { INTERRUPTED_EXIT, checkInWorker } from "./run-in-worker.js";

export function collectScenarioFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) {
      out.push(p); // reported as an error by the check
      return;
    }
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) {
        const q = join(p, e);
        if (statSync(q).isDirectory() || e.endsWith(".litmus")) walk(q);
      }
    } else out.push(p);
  };
  paths.forEach(walk);
  return out;
}

export async function runTest(o: CliOptions): Promise<number> {
  if (o.format === "json" || o.format === "html") throw new UsageError("pageproof test prints text, ktap or junit (use check for json or html)");
  const files = collectScenarioFiles(o.files.length ? o.files : ["scenarios"]);
  const { results, interrupted } = await checkInWorker(files, o);
  const outcomes = results.map(outcomeOf);
  const count = (s: TestOutcome["status"]) => outcomes.filter((x) => x.status === s).length;
  const failed = count("fail");
  let out: string;
  if (o.format === "ktap") out = formatKtap(outcomes);
  else if (o.format === "junit") out = formatJunit(outcomes);
  else out = table(outcomes) + (interrupted ? `interrupted: ${files.length - results.length} file(s) not run\n` : "") + `${count("pass")} passed, ${failed} failed${count("skip") ? `, ${count("skip")} skipped` : ""}\n`;
  if (o.output) writeFileSync(o.output, out);
  else process.stdout.write(out);
  return interrupted ? INTERRUPTED_EXIT : failed ? 1 : 0;
}

/** The text table: a row per file, then the reason of each failure or skip. */
function table(outcomes: TestOutcome[]): string {
  const rows: string[][] = [["file", "expected", "found", "states", "seconds", ""]];
  for (const o of outcomes) {
    if (o.status === "skip") rows.push([o.file, "", "", "", "", `skipped: ${o.reason}`]);
    else rows.push([o.file, o.expected, o.found, String(o.states), o.seconds.toFixed(2), o.status === "pass" ? "ok" : `FAIL ${o.reason}`]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ").trimEnd() + "\n").join("");
}
