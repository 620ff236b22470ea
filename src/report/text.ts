// Human-readable report: verdict line, stats line, and for a violation the shortest trace,
// one line per step (process, the scenario's call site, the primitive it reached, and the
// shared values it changed).

import { CheckResult } from "../check.js";
import { Trace, TraceStep } from "../engine/trace.js";
import { formatLkmmText } from "./lkmm-text.js";

export interface TextOptions {
  color?: boolean;
  states?: boolean; // print the final-state histogram
}

const paint = (on: boolean | undefined, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function formatMemory(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

export function statsLine(r: CheckResult): string {
  const s = r.stats;
  const perState = `visited set ${s.visitedBytesPerState} bytes/state`;
  const visited = s.visited === "exact" ? `exact states, ${perState}` : `64-bit fingerprints, ${perState}, P(missed state) < ${s.collisionProbability < 1e-15 ? "1e-15" : s.collisionProbability.toExponential(1)}`;
  const threads = (s.threads > 1 ? `, ${s.threads} threads` : "") + (s.workers !== undefined ? `, ${s.workers} cluster worker${s.workers === 1 ? "" : "s"}${s.clusterMode ? ` (${s.clusterMode})` : ""}` : "");
  return `states ${s.states}, transitions ${s.transitions}, depth ${s.depth}, ${s.seconds.toFixed(3)} s${threads}, ${s.statesPerSecond} states/s, memory ${formatMemory(s.memoryBytes)} (${visited})`;
}

/** "(1 WARN site reached, --warn=report; 1 finding of pageproof's own, herd7 mode)", or "". */
export function warningSummary(r: CheckResult): string {
  const warns = r.warnings.filter((w) => w.kind === "warn").length;
  const findings = r.warnings.length - warns;
  const parts: string[] = [];
  if (warns) parts.push(`${warns} WARN site${warns > 1 ? "s" : ""} reached, --warn=report`);
  if (findings) parts.push(`${findings} finding${findings > 1 ? "s" : ""} of pageproof's own, herd7 mode`);
  return parts.length ? ` (${parts.join("; ")})` : "";
}

/** The heading of a warning's trace: a WARN reached, or in herd7 mode one of pageproof's own findings. */
export function warningHeading(w: CheckResult["warnings"][number]): string {
  const who = w.process ? ` (${w.process})` : "";
  return w.kind === "warn" ? `WARN reached: ${w.message}${who}` : `finding (${w.kind}, a warning in herd7 mode): ${w.message}${who}`;
}

/** `P1..P6` for consecutive processes, else `P1, P3`. */
function processList(names: string[]): string {
  const nums = names.map((n) => Number(n.slice(1)));
  const consecutive = nums.length > 2 && nums.every((x, i) => i === 0 || x === nums[i - 1] + 1);
  return consecutive ? `${names[0]}..${names[names.length - 1]}` : names.join(", ");
}

/** The reductions line, and a line per process kept out of symmetry with its reason. */
export function reductionLines(red: NonNullable<CheckResult["reductions"]>): string[] {
  const sym = red.symmetry.applied
    ? `symmetry: ${red.symmetry.groups.map((g) => `{${processList(g)}}`).join(" ")} interchangeable`
    : `symmetry off: ${red.symmetry.note}`;
  const por = red.por.applied ? "partial-order reduction on" : `partial-order reduction off: ${red.por.note}`;
  const lk = red.locks;
  const plural = (n: number, what: string) => `${n} lock ${what}${n === 1 ? "" : "s"}`;
  const rel = !lk || lk.note === "no lock is taken"
    ? null
    : lk.applied
      ? `${[lk.releases ? plural(lk.releases, "release") : "", lk.acquires ? plural(lk.acquires, "acquire") : ""].filter(Boolean).join(" and ")} merged with the step ${lk.releases && lk.acquires ? "before / after" : lk.releases ? "before" : "after"}`
      : `lock operations not merged: ${lk.note}${lk.site ? ` (${lk.site.text}  ${lk.site.file}:${lk.site.line})` : ""}`;
  const lines = [`  reductions: ${sym}; ${por}${rel ? `; ${rel}` : ""}`];
  for (const x of red.symmetry.excluded)
    lines.push(`    symmetry leaves out ${x.process}: ${x.reason}${x.site ? ` (${x.site.text}  ${x.site.file}:${x.site.line})` : ""}`);
  return lines;
}

/** "kernel model v5.7 (the scenario's Kernel: line)", for the reports. */
export function kernelLine(k: NonNullable<CheckResult["kernel"]>): string {
  const why = k.source === "option" ? "--kernel" : k.source === "scenario" ? "the scenario's Kernel: line" : "the newest; a Kernel: line or --kernel chooses another";
  return `kernel model ${k.version} (${why})`;
}

/** What herd7 mode means, for the reports. */
export const HERD7_MODE_NOTE = "mode herd7 (a final condition, no Expect: line): the answer is the final condition's; pageproof's own findings are warnings beside it";

export function verdictLine(r: CheckResult, color?: boolean): string {
  switch (r.verdict) {
    case "pass":
      return `${r.file}: ${paint(color, "32", "pass")}` + warningSummary(r);
    case "violation":
      return `${r.file}: ${paint(color, "31", `VIOLATION ${r.violation!.kind}`)}: ${r.violation!.message}`;
    case "incomplete":
      if (r.incomplete!.limit === "swarm") return `${r.file}: ${paint(color, "33", "incomplete")}: swarm search (not exhaustive), no violation found`;
      if (r.incomplete!.detail) return `${r.file}: ${paint(color, "33", "incomplete")}: stopped by ${r.incomplete!.limit}: ${r.incomplete!.detail}`;
      return `${r.file}: ${paint(color, "33", "incomplete")}: stopped by ${r.incomplete!.limit}; levels 0..${r.incomplete!.completeDepth} fully explored, no violation there`;
    case "error":
      return r.error!.formatted;
  }
}

function where(s: { file: string; line: number }): string {
  return `${s.file}:${s.line}`;
}

/** What a step did, plainly: the shared cells it changed, or else those it read. */
export function plainEffects(st: TraceStep): string[] {
  const reads = st.reads.map((r) => `read ${r.location}=${r.value}`);
  const changes = st.changes.map((c) => `${c.location} ${c.before}→${c.after}`);
  // A step with a merged release read what decided it, then released: show both.
  if (st.then) return [...reads, ...changes];
  return changes.length ? changes : reads;
}

/** herd7's Observation line: `Observation NAME RESULT POSITIVE NEGATIVE`. */
export function observationLine(r: CheckResult): string {
  const o = r.observation!;
  return `Observation ${r.name} ${o.result} ${o.positive} ${o.negative}`;
}

export function stepLine(st: TraceStep): string {
  const outer = st.calls[0];
  let text: string;
  if (outer) {
    // The scenario's own line first, then the primitive inside the prelude that made the step.
    text = `${outer.text}  ${where(outer)}  -> ${st.site.text}  ${where(st.site)}`;
  } else text = `${st.site.text}  ${where(st.site)}`;
  for (const r of st.then ?? []) text += `; then ${r.text}  ${where(r)}`;
  const effects = plainEffects(st);
  return `${String(st.step).padStart(4)}  ${st.procName.padEnd(3)} ${text}${effects.length ? "   [" + effects.join(", ") + "]" : ""}`;
}

export function formatTrace(t: Trace, kind: string, message: string): string[] {
  const lines = t.steps.map(stepLine);
  if (t.cycleStart !== undefined) {
    lines.splice(t.cycleStart, 0, `   ┌─ cycle: steps ${t.cycleStart + 1}..${t.steps.length} repeat for ever ─`);
    lines.push(`   └─ back to step ${t.cycleStart + 1}`);
  }
  if (t.violationSite && t.cycleStart === undefined) {
    const vs = t.violationSite;
    const outer = vs.calls[0];
    lines.push(`   !  ${kind}: ${message}`);
    lines.push(`      at ${vs.text}  ${where(vs)}` + (outer ? `  (called from ${outer.text}  ${where(outer)})` : ""));
  }
  for (const b of t.blocked) lines.push(`   -  ${b.proc} blocked at ${b.site.text}  ${where(b.site)}`);
  return lines;
}

export function formatText(r: CheckResult, opts: TextOptions = {}): string {
  if (r.verdict === "error") return r.error!.formatted;
  if (r.lkmm) return formatLkmmText(r, opts);
  const out = [verdictLine(r, opts.color), `  ${statsLine(r)}`];
  if (r.incomplete?.hint) out.push(`  hint: ${r.incomplete.hint}`);
  if (r.reductions) out.push(...reductionLines(r.reductions));
  if (r.mode === "herd7") out.push(`  ${HERD7_MODE_NOTE}`);
  if (r.kernel) out.push(`  ${kernelLine(r.kernel)}`);
  if (r.liveness) out.push(`  liveness under ${r.liveness.fairness} fairness; ${r.liveness.note}`);
  if (r.swarm) {
    const w = r.swarm;
    const total = w.estimatedTotal === null ? "the space's size unknown (no two jobs overlapped)" : `of an estimated ${w.estimatedTotal} (coverage ~${Math.round((w.coverage ?? 0) * 100)} %, rough: depth-first jobs are not uniform samples)`;
    out.push(`  swarm: ${w.jobs} randomized depth-first jobs of at most ${w.boundPerJob} states (${w.statesPerJob.join(", ")}); ${w.exactDistinct ? "" : "~"}${w.distinct} distinct states seen ${total}`);
  }
  if (r.violation) {
    const t = r.violation.trace;
    const what = t.cycleStart !== undefined ? `lasso (${t.cycleStart}-step prefix, shortest, then a fair cycle)` : r.violation.shortest ? "shortest trace" : r.swarm ? "trace (the shortest the swarm's jobs found, not guaranteed shortest)" : "trace (not guaranteed shortest: the unreduced re-run hit a limit)";
    out.push(`  ${what} (${t.steps.length} step${t.steps.length === 1 ? "" : "s"}):`);
    out.push(...formatTrace(t, r.violation.kind, r.violation.message));
  }
  for (const w of r.warnings) {
    out.push(`  ${warningHeading(w)}, shortest trace:`);
    out.push(...formatTrace(w.trace, w.kind, w.message));
  }
  out.push(...observationLines(r, opts));
  if (r.expectation) out.push(`  expectation ${r.expectation.met ? "met" : paint(opts.color, "31", "NOT met")}: ${r.expectation.detail}`);
  return out.join("\n");
}

/** The final states (with --states), the Condition and herd7's Observation line, when there is a final condition. */
export function observationLines(r: CheckResult, opts: TextOptions): string[] {
  if (!r.observation) return [];
  const out: string[] = [];
  if (opts.states) {
    out.push(`  States ${r.finalStates.length}`);
    for (const f of r.finalStates) out.push("  " + Object.entries(f.values).map(([k, v]) => `${k}=${v};`).join(" ") + (f.satisfies ? "   <- satisfies the condition" : ""));
  }
  out.push(`  Condition ${r.observation.condition}`);
  out.push(`  ${observationLine(r)}`);
  return out;
}
