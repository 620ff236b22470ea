// Standalone HTML report: one self-contained file (inline CSS, inline SVG, a few lines of inline
// JS for hover highlighting; no network). For a violation: the verdict and stats, an SVG
// sequence diagram of the shortest trace, a step table, and the scenario source with the
// steps' lines marked. For a clean run: the stats, the observation and the final-state
// histogram. For an error: the formatted error (and the source around it).
//
// A pure function of the CheckResult and the scenario text: no fs, no node imports, so the
// browser playground can use it as it stands.

import { CheckResult } from "../check.js";
import { Trace } from "../engine/trace.js";
import { displayText, esc, flagNamesFrom, lkmmHtml, modeHtml, procOrder, readSources, reductionsHtml, stepEffects, stepSource } from "./markup.js";
import { sequenceDiagram, stripKind } from "./sequence-diagram.js";
import { formatMemory, observationLine, warningHeading, warningSummary } from "./text.js";

export interface HtmlOptions {
  /** Other sources (e.g. the prelude headers the trace went through), used only to name flag bits. */
  extraSources?: string[];
  /** Document title (default: from the result). */
  title?: string;
}

export interface HtmlInput {
  result: CheckResult;
  sourceText: string;
  options?: HtmlOptions;
}

/** The report for one result, as a complete HTML document. */
export function renderHtml(result: CheckResult, sourceText: string, options: HtmlOptions = {}): string {
  return renderHtmlDocument([{ result, sourceText, options }], options.title);
}

/** One HTML document with a section per result (several files on one command line). */
export function renderHtmlDocument(items: HtmlInput[], title?: string): string {
  const docTitle = title ?? (items.length === 1 ? `pageproof: ${items[0].result.name} — ${verdictLabel(items[0].result)}` : `pageproof: ${items.length} scenarios`);
  const body: string[] = [];
  if (items.length > 1) {
    body.push(`<nav class="summary"><h2>${items.length} scenarios</h2><table class="summary"><tbody>`);
    items.forEach((it, i) => {
      const r = it.result;
      body.push(`<tr><td><span class="badge ${r.verdict}">${esc(verdictLabel(r))}</span></td><td><a href="#r${i + 1}">${esc(r.name)}</a></td><td class="path">${esc(r.file)}</td></tr>`);
    });
    body.push(`</tbody></table></nav>`);
  }
  items.forEach((it, i) => body.push(renderSection(it.result, it.sourceText, it.options ?? {}, `r${i + 1}`)));
  return [
    `<!DOCTYPE html>`,
    `<html lang="en">`,
    `<head>`,
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="generator" content="pageproof">`,
    `<title>${esc(docTitle)}</title>`,
    `<style>${CSS}</style>`,
    `</head>`,
    `<body>`,
    ...body,
    `<script>${JS}</script>`,
    `</body>`,
    `</html>`,
  ].join("\n");
}

function verdictLabel(r: CheckResult): string {
  switch (r.verdict) {
    case "pass":
      return "pass";
    case "violation":
      return `VIOLATION ${r.violation!.kind}`;
    case "incomplete":
      return "incomplete";
    case "error":
      return "error";
  }
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

function where(s: { file: string; line: number }): string {
  return `${s.file}:${s.line}`;
}

/** The process names declared in the scenario (`P0(...) {`), so idle processes get a lane too. */
function declaredProcesses(src: string): string[] {
  const names = new Set<string>();
  for (const m of src.matchAll(/^[ \t]*(P\d+)[ \t]*\(/gm)) names.add(m[1]);
  return [...names].sort(procOrder);
}

function statsHtml(r: CheckResult): string {
  const s = r.stats;
  const item = (k: string, v: string) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`;
  return (
    `<dl class="stats">` +
    item("states", String(s.states)) +
    item("transitions", String(s.transitions)) +
    item("depth", String(s.depth)) +
    item("time", `${s.seconds.toFixed(3)} s`) +
    item("states/s", String(s.statesPerSecond)) +
    item("memory", formatMemory(s.memoryBytes)) +
    item("visited set", `${s.visitedBytesPerState} bytes/state${s.visited === "exact" ? ", exact states" : ""}`) +
    (s.threads > 1 ? item("threads", String(s.threads)) : "") +
    `</dl>` +
    reductionsHtml(r) +
    (r.metadata ? `<p class="metadata">${[r.metadata.doc ? `“${esc(r.metadata.doc)}”` : "", ...Object.entries(r.metadata.info).map(([k, v]) => `${esc(k)}=${esc(v)}`)].filter(Boolean).join("<br>")}</p>` : "")
  );
}

function stepTable(t: Trace, file: string, kind: string | null, message: string | null, flagNames: Map<number, string>): string {
  const rows: string[] = [];
  const loc = (s: { file: string; line: number }) => `<a href="#" class="loc" data-line="${s.file === file ? s.line : ""}" title="${esc(where(s))}">${esc(where({ file: basename(s.file), line: s.line }))}</a>`;
  const from = readSources(t.steps);
  for (const st of t.steps) {
    const { outer, inner } = stepSource(st);
    const code = (t: string) => (displayText(t) === t ? `<code>${esc(t)}</code>` : `<code title="${esc(t)}">${esc(displayText(t))}</code>`);
    const rel = st.then ?? [];
    const src = code(outer.text) + (inner ? `<br><span class="prim">→ ${code(inner.text)}</span>` : "") + rel.map((r) => `<br>then ${code(r.text)}`).join("");
    const locs = loc(outer) + (inner ? `<br><span class="prim">${loc(inner)}</span>` : "") + rel.map((r) => `<br>${loc(r)}`).join("");
    const eff = stepEffects(st, flagNames, from)
      .map((e) => `<span class="${e.read ? "read" : "chg"}"${e.text !== e.raw ? ` title="${esc(e.raw)}"` : ""}>${esc(e.text)}</span>`)
      .join("<br>");
    rows.push(
      `<tr class="step${st.violation ? " violation" : ""}" data-step="${st.step}"><td class="num">${st.step}</td><td class="proc">${esc(st.procName)}</td><td class="src">${src}</td><td class="where">${locs}</td><td class="eff">${eff}</td></tr>`,
    );
  }
  for (const b of t.blocked) {
    rows.push(
      `<tr class="step violation blocked" data-step="blocked"><td class="num">—</td><td class="proc">${esc(b.proc)}</td><td class="src">blocked at <code>${esc(b.site.text)}</code></td><td class="where">${loc(b.site)}</td><td class="eff"></td></tr>`,
    );
  }
  if (kind !== null) {
    const vs = t.violationSite;
    const flagged = t.steps.find((s) => s.violation);
    const at = vs ? `<br>at <code>${esc(vs.text)}</code> ${loc(vs)}` + (vs.calls[0] ? ` (called from <code>${esc(vs.calls[0].text)}</code> ${loc(vs.calls[0])})` : "") : "";
    rows.push(
      `<tr class="vmsg" data-step="${flagged ? flagged.step : "blocked"}"><td class="num">✖</td><td colspan="4"><strong>${esc(kind)}</strong>: ${esc(stripKind(kind, message ?? ""))}${at}</td></tr>`,
    );
  }
  return `<table class="steps"><thead><tr><th>#</th><th>process</th><th>source</th><th>file:line</th><th>shared-state changes</th></tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`;
}

/** Lines of `file` each step went through, and the violation lines. */
function lineMarks(traces: Trace[], file: string): { touched: Map<number, number[]>; violation: Set<number> } {
  const touched = new Map<number, number[]>();
  const violation = new Set<number>();
  const touch = (line: number, step: number) => {
    const l = touched.get(line) ?? [];
    if (!l.includes(step)) l.push(step);
    touched.set(line, l);
  };
  const inFile = (s: { file: string; line: number }) => s.file === file;
  for (const t of traces) {
    for (const st of t.steps) {
      for (const s of [...st.calls, st.site]) if (inFile(s)) touch(s.line, st.step);
      if (st.violation) for (const s of [...st.calls, st.site]) if (inFile(s)) violation.add(s.line);
    }
    const vs = t.violationSite;
    if (vs) for (const s of [...vs.calls, vs]) if (inFile(s)) violation.add(s.line);
    for (const b of t.blocked) if (inFile(b.site)) violation.add(b.site.line);
  }
  return { touched, violation };
}

function sourceListing(src: string, id: string, marks: { touched: Map<number, number[]>; violation: Set<number> }): string {
  if (!src) return `<p class="note">(source not available)</p>`;
  const lines = src.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
  const rows = lines.map((text, i) => {
    const n = i + 1;
    const steps = marks.touched.get(n) ?? [];
    const isV = marks.violation.has(n);
    const cls = ["line", steps.length ? "touched" : "", isV ? "violation" : ""].filter(Boolean).join(" ");
    const dataStep = [...steps.map(String), ...(isV && steps.length === 0 ? ["blocked"] : [])].join(" ");
    const mark = steps.length ? (steps.length > 4 ? `${steps.slice(0, 3).join(",")},…` : steps.join(",")) : isV ? "✖" : "";
    const markTitle = steps.length ? ` title="steps ${steps.join(", ")}"` : "";
    return `<tr class="${cls}" id="${id}-L${n}"${dataStep ? ` data-step="${dataStep}"` : ""}><td class="ln">${n}</td><td class="mk"${markTitle}>${esc(mark)}</td><td class="code">${esc(text) || " "}</td></tr>`;
  });
  return `<div class="source"><table class="listing"><tbody>\n${rows.join("\n")}\n</tbody></table></div>`;
}

function traceBlock(t: Trace, r: CheckResult, src: string, kind: string, message: string, proc: string | null, id: string, flagNames: Map<number, string>, heading: string): string {
  const diagram = sequenceDiagram(t, { kind, message, process: proc, processes: declaredProcesses(src), flagNames, idPrefix: id });
  return (
    `<h3>${esc(heading)}</h3>` +
    `<p class="legend">One lane per process, time going down, one row per step; shared-state changes beside each step (a read names the other process's step it observed). Hover a row to highlight it in the diagram, the table and the source, with an arrow from the write it read; click to pin.</p>` +
    `<div class="diagram">${diagram}</div>` +
    `<h3>Steps</h3>` +
    stepTable(t, r.file, kind, message, flagNames)
  );
}

function renderSection(r: CheckResult, src: string, opts: HtmlOptions, id: string): string {
  const flagNames = flagNamesFrom(src, ...(opts.extraSources ?? []));
  const out: string[] = [];
  out.push(`<section class="result ${r.verdict}" id="${id}">`);
  out.push(`<h2><span class="badge ${r.verdict}">${esc(verdictLabel(r))}</span> <span class="name">${esc(r.name)}</span> <span class="path">${esc(r.file)}</span></h2>`);

  if (r.verdict === "error") {
    out.push(`<pre class="error">${esc(r.error!.formatted)}</pre>`);
    if (src && r.error!.line > 0 && r.error!.file === r.file) {
      out.push(`<h3>Scenario source</h3>`);
      out.push(sourceListing(src, id, { touched: new Map(), violation: new Set([r.error!.line]) }));
    }
    out.push(`</section>`);
    return out.join("\n");
  }

  if (r.violation) out.push(`<p class="message"><strong>${esc(r.violation.kind)}</strong>: ${esc(stripKind(r.violation.kind, r.violation.message))}${r.violation.process ? ` <span class="proc">(${esc(r.violation.process)})</span>` : ""}</p>`);
  if (r.incomplete?.detail) out.push(`<p class="message incomplete">Stopped by ${esc(r.incomplete.limit)}: ${esc(r.incomplete.detail)}.</p>`);
  else if (r.incomplete) out.push(`<p class="message incomplete">Stopped by ${esc(r.incomplete.limit)}; levels 0..${r.incomplete.completeDepth} fully explored, no violation there.</p>`);
  if (r.incomplete?.hint) out.push(`<p class="message">Hint: ${esc(r.incomplete.hint)}.</p>`);
  if (r.verdict === "pass") out.push(`<p class="message pass">${r.lkmm ? "Every candidate execution checked against the LKMM" : "Every interleaving explored"}: no violation${esc(warningSummary(r))}.</p>`);
  const mode = modeHtml(r);
  if (mode) out.push(mode);
  out.push(statsHtml(r));
  if (r.expectation) out.push(`<p class="expectation ${r.expectation.met ? "met" : "unmet"}">expectation ${r.expectation.met ? "met" : "NOT met"}: ${esc(r.expectation.detail)}</p>`);

  const traces: Trace[] = [];
  if (r.lkmm) out.push(lkmmHtml(r, id));
  else if (r.violation) {
    const t = r.violation.trace;
    traces.push(t);
    out.push(traceBlock(t, r, src, r.violation.kind, r.violation.message, r.violation.process, `${id}-v`, flagNames, `${t.cycleStart !== undefined ? `Lasso (shortest ${t.cycleStart}-step prefix, then a cycle that repeats for ever; ` : r.violation.shortest === false ? "Counterexample (not necessarily the shortest, " : "Shortest counterexample ("}${t.steps.length} step${t.steps.length === 1 ? "" : "s"})`));
  }
  if (!r.lkmm) r.warnings.forEach((w, i) => {
    if (!r.violation) traces.push(w.trace);
    out.push(traceBlock(w.trace, r, src, w.kind, w.message, w.process, `${id}-w${i + 1}`, flagNames, `${warningHeading(w)}, shortest trace`));
  });

  if (r.observation) {
    const o = r.observation;
    out.push(`<h3>Observation</h3>`);
    out.push(`<p class="condition">Condition <code>${esc(o.condition)}</code></p>`);
    out.push(`<p class="observation"><code>${esc(observationLine(r))}</code></p>`);
  }
  if (r.finalStates.length) {
    const cols = [...new Set(r.finalStates.flatMap((f) => Object.keys(f.values)))];
    const hasCond = r.finalStates.some((f) => f.satisfies !== null);
    out.push(`<h3>Final states (${r.finalStates.length})</h3>`);
    out.push(`<table class="finals"><thead><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join("")}${hasCond ? "<th>condition</th>" : ""}</tr></thead><tbody>`);
    for (const f of r.finalStates) {
      const cells = cols.map((c) => `<td>${esc(f.values[c] ?? "")}</td>`).join("");
      out.push(`<tr class="final${f.satisfies ? " satisfies" : ""}">${cells}${hasCond ? `<td>${f.satisfies ? "✔ satisfies" : ""}</td>` : ""}</tr>`);
    }
    out.push(`</tbody></table>`);
  }

  const listing = sourceListing(src, id, lineMarks(traces, r.file));
  if (traces.length) out.push(`<h3>Scenario source</h3>`, listing);
  else out.push(`<details class="src"><summary>Scenario source</summary>${listing}</details>`);
  out.push(`</section>`);
  return out.join("\n");
}

const CSS = `
:root { --red: #cf222e; --green: #1a7f37; --amber: #9a6700; --muted: #57606a; --border: #d0d7de; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 0; padding: 16px 24px 48px; color: #1f2328; background: #fff; line-height: 1.45; }
code, pre, .listing, .path { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
h2 { font-size: 20px; margin: 8px 0 6px; display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap; }
h3 { font-size: 15px; margin: 22px 0 6px; }
section.result { border-top: 1px solid var(--border); padding-top: 8px; margin-top: 16px; }
section.result:first-of-type { border-top: none; margin-top: 0; }
.path { color: var(--muted); font-size: 13px; font-weight: normal; }
.badge { font-size: 13px; font-weight: bold; padding: 2px 8px; border-radius: 12px; color: #fff; white-space: nowrap; }
.badge.pass { background: var(--green); } .badge.violation { background: var(--red); }
.badge.incomplete { background: var(--amber); } .badge.error { background: #6e7781; }
.message { margin: 4px 0 8px; font-size: 15px; }
section.violation .message { color: #a40e26; }
.message.pass { color: var(--green); } .message.incomplete { color: var(--amber); }
.message .proc { color: var(--muted); }
dl.stats { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 6px 0; font-size: 13px; }
dl.stats div { display: flex; gap: 6px; } dl.stats dt { color: var(--muted); } dl.stats dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.expectation { font-size: 13px; margin: 4px 0; } .expectation.met { color: var(--green); } .expectation.unmet { color: var(--red); font-weight: 600; }
.reductions, .mode, .metadata { font-size: 12px; color: var(--muted); margin: 4px 0; }
.legend, .note { color: var(--muted); font-size: 12px; margin: 0 0 6px; }
.diagram { overflow-x: auto; border: 1px solid var(--border); border-radius: 6px; background: #fff; padding: 4px 0; }
.diagram svg { display: block; }
table { border-collapse: collapse; font-size: 13px; }
table.steps, table.finals, table.summary { border: 1px solid var(--border); }
table.steps th, table.steps td, table.finals th, table.finals td, table.summary td { border-bottom: 1px solid #eaeef2; padding: 4px 10px; text-align: left; vertical-align: top; }
table.steps th, table.finals th { background: #f6f8fa; font-weight: 600; }
table.steps td.num { text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }
table.steps td.proc { font-weight: 600; }
table.steps .prim { color: var(--muted); font-size: 12px; }
table.steps td.where a { color: inherit; text-decoration: none; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; white-space: nowrap; }
table.steps td.where a:hover { text-decoration: underline; }
table.steps .chg { color: #0b5a2a; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
table.steps .read { color: #6e7781; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
table.steps tr.violation td { background: #fde2e1; } table.steps tr.violation td.num { color: var(--red); font-weight: bold; }
table.steps tr.vmsg td { background: var(--red); color: #fff; } table.steps tr.vmsg code, table.steps tr.vmsg a { color: #fff; }
table.finals td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
table.finals tr.satisfies td { background: #dafbe1; font-weight: 600; }
tr.hl td { background: #fff3b0 !important; color: #1f2328 !important; }
tr.hl code, tr.hl a { color: #1f2328 !important; }
.source { border: 1px solid var(--border); border-radius: 6px; overflow-x: auto; }
table.listing { width: 100%; font-size: 12.5px; }
table.listing td { padding: 0 8px; white-space: pre; tab-size: 4; -moz-tab-size: 4; }
table.listing td.ln { text-align: right; color: #8c959f; background: #f6f8fa; user-select: none; width: 1%; }
table.listing td.mk { color: var(--muted); font-size: 11px; width: 1%; text-align: right; user-select: none; }
table.listing tr.touched td.code { background: #ddf4ff; } table.listing tr.touched td.ln { background: #b6e3ff; color: #0a3069; }
table.listing tr.violation td.code { background: #ffcecb; font-weight: bold; } table.listing tr.violation td.ln { background: var(--red); color: #fff; }
table.listing tr.violation td.mk { color: var(--red); font-weight: bold; }
pre.error { background: #fff5f5; border: 1px solid #ffcecb; border-radius: 6px; padding: 10px 12px; overflow-x: auto; }
details.src summary { cursor: pointer; margin: 22px 0 6px; font-weight: 600; font-size: 15px; }
nav.summary h2 { font-size: 18px; }
nav.summary a { color: #0969da; }
`;

// Hover a step (diagram row, table row, source line): highlight it everywhere in its section.
// Click pins the highlight; a click on file:line scrolls to the source line.
const JS = `
(function () {
  var pinned = null;
  function tokens(el) { return (el.getAttribute("data-step") || "").split(" ").filter(Boolean); }
  function light(el) {
    var sec = el.closest("section") || document;
    sec.querySelectorAll(".hl").forEach(function (x) { x.classList.remove("hl"); });
    var want = tokens(el);
    sec.querySelectorAll("[data-step]").forEach(function (x) {
      if (tokens(x).some(function (t) { return want.indexOf(t) >= 0; })) x.classList.add("hl");
    });
  }
  function clear() { document.querySelectorAll(".hl").forEach(function (x) { x.classList.remove("hl"); }); }
  document.addEventListener("mouseover", function (e) {
    if (pinned) return;
    var el = e.target.closest && e.target.closest("[data-step]");
    if (el) light(el); else clear();
  });
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a.loc");
    if (a) {
      e.preventDefault();
      var sec = a.closest("section"), line = a.getAttribute("data-line");
      var row = line && sec && sec.querySelector('tr[id$="-L' + line + '"]');
      if (row) row.scrollIntoView({ block: "center", behavior: "smooth" });
      return;
    }
    var el = e.target.closest && e.target.closest("[data-step]");
    if (el && el !== pinned) { pinned = el; light(el); } else { pinned = null; clear(); }
  });
})();
`;
