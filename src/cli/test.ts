// `pageproof test [DIR|FILE...]`: run scenario files and compare each with the
// expectation stated in its header (`Expect:` / `Result:`). Prints a table, then
// `N passed, N failed[, N skipped]` alone on the last line (tests in other languages are skipped).

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { CliOptions } from "./args.js";
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
  const files = collectScenarioFiles(o.files.length ? o.files : ["scenarios"]);
  const { results, interrupted } = await checkInWorker(files, o);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const rows: string[][] = [["file", "expected", "found", "states", "seconds", ""]];
  for (const r of results) {
    const f = r.file;
    if (r.error?.unsupportedLanguage) {
      // A herd7 collection mixes in LISA and assembly tests: not C, so not run, not failed.
      skipped++;
      rows.push([f, "", "", "", "", `skipped: ${r.error.message}`]);
      continue;
    }
    const found = r.verdict === "violation" ? r.violation!.kind : r.verdict === "pass" ? "clean" : r.verdict;
    const obs = r.observation ? ` ${r.observation.result}` : "";
    const expected = r.expectation ? [r.expectation.expect, r.expectation.result].filter(Boolean).join(" ") : "(none)";
    const ok = r.expectation?.met === true;
    if (ok) passed++;
    else failed++;
    const why = r.verdict === "error" ? r.error!.formatted.split("\n")[0] : !r.expectation ? "no Expect:/Result: line in the header" : ok ? "" : r.expectation.detail;
    rows.push([f, expected, found + obs, String(r.stats.states), r.stats.seconds.toFixed(2), ok ? "ok" : `FAIL ${why}`]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) process.stdout.write(r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ").trimEnd() + "\n");
  if (interrupted) process.stdout.write(`interrupted: ${files.length - results.length} file(s) not run\n`);
  process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
  return interrupted ? INTERRUPTED_EXIT : failed ? 1 : 0;
}
