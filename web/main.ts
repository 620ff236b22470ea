// The playground page: editor (CodeMirror 6, C highlighting), catalog picker, Check in a Web
// Worker with live progress, then the verdict and the HTML report's sequence diagram. Clicking
// a step highlights its line in the editor. The scenario lives in the URL: #s=<catalog path>,
// or #t=<deflate-raw, base64url text> once edited.

import { EditorState, StateEffect, StateField, RangeSetBuilder } from "@codemirror/state";
import { EditorView, Decoration, DecorationSet, keymap, lineNumbers, highlightActiveLine, drawSelection } from "@codemirror/view";
import { StreamLanguage, StreamParser, syntaxHighlighting, defaultHighlightStyle, bracketMatching } from "@codemirror/language";
import { defaultKeymap, history as undoHistory, historyKeymap, indentWithTab } from "@codemirror/commands";
import { c as cMode } from "@codemirror/legacy-modes/mode/clike";
import type { CheckResult } from "../src/core.js";
import type { Trace, TraceStep } from "../src/engine/trace.js";
import { sequenceDiagram, stripKind } from "../src/report/sequence-diagram.js";
import { esc, flagNamesFrom, lkmmHtml, modeHtml, procOrder, reductionsHtml } from "../src/report/markup.js";
import { warningHeading, warningSummary } from "../src/report/text.js";
import { catalog, prelude } from "./catalog.js";
import type { FromWorker } from "./worker.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const picker = $<HTMLSelectElement>("picker");
const checkBtn = $<HTMLButtonElement>("check");
const cancelBtn = $<HTMLButtonElement>("cancel");
const shareBtn = $<HTMLButtonElement>("share");
const statusEl = $<HTMLSpanElement>("status");
const resultEl = $<HTMLDivElement>("result");

const EDITED = "__edited__";
const DEFAULT = "scenarios/2020-splice-thread/07a-splice-tee-v57.litmus";

// ---- editor: C highlighting plus herd7's (* ... *) header comment ----

type CState = unknown;
const litmus: StreamParser<{ c: CState; herd: boolean }> = {
  name: "litmus",
  startState: (indentUnit) => ({ c: cMode.startState!(indentUnit), herd: false }),
  copyState: (s) => ({ c: cMode.copyState ? cMode.copyState(s.c) : { ...(s.c as object) }, herd: s.herd }),
  token(stream, s) {
    if (!s.herd && stream.sol() && stream.match("(*")) s.herd = true;
    if (s.herd) {
      if (stream.skipTo("*)")) {
        stream.match("*)");
        s.herd = false;
      } else stream.skipToEnd();
      return "comment";
    }
    return cMode.token(stream, s.c);
  },
  indent: (s, textAfter, cx) => (cMode.indent ? cMode.indent(s.c, textAfter, cx) : null),
  languageData: cMode.languageData,
};

// ---- editor, with line marks (the clicked step, the violation lines) ----

const setMarks = StateEffect.define<{ step: number | null; violation: number[] }>();
const marksField = StateField.define<{ step: number | null; violation: number[] }>({
  create: () => ({ step: null, violation: [] }),
  update(v, tr) {
    for (const e of tr.effects) if (e.is(setMarks)) return e.value;
    return tr.docChanged ? { step: null, violation: [] } : v;
  },
  provide: (f) =>
    EditorView.decorations.from(f, (m) => {
      return (view: EditorView): DecorationSet => {
        const doc = view.state.doc;
        const lines = new Map<number, string>();
        for (const l of m.violation) if (l >= 1 && l <= doc.lines) lines.set(l, "cm-violation-line");
        if (m.step !== null && m.step >= 1 && m.step <= doc.lines) lines.set(m.step, ((lines.get(m.step) ?? "") + " cm-step-line").trim());
        const b = new RangeSetBuilder<Decoration>();
        for (const [l, cls] of [...lines].sort((a, b) => a[0] - b[0])) b.add(doc.line(l).from, doc.line(l).from, Decoration.line({ class: cls }));
        return b.finish();
      };
    }),
});

let suppressEdit = false;
const view = new EditorView({
  parent: $("editor"),
  state: EditorState.create({
    doc: "",
    extensions: [
      lineNumbers(),
      undoHistory(),
      drawSelection(),
      highlightActiveLine(),
      bracketMatching(),
      StreamLanguage.define(litmus),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      keymap.of([{ key: "Mod-Enter", run: () => (runCheck(), true) }, indentWithTab, ...defaultKeymap, ...historyKeymap]),
      marksField,
      EditorView.updateListener.of((u) => {
        if (u.docChanged && !suppressEdit) onEdited();
      }),
    ],
  }),
});

function setText(text: string): void {
  suppressEdit = true;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 }, scrollIntoView: true });
  suppressEdit = false;
}

function markLines(step: number | null, violation: number[], scrollTo?: number): void {
  const effects: StateEffect<unknown>[] = [setMarks.of({ step, violation })];
  const doc = view.state.doc;
  if (scrollTo && scrollTo >= 1 && scrollTo <= doc.lines) effects.push(EditorView.scrollIntoView(doc.line(scrollTo).from, { y: "center" }));
  view.dispatch({ effects });
}

// ---- catalog picker and the URL ----

for (const item of catalog) {
  const o = document.createElement("option");
  o.value = item.path;
  o.textContent = item.path.replace(/^scenarios\//, "");
  picker.append(o);
}
const editedOpt = document.createElement("option");
editedOpt.value = EDITED;
editedOpt.textContent = "(edited)";
editedOpt.hidden = true;
picker.append(editedOpt);

/** The name the checker sees (and errors show): the catalog path, or playground.litmus. */
let currentPath = DEFAULT;

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function unb64url(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}
async function pack(text: string): Promise<string> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return b64url(new Uint8Array(await new Response(stream).arrayBuffer()));
}
async function unpack(s: string): Promise<string> {
  const stream = new Blob([unb64url(s) as BlobPart]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Response(stream).text();
}

function selectCatalog(path: string, pushHash: boolean): void {
  const item = catalog.find((c) => c.path === path) ?? catalog.find((c) => c.path === DEFAULT) ?? catalog[0];
  currentPath = item.path;
  picker.value = item.path;
  editedOpt.hidden = true;
  setText(item.text);
  clearResult();
  if (pushHash) history.replaceState(null, "", `#s=${encodeURIComponent(item.path)}`);
}

let hashTimer: number | undefined;
const editedHash = (packed: string) => `#t=${packed}&n=${encodeURIComponent(currentPath)}`;
function onEdited(): void {
  markLines(null, []);
  editedOpt.hidden = false;
  picker.value = EDITED;
  clearTimeout(hashTimer);
  hashTimer = window.setTimeout(async () => history.replaceState(null, "", editedHash(await pack(view.state.doc.toString()))), 400);
}

async function loadFromHash(): Promise<void> {
  const h = new URLSearchParams(location.hash.slice(1));
  const t = h.get("t");
  if (t) {
    try {
      const text = await unpack(t);
      currentPath = h.get("n") ?? "playground.litmus";
      setText(text);
      editedOpt.hidden = false;
      picker.value = EDITED;
      clearResult();
      return;
    } catch {
      statusEl.textContent = "could not read the scenario in the link";
    }
  }
  selectCatalog(h.get("s") ?? DEFAULT, false);
}

picker.addEventListener("change", () => {
  if (picker.value !== EDITED) selectCatalog(picker.value, true);
});
window.addEventListener("hashchange", () => void loadFromHash());
shareBtn.addEventListener("click", async () => {
  clearTimeout(hashTimer);
  if (picker.value === EDITED) history.replaceState(null, "", editedHash(await pack(view.state.doc.toString())));
  try {
    await navigator.clipboard.writeText(location.href);
    statusEl.textContent = "link copied";
  } catch {
    statusEl.textContent = "link is in the address bar";
  }
});

// ---- checking in a worker ----

let worker: Worker | null = null;
let ticker: number | undefined;

function stopWorker(): void {
  worker?.terminate();
  worker = null;
  clearInterval(ticker);
  checkBtn.disabled = false;
  cancelBtn.hidden = true;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function runCheck(): void {
  stopWorker();
  const text = view.state.doc.toString();
  const path = currentPath;
  const t0 = performance.now();
  let last: { states: number; seconds: number; depth: number } | null = null;
  const show = () => {
    const secs = (performance.now() - t0) / 1000;
    statusEl.textContent = last
      ? `checking… ${fmt(last.states)} states · ${fmt(last.states / Math.max(last.seconds, 1e-3))} states/s · depth ${last.depth} · ${secs.toFixed(1)} s`
      : `checking… ${secs.toFixed(1)} s`;
  };
  checkBtn.disabled = true;
  cancelBtn.hidden = false;
  resultEl.dataset.state = "running";
  show();
  ticker = window.setInterval(show, 250);
  worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.type === "progress") {
      last = m;
      show();
      return;
    }
    stopWorker();
    if (m.type === "crash") {
      renderCrash(m.message);
      statusEl.textContent = "internal error";
      return;
    }
    const s = m.result.stats;
    if (m.result.verdict === "error") statusEl.textContent = `error${m.result.error!.line > 0 ? ` at line ${m.result.error!.line}` : ""}`;
    else statusEl.textContent = `${fmt(s.states)} states · ${fmt(s.statesPerSecond)} states/s · ${s.seconds.toFixed(3)} s`;
    renderResult(m.result, text, path);
  };
  worker.onerror = (e) => {
    stopWorker();
    renderCrash(e.message || "the worker failed");
  };
  worker.postMessage({ text, path });
}

checkBtn.addEventListener("click", runCheck);
cancelBtn.addEventListener("click", () => {
  stopWorker();
  statusEl.textContent = "cancelled";
  resultEl.dataset.state = "cancelled";
});

// ---- the result ----

let traces: Trace[] = [];
let resultPath = "";

function clearResult(): void {
  stopWorker();
  traces = [];
  resultEl.dataset.state = "idle";
  resultEl.removeAttribute("data-verdict");
  resultEl.innerHTML = `<p class="hint">Press <b>Check</b> (Ctrl+Enter) to explore every interleaving in your browser; a violation shows its shortest counterexample as a sequence diagram. Click a step to see its line in the editor.</p>`;
  statusEl.textContent = "";
}

function renderCrash(message: string): void {
  resultEl.dataset.state = "done";
  resultEl.dataset.verdict = "crash";
  resultEl.innerHTML = `<h2><span class="badge crash">internal error</span></h2><pre class="error">${esc(message)}</pre>`;
}

function declaredProcesses(src: string): string[] {
  const names = new Set<string>();
  for (const m of src.matchAll(/^[ \t]*(P\d+)[ \t]*\(/gm)) names.add(m[1]);
  return [...names].sort(procOrder);
}

function verdictLabel(r: CheckResult): string {
  return r.verdict === "violation" ? `VIOLATION ${r.violation!.kind}` : r.verdict;
}

/** The scenario line a step (or a violation site) stands on: its outermost site in the scenario. */
function lineIn(path: string, sites: { file: string; line: number }[]): number | null {
  return sites.find((s) => s.file === path)?.line ?? null;
}
function stepLine(st: TraceStep): number | null {
  return lineIn(resultPath, [...st.calls, st.site]);
}
function violationLines(t: Trace): number[] {
  const out: number[] = [];
  for (const st of t.steps) if (st.violation) out.push(...[stepLine(st)].filter((x): x is number => x !== null));
  const vs = t.violationSite;
  if (vs) {
    const l = lineIn(resultPath, [...vs.calls, vs]);
    if (l !== null) out.push(l);
  }
  for (const b of t.blocked) {
    const l = lineIn(resultPath, [b.site]);
    if (l !== null) out.push(l);
  }
  return [...new Set(out)];
}

function renderResult(r: CheckResult, src: string, path: string): void {
  resultPath = path;
  traces = [];
  const flagNames = flagNamesFrom(src, ...prelude.values());
  const procs = declaredProcesses(src);
  const out: string[] = [];
  out.push(`<h2><span class="badge ${r.verdict}">${esc(verdictLabel(r))}</span> <span class="name">${esc(r.name)}</span>${r.name !== r.file ? ` <span class="path">${esc(r.file)}</span>` : ""}</h2>`);
  if (r.verdict === "error") {
    out.push(`<pre class="error">${esc(r.error!.formatted)}</pre>`);
    if (r.error!.file === path && r.error!.line > 0) markLines(r.error!.line, [r.error!.line], r.error!.line);
  } else {
    if (r.violation) out.push(`<p class="message violation"><strong>${esc(r.violation.kind)}</strong>: ${esc(stripKind(r.violation.kind, r.violation.message))}${r.violation.process ? ` <span class="proc">(${esc(r.violation.process)})</span>` : ""}</p>`);
    if (r.incomplete) out.push(`<p class="message incomplete">Stopped by ${esc(r.incomplete.limit)}; levels 0..${r.incomplete.completeDepth} fully explored, no violation there.</p>`);
    if (r.verdict === "pass") out.push(`<p class="message pass">${r.lkmm ? "Every candidate execution checked against the LKMM" : "Every interleaving explored"}: no violation${esc(warningSummary(r))}.</p>`);
    const mode = modeHtml(r);
    if (mode) out.push(mode);
    // LKMM mode: the execution graph instead of interleavings (src/lkmm/svg.ts).
    if (r.lkmm) out.push(lkmmHtml(r, "pg"));
    const s = r.stats;
    const item = (k: string, v: string) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`;
    out.push(`<dl class="stats">${item("states", fmt(s.states))}${item("transitions", fmt(s.transitions))}${item("depth", String(s.depth))}${item("time", `${s.seconds.toFixed(3)} s`)}${item("states/s", fmt(s.statesPerSecond))}</dl>`);
    const reductions = reductionsHtml(r);
    if (reductions) out.push(reductions);
    if (r.expectation) out.push(`<p class="expectation ${r.expectation.met ? "met" : "unmet"}">expectation ${r.expectation.met ? "met" : "NOT met"}: ${esc(r.expectation.detail)}</p>`);
    const diagram = (t: Trace, kind: string, message: string, proc: string | null, heading: string) => {
      const i = traces.push(t) - 1;
      out.push(`<h3>${esc(heading)}</h3>`);
      out.push(`<div class="diagram" data-trace="${i}">${sequenceDiagram(t, { kind, message, process: proc, processes: procs, flagNames, idPrefix: `t${i}` })}</div>`);
    };
    if (r.violation && !r.lkmm) {
      const n = r.violation.trace.steps.length;
      out.push(`<p class="legend">One lane per process, time going down; shared-state changes beside each step. Click a step to highlight its line in the editor (and the write a read observed).</p>`);
      diagram(r.violation.trace, r.violation.kind, r.violation.message, r.violation.process, `${r.violation.shortest ? "Shortest counterexample" : "Counterexample (not necessarily the shortest)"} (${n} step${n === 1 ? "" : "s"})`);
    }
    if (!r.lkmm) r.warnings.forEach((w) => diagram(w.trace, w.kind, w.message, w.process, warningHeading(w)));
    if (r.observation) {
      const o = r.observation;
      out.push(`<h3>Observation</h3><p><code>${esc(o.condition)}</code>: <b>${esc(o.result)}</b> (${o.positive} satisfy, ${o.negative} do not)</p>`);
    }
    const cols = [...new Set(r.finalStates.flatMap((f) => Object.keys(f.values)))];
    if (r.finalStates.length && cols.length && !r.violation) {
      const hasCond = r.finalStates.some((f) => f.satisfies !== null);
      out.push(`<h3>Final states (${r.finalStates.length})</h3><table class="finals"><thead><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join("")}${hasCond ? "<th>condition</th>" : ""}</tr></thead><tbody>`);
      for (const f of r.finalStates.slice(0, 200)) out.push(`<tr class="${f.satisfies ? "satisfies" : ""}">${cols.map((c) => `<td>${esc(f.values[c] ?? "")}</td>`).join("")}${hasCond ? `<td>${f.satisfies ? "✔" : ""}</td>` : ""}</tr>`);
      out.push(`</tbody></table>`);
    }
    const vlines = traces.length ? violationLines(traces[0]) : [];
    markLines(null, vlines, vlines[0]);
  }
  resultEl.innerHTML = out.join("\n");
  resultEl.dataset.state = "done";
  resultEl.dataset.verdict = r.verdict === "violation" ? r.violation!.kind : r.verdict;
}

// Click a step: highlight it in its diagram (as the HTML report does) and its line in the editor.
resultEl.addEventListener("click", (e) => {
  const el = (e.target as Element).closest?.("[data-step]");
  const box = (e.target as Element).closest?.(".diagram") as HTMLElement | null;
  if (!el || !box) return;
  const t = traces[Number(box.dataset.trace)];
  const want = (el.getAttribute("data-step") ?? "").split(" ").filter(Boolean);
  resultEl.querySelectorAll(".hl").forEach((x) => x.classList.remove("hl"));
  box.querySelectorAll("[data-step]").forEach((x) => {
    if ((x.getAttribute("data-step") ?? "").split(" ").some((tok) => want.includes(tok))) x.classList.add("hl");
  });
  const st = t.steps.find((s) => String(s.step) === want[0]);
  let line: number | null = null;
  if (st && !el.classList.contains("vrow")) line = stepLine(st);
  else line = violationLines(t)[0] ?? (st ? stepLine(st) : null);
  markLines(line, violationLines(traces[0]), line ?? undefined);
  view.dom.dataset.stepLine = line === null ? "" : String(line);
});

void loadFromHash();
