// Small pure helpers shared by the HTML report and the SVG sequence diagram: escaping,
// truncation, and readable descriptions of shared-state changes (flag words, ghost fields).
// No node imports: the browser playground reuses this module.

import type { CheckResult } from "../core.js";
import { TraceStep } from "../engine/trace.js";
import { HERD7_MODE_NOTE, kernelLine, reductionLines, warningHeading } from "./text.js";
import { executionSvg } from "../lkmm/svg.js";

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML/SVG element content and attribute values. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ESC[c]);
}

/** Cuts `s` to at most `max` characters, ending with an ellipsis when it was cut. */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  return chars.slice(0, Math.max(1, max - 1)).join("") + "…";
}

/** Bit number → name, from `#define PG_name N` lines of the given sources (first one wins). */
export function flagNamesFrom(...texts: string[]): Map<number, string> {
  const names = new Map<number, string>();
  for (const t of texts) {
    for (const m of t.matchAll(/^[ \t]*#[ \t]*define[ \t]+(PG_\w+)[ \t]+(\d+)[ \t]*(?:\/\/.*|\/\*.*)?$/gm)) {
      const bit = Number(m[2]);
      if (bit < 64 && !names.has(bit)) names.set(bit, m[1]);
    }
  }
  return names;
}

export interface ChangeText {
  text: string; // the readable form
  raw: string; // `location before→after`
}

function asInt(s: string): number | null {
  return /^-?\d+$/.test(s) ? Number(s) : null;
}

/**
 * A readable description of one change. `page.flags 0→8` becomes `page.flags: PG_writeback set`
 * (bit names from the `#define PG_*` of the sources, else `bit 3`); a ghost field
 * `page.__ghost_freed 0→1` becomes `page ghost:freed set`. Anything else stays `loc before→after`.
 */
export function describeChange(c: TraceStep["changes"][number], flagNames: Map<number, string> = new Map()): ChangeText {
  const raw = `${c.location} ${c.before}→${c.after}`;
  const dot = c.location.lastIndexOf(".");
  const obj = dot >= 0 ? c.location.slice(0, dot) : "";
  const field = dot >= 0 ? c.location.slice(dot + 1) : c.location;
  const b = asInt(c.before);
  const a = asInt(c.after);
  if (field.startsWith("__ghost")) {
    const name = field.replace(/^__ghost_?/, "") || "ghost";
    const subject = `${obj ? obj + " " : ""}ghost:${name}`;
    if (b === 0 && a === 1) return { text: `${subject} set`, raw };
    if (b === 1 && a === 0) return { text: `${subject} cleared`, raw };
    return { text: `${subject} ${c.before}→${c.after}`, raw };
  }
  if (/flags$/.test(field) && b !== null && a !== null) {
    const parts: string[] = [];
    const bits = (x: number) => BigInt.asUintN(64, BigInt(x));
    const bb = bits(b);
    const ab = bits(a);
    for (let i = 0; i < 64; i++) {
      const m = 1n << BigInt(i);
      const was = (bb & m) !== 0n;
      const is = (ab & m) !== 0n;
      if (was !== is) parts.push(`${flagNames.get(i) ?? `bit ${i}`} ${is ? "set" : "cleared"}`);
    }
    if (parts.length) return { text: `${c.location}: ${parts.join(", ")}`, raw };
  }
  return { text: raw, raw };
}

/** A lock word taken or released by a lock primitive (the engine stores holder + 1). */
function lockChange(st: TraceStep, c: TraceStep["changes"][number]): ChangeText | null {
  if (!/^\s*(raw_)?(spin|mutex|read|write)_(try)?(un)?lock\w*\s*\(/.test(st.site.text)) return null;
  const raw = `${c.location} ${c.before}→${c.after}`;
  if (c.before === "0" && c.after === String(st.proc + 1)) return { text: `${c.location} locked by ${st.procName}`, raw };
  if (c.after === "0" && c.before === String(st.proc + 1)) return { text: `${c.location} unlocked`, raw };
  return null;
}

/** The bits set in a flag word, by name (`PG_locked PG_lru`), or null when it is not one. */
function flagWord(location: string, value: string, flagNames?: Map<number, string>): string | null {
  const field = location.slice(location.lastIndexOf(".") + 1);
  const v = asInt(value);
  if (!/flags$/.test(field) || v === null || !flagNames?.size) return null;
  const word = BigInt.asUintN(64, BigInt(v));
  const names: string[] = [];
  for (let i = 0; i < 64; i++) if (word & (1n << BigInt(i))) names.push(flagNames.get(i) ?? `bit ${i}`);
  return names.join(" ") || "none";
}

/**
 * Source text as shown in a lane or table cell: a one-line helper definition
 * (`static inline bool PageFoo(struct page *page) { return test_bit(PG_foo, &page->flags); }`)
 * shows the statement it runs (`test_bit(PG_foo, &page->flags)`); a trailing `;` is dropped.
 */
export function displayText(text: string): string {
  let t = text.trim();
  const def = /^(?:[A-Za-z_]\w*[\s*]+)+[A-Za-z_]\w*\s*\([^()]*\)\s*\{\s*(.*?)\s*\}$/.exec(t);
  if (def && !/[{}]/.test(def[1]) && (def[1].match(/;/g) ?? []).length <= 1) t = def[1];
  t = t.replace(/^return\s+/, "").replace(/;\s*$/, "");
  return t;
}

/** The effects of a step as shown beside it: its changes, or (when it changed nothing) its reads. */
export function stepEffects(st: TraceStep, flagNames?: Map<number, string>, from?: ReadSources): { text: string; raw: string; read: boolean }[] {
  const changes = st.changes.map((c) => ({ ...(lockChange(st, c) ?? describeChange(c, flagNames)), read: false }));
  // A step with merged lock operations (src/ir/movers.ts) may read and write: both are shown.
  if (changes.length && !st.then) return changes;
  const reads = st.reads.map((r, i) => {
    const w = from?.get(st.step)?.[i];
    const raw = `read ${r.location}=${r.value}`;
    const flags = flagWord(r.location, r.value, flagNames);
    const text = flags !== null ? `${raw} [${flags}]` : raw;
    return { text: w ? `${text} ← ${w.procName} step ${w.step}` : text, raw, read: true };
  });
  return [...reads, ...changes];
}

/** Per step number, per read: the other process's step whose write it observed (if any). */
export type ReadSources = Map<number, (TraceStep | undefined)[]>;

export function readSources(steps: TraceStep[]): ReadSources {
  const last = new Map<string, TraceStep>();
  const out: ReadSources = new Map();
  for (const st of steps) {
    out.set(
      st.step,
      st.reads.map((r) => {
        const w = last.get(r.location);
        return w && w.procName !== st.procName ? w : undefined;
      }),
    );
    for (const c of st.changes) last.set(c.location, st);
  }
  return out;
}

/** The scenario's own text for a step (its outermost call site), and the primitive when it differs. */
export function stepSource(st: TraceStep): { outer: { text: string; file: string; line: number }; inner: { text: string; file: string; line: number } | null } {
  const outer = st.calls[0] ?? st.site;
  const differs = st.calls.length > 0 && (outer.text !== st.site.text || outer.line !== st.site.line || outer.file !== st.site.file);
  return { outer, inner: differs ? st.site : null };
}

/** Processes in a natural order: P0, P1, ..., P10 (numeric suffix), others by name. */
export function procOrder(a: string, b: string): number {
  const na = /^P(\d+)$/.exec(a);
  const nb = /^P(\d+)$/.exec(b);
  if (na && nb) return Number(na[1]) - Number(nb[1]);
  if (na) return -1;
  if (nb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The reductions line (and the processes left out of symmetry) as a muted paragraph, or "". */
export function reductionsHtml(r: CheckResult): string {
  return r.reductions ? `<p class="reductions">${reductionLines(r.reductions).map((l) => esc(l.trim())).join("<br>")}</p>` : "";
}

/** What herd7 mode means, as a paragraph, for a file that got it, and the kernel model the scenario read; else "". */
export function modeHtml(r: CheckResult): string {
  const mode = r.mode === "herd7" ? `<p class="mode">${esc(HERD7_MODE_NOTE)}.</p>` : "";
  return mode + (r.kernel ? `<p class="mode">${esc(kernelLine(r.kernel))}.</p>` : "");
}

/** LKMM mode: the findings as messages and the witness execution as a graph (src/lkmm/svg.ts); the HTML report and the playground. */
export function lkmmHtml(r: CheckResult, id: string): string {
  const lk = r.lkmm!;
  const out: string[] = [];
  out.push(`<p class="stats">model lkmm: ${lk.candidates} candidate executions, ${lk.executions} allowed; loops unrolled ${lk.unroll} times${lk.cut ? `, ${lk.cut} allowed executions cut by the bound` : ""}${lk.exact ? "" : "; stopped once the answer was known"}</p>`);
  for (const w of r.warnings) out.push(`<p class="message">${esc(warningHeading(w))}</p>`);
  if (lk.witness) {
    out.push(`<h3>${lk.witness.status === "allowed" ? "An execution the LKMM allows" : `A forbidden execution (${esc(lk.witness.axiom ?? "")})`}</h3>`);
    out.push(`<div class="diagram">${executionSvg(lk.witness, `${id}-x`)}</div>`);
  }
  return out.join("\n");
}
