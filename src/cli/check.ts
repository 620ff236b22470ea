// `pageproof check FILE...`: check each file and report (text, JSON or HTML).

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CheckResult } from "../check.js";
import { renderHtmlDocument } from "../report/html.js";
import { formatText } from "../report/text.js";
import { PRELUDE_DIR } from "../node/prelude.js";
import { CliOptions, UsageError } from "./args.js";
import { INTERRUPTED_EXIT, checkInWorker } from "./run-in-worker.js";

export async function runCheck(o: CliOptions): Promise<number> {
  if (o.files.length === 0) throw new UsageError("check needs at least one scenario file");
  if (o.format === "ktap" || o.format === "junit") throw new UsageError(`--format ${o.format} is for pageproof test`);
  if (o.swarm !== undefined && !o.cluster) throw new UsageError("--swarm runs its jobs on a cluster: give --cluster redis://HOST:PORT");
  if (o.cluster) {
    if (o.exact) throw new UsageError("--exact is not available with --cluster (the cluster search stores fingerprints)");
    // An unreachable server is the user's to fix: say so before any search starts.
    const bad = await import("../engine/cluster/redis.js").then((m) => m.probe(o.cluster!));
    if (bad) {
      process.stderr.write(`pageproof: ${bad}\n`);
      return 2;
    }
  }
  const { results, interrupted } = await checkInWorker(o.files, o);
  let out: string | null;
  // A bad file's diagnostic goes to stderr, as gcc, clang and herd7 print theirs, so that
  // the report on stdout can be piped; JSON keeps the error object in its output.
  if (o.format !== "json") for (const r of results) if (r.verdict === "error") process.stderr.write(r.error!.formatted + "\n");
  if (o.format === "json") out = JSON.stringify(results.length === 1 ? results[0] : results, null, 2);
  else if (o.format === "html") out = htmlReport(results);
  else {
    const reports = results.filter((r) => r.verdict !== "error").map((r) => formatText(r, { color: o.color, states: o.states }));
    out = reports.length ? reports.join("\n\n") : null;
  }
  if (out === null) {
    // Nothing but errors: stdout stays empty.
  } else if (o.output) writeFileSync(o.output, out + "\n");
  else process.stdout.write(out + "\n");
  if (interrupted) return INTERRUPTED_EXIT;
  if (results.some((r) => r.verdict === "error")) return 2;
  const bad = results.some((r) => r.verdict !== "pass" || (r.expectation && !r.expectation.met));
  return bad ? 1 : 0;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** One HTML document, a section per file; the renderer gets the scenario text (and the other
 * files the traces went through, to name flag bits) so it stays a pure function. */
function htmlReport(results: CheckResult[]): string {
  return renderHtmlDocument(
    results.map((result) => {
      const others = new Set<string>();
      const traces = [result.violation?.trace, ...result.warnings.map((w) => w.trace)];
      for (const t of traces) for (const st of t?.steps ?? []) for (const s of [st.site, ...st.calls]) if (s.file !== result.file) others.add(s.file);
      const extraSources = [...others].map((f) => readOr(f.startsWith("prelude/") ? join(PRELUDE_DIR, f.slice("prelude/".length)) : f));
      return { result, sourceText: readOr(result.file), options: { extraSources } };
    }),
  );
}
