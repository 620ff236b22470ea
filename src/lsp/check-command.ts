// The pageproof.check command: the full search, in a worker thread so that the request's
// cancellation (or a new check of the same document) can stop it by terminating the thread,
// and its result as diagnostics: a violation at the scenario line of the violating step with
// the shortest trace as related locations, a clean run's verdict and Observation line at the
// final condition.

import { Worker } from "node:worker_threads";
import {
  CancellationToken,
  Diagnostic,
  DiagnosticRelatedInformation,
  DiagnosticSeverity,
  ErrorCodes,
  LSPErrorCodes,
  Range,
  ResponseError,
} from "vscode-languageserver";
import { CheckResult, NodeCheckOptions } from "../check.js";
import { Progress } from "../engine/bfs.js";
import { SiteInfo, Trace, TraceStep } from "../engine/trace.js";
import { observationLine, plainEffects } from "../report/text.js";
import { lineRange } from "./diagnostics.js";
import { uriOfPath } from "./paths.js";

export const CHECK_COMMAND = "pageproof.check";

/** Options the command takes after the URI, with the command line's meaning. */
export interface CheckCommandOptions {
  maxStates?: number;
  /** Seconds. */
  timeout?: number;
  maxMemoryMB?: number;
  warn?: "fail" | "report";
  mode?: "herd7" | "strict";
  fairness?: "weak" | "strong" | "none";
  por?: boolean;
  mergeLocks?: boolean;
  symmetry?: boolean;
  exact?: boolean;
  workers?: number;
}

export function checkOptions(o: CheckCommandOptions = {}): NodeCheckOptions {
  const pick = <K extends keyof CheckCommandOptions>(k: K, type: string) => (typeof o[k] === type ? o[k] : undefined);
  return {
    maxStates: pick("maxStates", "number") as number | undefined,
    timeoutMs: typeof o.timeout === "number" ? o.timeout * 1000 : undefined,
    maxMemoryMB: pick("maxMemoryMB", "number") as number | undefined,
    warn: o.warn === "report" ? "report" : undefined,
    mode: o.mode === "herd7" || o.mode === "strict" ? o.mode : undefined,
    fairness: o.fairness === "strong" || o.fairness === "none" ? o.fairness : undefined,
    por: o.por === false ? false : undefined,
    mergeLocks: o.mergeLocks === false ? false : undefined,
    symmetry: o.symmetry === false ? false : undefined,
    exact: o.exact === true ? true : undefined,
    workers: typeof o.workers === "number" && o.workers >= 1 ? Math.floor(o.workers) : undefined,
  };
}

/** One running check per document. */
export class CheckRunner {
  private readonly running = new Map<string, (why: string) => void>();

  run(uri: string, text: string, path: string, options: NodeCheckOptions, token: CancellationToken, onProgress?: (p: Progress) => void): Promise<CheckResult> {
    this.cancel(uri, "superseded by a new check of the same document");
    return new Promise<CheckResult>((resolve, reject) => {
      const worker = new Worker(new URL("./check-worker.js", import.meta.url), { workerData: { text, path, options: { ...options, progress: undefined }, progress: !!onProgress } });
      let settled = false;
      const finish = (f: () => void): void => {
        if (settled) return;
        settled = true;
        subscription.dispose();
        if (this.running.get(uri) === cancel) this.running.delete(uri);
        void worker.terminate();
        f();
      };
      const cancel = (why: string): void => finish(() => reject(new ResponseError(LSPErrorCodes.RequestCancelled, `check cancelled: ${why}`)));
      const subscription = token.onCancellationRequested(() => cancel("the request was cancelled"));
      this.running.set(uri, cancel);
      worker.on("message", (m: { progress?: Progress; result?: CheckResult }) => {
        if (m.progress) onProgress?.(m.progress);
        else if (m.result) {
          const result = m.result;
          finish(() => resolve(result));
        }
      });
      worker.once("error", (e) => finish(() => reject(new ResponseError(ErrorCodes.InternalError, `check failed: ${e.message}`))));
      worker.once("exit", (code) => finish(() => reject(new ResponseError(ErrorCodes.InternalError, `the check's worker exited (code ${code})`))));
      if (token.isCancellationRequested) cancel("the request was cancelled");
    });
  }

  /** Stops the document's running check, if any (its request is answered "cancelled"). */
  cancel(uri: string, why = "cancelled"): void {
    this.running.get(uri)?.(why);
  }

  cancelAll(): void {
    for (const uri of [...this.running.keys()]) this.cancel(uri, "the server is shutting down");
  }
}

/** What the command answers besides publishing the diagnostics. */
export interface CheckSummary {
  verdict: CheckResult["verdict"];
  kind?: string;
  message: string;
  /** 1-based line of the diagnostic in the scenario. */
  line: number;
  observation?: string;
  expectation?: { met: boolean; detail: string };
}

export function checkDiagnostics(r: CheckResult, doc: { uri: string; path: string }, text: string, finalLine: number | null): Diagnostic[] {
  const lines = text.split("\n");
  const at = (s: { line: number; col: number; text: string } | null): Range => {
    if (!s) return lineRange(text, finalLine === null ? 0 : finalLine - 1);
    const line = Math.max(0, s.line - 1);
    const len = (lines[line] ?? "").replace(/\r$/, "").length;
    const start = Math.min(Math.max(0, s.col - 1), len);
    const end = Math.min(len, start + s.text.length);
    return end > start ? { start: { line, character: start }, end: { line, character: end } } : lineRange(text, line);
  };
  const expectation = r.expectation ? `\nexpectation ${r.expectation.met ? "met" : "NOT met"}: ${r.expectation.detail}` : "";
  const out: Diagnostic[] = [];
  const base = { source: "pageproof" };
  switch (r.verdict) {
    case "error": {
      const e = r.error!;
      const inDoc = e.file === doc.path && e.line > 0;
      out.push({ ...base, range: inDoc ? at({ line: e.line, col: e.col, text: "" }) : lineRange(text, 0), severity: DiagnosticSeverity.Error, message: inDoc ? e.message : `${e.file}:${e.line}:${e.col}: ${e.message}` });
      break;
    }
    case "violation": {
      const v = r.violation!;
      out.push({
        ...base,
        range: at(scenarioSite(v.trace, doc.path)),
        // An expected violation (Expect: names it) is what the scenario is there to show.
        severity: r.expectation?.met ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
        code: v.kind,
        message: `VIOLATION ${v.kind}: ${v.message}` + (v.trace.cycleStart !== undefined ? ` (lasso: the cycle starts at step ${v.trace.cycleStart + 1})` : "") + expectation,
        relatedInformation: traceLocations(v.trace, v.kind, v.message, doc),
      });
      break;
    }
    default: {
      const stats = `${r.stats.states} states, ${r.stats.transitions} transitions, ${r.stats.seconds} s`;
      const head = r.verdict === "pass" ? `pass (${stats})` : `incomplete: stopped by ${r.incomplete!.limit} (${stats}); levels 0..${r.incomplete!.completeDepth} fully explored, no violation there${r.incomplete!.hint ? `\nhint: ${r.incomplete!.hint}` : ""}`;
      const o = r.observation;
      const obs = o ? `\nCondition ${o.condition}\n${observationLine(r)}` : "";
      const unmet = r.expectation && !r.expectation.met;
      out.push({
        ...base,
        range: at(null),
        severity: unmet ? DiagnosticSeverity.Error : r.verdict === "pass" ? DiagnosticSeverity.Information : DiagnosticSeverity.Warning,
        message: head + obs + expectation,
      });
    }
  }
  // WARNs under --warn=report, and in herd7 mode pageproof's own findings beside the answer.
  for (const w of r.warnings)
    out.push({ ...base, range: at(scenarioSite(w.trace, doc.path)), severity: DiagnosticSeverity.Warning, code: w.kind, message: `WARNING ${w.kind}: ${w.message}`, relatedInformation: traceLocations(w.trace, w.kind, w.message, doc) });
  return out;
}

export function summary(r: CheckResult, diagnostics: Diagnostic[]): CheckSummary {
  const o = r.observation;
  return {
    verdict: r.verdict,
    ...(r.violation ? { kind: r.violation.kind } : {}),
    message: diagnostics.length ? String(diagnostics[0].message) : r.verdict,
    line: (diagnostics[0]?.range.start.line ?? 0) + 1,
    ...(r.observation ? { observation: observationLine(r) } : {}),
    ...(r.expectation ? { expectation: { met: r.expectation.met, detail: r.expectation.detail } } : {}),
  };
}

/** The outermost call site in the scenario of the step that matters: where the violation was
 * hit, the first step of a lasso's cycle, or where a deadlocked process waits. */
function scenarioSite(t: Trace, path: string): SiteInfo | null {
  const inDoc = (s: SiteInfo & { calls?: SiteInfo[] }) => [...(s.calls ?? []), s].find((x) => x.file === path) ?? null;
  const candidates: (SiteInfo & { calls?: SiteInfo[] })[] = [];
  if (t.cycleStart !== undefined && t.steps[t.cycleStart]) candidates.push(stepSite(t.steps[t.cycleStart]));
  if (t.violationSite) candidates.push(t.violationSite);
  let last: TraceStep | undefined = t.steps[t.steps.length - 1];
  for (const s of t.steps) if (s.violation) last = s;
  if (last) candidates.push(stepSite(last));
  candidates.push(...t.blocked.map((b) => b.site));
  for (const c of candidates) {
    const s = inDoc(c);
    if (s) return s;
  }
  return null;
}

function stepSite(st: TraceStep): SiteInfo & { calls: SiteInfo[] } {
  return { ...st.site, calls: st.calls };
}

/** The trace as related locations: each step at its line in its file (the primitive that made it). */
function traceLocations(t: Trace, kind: string, message: string, doc: { uri: string; path: string }): DiagnosticRelatedInformation[] {
  const loc = (s: SiteInfo) => ({ uri: uriOfPath(s.file, doc), range: { start: { line: Math.max(0, s.line - 1), character: Math.max(0, s.col - 1) }, end: { line: Math.max(0, s.line - 1), character: Math.max(0, s.col - 1) + s.text.length } } });
  const out = t.steps.map((st) => {
    const outer = st.calls[0];
    const effects = plainEffects(st);
    const cycle = t.cycleStart === st.step - 1 ? " (the cycle starts here)" : "";
    const text = outer ? `${outer.text} -> ${st.site.text}` : st.site.text;
    return { location: loc(st.site), message: `${st.step} ${st.procName}: ${text}${effects.length ? `  [${effects.join(", ")}]` : ""}${cycle}` };
  });
  if (t.violationSite && t.cycleStart === undefined) out.push({ location: loc(t.violationSite), message: `! ${kind}: ${message}` });
  for (const b of t.blocked) out.push({ location: loc(b.site), message: `${b.proc} blocked at ${b.site.text}` });
  return out;
}
