// SVG sequence diagram of a trace: one vertical lane per process, time going down, one row
// per step. Each step is a box in its process's lane with the scenario's source text (and the
// primitive it reached when that differs); the shared-state changes are written beside the
// row; a dashed arrow links a read to the other process's write it observed. The violating
// step is red, followed by a row with the violation (or, for a deadlock, where each process
// is blocked).
//
// Pure string building, no node imports: the browser playground reuses this module.

import { Trace, TraceStep } from "../engine/trace.js";
import { displayText, esc, procOrder, readSources, stepEffects, stepSource, truncate } from "./markup.js";

export interface DiagramOptions {
  /** The violation the trace ends in (kind and message), if any. */
  kind?: string;
  message?: string;
  /** The process that raised it (P0...), when known. */
  process?: string | null;
  /** Lane names to show even if they made no step (e.g. every process of the scenario). */
  processes?: string[];
  /** Bit names for flag words (see flagNamesFrom). */
  flagNames?: Map<number, string>;
  /** Prefix for ids inside the SVG (unique per document when several diagrams share a page). */
  idPrefix?: string;
}

/** `deadlock: deadlock: P0, P1 blocked` reads better as `deadlock: P0, P1 blocked`. */
export function stripKind(kind: string, message: string): string {
  return message.startsWith(`${kind}: `) ? message.slice(kind.length + 2) : message;
}

const MAX_EXTRA = 360;

export const LAYOUT = {
  pad: 8,
  stepW: 44, // the step-number column
  soloW: 330, // with a single lane: room right of it for the changes
  headerH: 34,
  rowH: 42,
  font: 12, // px, monospace
  charW: 7.3, // px per character of the monospace font (0.6 em, a little slack)
};

/** Lane width: wide for few processes, never narrower than 210 px (the SVG then scrolls). */
export function laneWidth(lanes: number): number {
  return Math.max(210, Math.min(340, Math.floor(1100 / Math.max(1, lanes))));
}

const STYLE = `
.pp-seq { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: ${LAYOUT.font}px; }
.pp-seq text { fill: #1f2328; }
.pp-seq .lane-head rect { fill: #24425f; }
.pp-seq .lane-head text { fill: #fff; font-weight: bold; text-anchor: middle; }
.pp-seq .lifeline { stroke: #9aa7b4; stroke-dasharray: 4 4; }
.pp-seq .band { fill: transparent; }
.pp-seq .band.odd { fill: #f4f6f8; }
.pp-seq .row .box { fill: #eaf1fb; stroke: #6b8fb8; }
.pp-seq .row .stepno { fill: #57606a; text-anchor: end; }
.pp-seq .row .prim { fill: #57606a; font-size: ${LAYOUT.font - 1}px; }
.pp-seq .row .eff { fill: #0b5a2a; paint-order: stroke; stroke: #fff; stroke-width: 4px; stroke-linejoin: round; }
.pp-seq .row.odd .eff { stroke: #f4f6f8; }
.pp-seq .row.violation .eff { stroke: #fde2e1; }
.pp-seq .row.hl .eff { stroke: #fff3b0; }
.pp-seq .row .eff.read { fill: #6e7781; }
.pp-seq .band.violation { fill: #fde2e1; }
.pp-seq .band.cycle { fill: #f3edff; }
.pp-seq .row.violation .box { fill: #ffd0cd; stroke: #cf222e; stroke-width: 2; }
.pp-seq .row.violation .stepno { fill: #cf222e; font-weight: bold; }
.pp-seq .vband { fill: #fde2e1; }
.pp-seq .vrow.hl .vband { fill: #fff3b0; }
.pp-seq .vbox { fill: #cf222e; }
.pp-seq .vtext { fill: #fff; font-weight: bold; }
.pp-seq .blocked { fill: #fff5f5; stroke: #cf222e; stroke-width: 1.5; stroke-dasharray: 5 3; }
.pp-seq .blocked-text { fill: #a40e26; }
.pp-seq .rf { display: none; }
.pp-seq .rf.hl { display: inline; }
.pp-seq .rf line { stroke: #6f42c1; stroke-width: 2; }
.pp-seq .band.hl { fill: #fff3b0; }
.pp-seq .row.hl .box { stroke-width: 2.5; }
.pp-seq .row { cursor: pointer; }
`;

function text(x: number, y: number, cls: string, s: string, maxChars: number, anchor?: string): string {
  const shown = truncate(s, maxChars);
  const title = shown !== s ? `<title>${esc(s)}</title>` : "";
  return `<text class="${cls}" x="${x}" y="${y}"${anchor ? ` text-anchor="${anchor}"` : ""}>${title}${esc(shown)}</text>`;
}

function where(s: { file: string; line: number }): string {
  return `${s.file}:${s.line}`;
}

/** The lanes of a diagram: the processes of the trace (and blocked ones), plus opts.processes. */
export function diagramLanes(trace: Trace, opts: DiagramOptions = {}): string[] {
  const set = new Set<string>(opts.processes ?? []);
  for (const s of trace.steps) set.add(s.procName);
  for (const b of trace.blocked) set.add(b.proc);
  if (opts.process) set.add(opts.process);
  return [...set].sort(procOrder);
}

/** Full one-line description of a step (used for tooltips). */
export function stepTitle(st: TraceStep, flagNames?: Map<number, string>): string {
  const { outer, inner } = stepSource(st);
  const effects = stepEffects(st, flagNames).map((e) => (e.text === e.raw ? e.text : `${e.text} (${e.raw})`));
  return `step ${st.step}  ${st.procName}  ${outer.text}  ${where(outer)}` + (inner ? `  → ${inner.text}  ${where(inner)}` : "") + (effects.length ? `\n${effects.join("\n")}` : "");
}

export function sequenceDiagram(trace: Trace, opts: DiagramOptions = {}): string {
  const L = LAYOUT;
  const lanes = diagramLanes(trace, opts);
  const laneW = laneWidth(lanes.length);
  const laneX = (p: string) => L.stepW + lanes.indexOf(p) * laneW;
  const steps = trace.steps;
  const flagged = steps.find((s) => s.violation);
  const hasBlocked = trace.blocked.length > 0;
  const hasMsg = opts.kind !== undefined;
  const nRows = steps.length + (hasBlocked ? 1 : 0) + (hasMsg ? 1 : 0);
  const lanesRight = L.stepW + lanes.length * laneW;
  const from = readSources(steps);
  const effectsOf = steps.map((st) => stepEffects(st, opts.flagNames, from));
  // Changes are written beside the box, in the row's free space (every other lane of a row is
  // empty): right of it, or left of it for the last lane or when only the left has room. When
  // neither side is wide enough the diagram gets a little wider (at most MAX_EXTRA px).
  const baseWidth = lanesRight + (lanes.length === 1 ? L.soloW : L.pad);
  const sides = steps.map((st, i) => {
    const x = laneX(st.procName);
    const need = [...effectsOf[i].map((e) => e.text).join(", ")].length * L.charW;
    const roomRight = baseWidth - (x + laneW + 4) - L.pad;
    const roomLeft = x - 4 - L.stepW;
    const right = lanes.length === 1 || (roomRight >= L.charW * 8 && (need <= roomRight || (need > roomLeft && roomRight + MAX_EXTRA >= roomLeft)));
    return { right, extra: right ? Math.max(0, need - roomRight) : 0 };
  });
  const width = baseWidth + Math.ceil(Math.min(MAX_EXTRA, Math.max(0, ...sides.map((x) => x.extra))));
  const repeatHead = steps.length > 24; // long traces: lane names again at the bottom
  const bodyTop = L.pad + L.headerH + 6;
  const bodyBottom = bodyTop + nRows * L.rowH;
  const height = bodyBottom + (repeatHead ? 6 + L.headerH : 0) + L.pad;
  const rowY = (i: number) => bodyTop + i * L.rowH;
  const boxChars = Math.floor((laneW - 24) / L.charW);
  const pid = opts.idPrefix ?? "pp";
  const out: string[] = [];

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="pp-seq" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="sequence diagram, ${lanes.length} processes, ${steps.length} steps" data-lanes="${lanes.length}" data-rows="${steps.length}">`,
  );
  out.push(`<style>${STYLE}</style>`);
  out.push(`<defs><marker id="${esc(pid)}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6f42c1"/></marker></defs>`);

  // Drawn bottom-up: row bands, lifelines, read-from arrows, then the boxes and texts.
  const heads = (y: number) =>
    lanes
      .map((p) => {
        const x = laneX(p);
        return `<g class="lane-head" data-proc="${esc(p)}"><rect x="${x + 6}" y="${y}" width="${laneW - 12}" height="${L.headerH - 6}" rx="5"/><text x="${x + laneW / 2}" y="${y + (L.headerH - 6) / 2 + 4}">${esc(truncate(p, boxChars))}</text></g>`;
      })
      .join("");
  out.push(`<g class="head">`);
  out.push(`<text class="colhead" x="${L.stepW - 8}" y="${L.pad + 21}" text-anchor="end" fill="#57606a">#</text>`);
  out.push(heads(L.pad));
  out.push(`</g>`);

  out.push(`<g class="bands">`);
  steps.forEach((st, i) => {
    const inCycle = trace.cycleStart !== undefined && i >= trace.cycleStart;
    const cls = ["band", i % 2 ? "odd" : "even", st.violation ? "violation" : "", inCycle ? "cycle" : ""].filter(Boolean).join(" ");
    out.push(`<rect class="${cls}" data-step="${st.step}" x="0" y="${rowY(i)}" width="${width}" height="${L.rowH}"/>`);
  });
  // A liveness counterexample is a lasso: bracket the cycle that repeats for ever.
  if (trace.cycleStart !== undefined && trace.cycleStart < steps.length) {
    const y1 = rowY(trace.cycleStart) + 2;
    const y2 = rowY(steps.length) - 2;
    out.push(
      `<g class="cycle-mark"><title>steps ${trace.cycleStart + 1}..${steps.length} repeat for ever</title>` +
        `<path d="M 6 ${y1} h 5 M 6 ${y1} V ${y2} h 5" stroke="#8250df" stroke-width="2" fill="none"/>` +
        `<text x="2" y="${y1 - 3}" font-size="10" fill="#8250df">↻ cycle</text></g>`,
    );
  }
  out.push(`</g>`);
  out.push(`<g class="lanes">`);
  for (const p of lanes) {
    const cx = laneX(p) + laneW / 2;
    out.push(`<line class="lane lifeline" data-proc="${esc(p)}" x1="${cx}" y1="${L.pad + L.headerH - 6}" x2="${cx}" y2="${bodyBottom + (repeatHead ? 6 : 0)}"/>`);
  }
  out.push(`</g>`);
  if (repeatHead) out.push(`<g class="head foot">${heads(bodyBottom + 6)}</g>`);

  // Reads-from arrows (a read observing another process's write), shown while either end is
  // highlighted; the read's annotation names the writing step in any case.
  const arrows: string[] = [];
  steps.forEach((st, i) => {
    st.reads.forEach((r, k) => {
      const w = from.get(st.step)?.[k];
      if (!w) return;
      const toRight = laneX(st.procName) > laneX(w.procName);
      const x1 = laneX(w.procName) + laneW / 2 + (toRight ? laneW / 4 : -laneW / 4);
      const x2 = laneX(st.procName) + laneW / 2 + (toRight ? -laneW / 4 : laneW / 4);
      const y1 = rowY(steps.indexOf(w)) + L.rowH - 3;
      const y2 = rowY(i) + 3;
      arrows.push(
        `<g class="rf" data-step="${w.step} ${st.step}"><title>${esc(`${st.procName} reads ${r.location}=${r.value} written by ${w.procName} at step ${w.step}`)}</title><line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" marker-end="url(#${esc(pid)}-arrow)"/></g>`,
      );
    });
  });

  out.push(`<g class="rows">`);
  steps.forEach((st, i) => {
    const y = rowY(i);
    const x = laneX(st.procName);
    const { outer, inner } = stepSource(st);
    const cls = ["row", i % 2 ? "odd" : "even", st.violation ? "violation" : ""].filter(Boolean).join(" ");
    const effects = effectsOf[i];
    const effText = effects.map((e) => e.text).join(", ");
    const allRead = effects.length > 0 && effects.every((e) => e.read);
    const box = `<rect class="box" x="${x + 6}" y="${y + 3}" width="${laneW - 12}" height="${L.rowH - 6}" rx="4"/>`;
    const line1 = text(x + 12, inner ? y + 18 : y + L.rowH / 2 + 4, "src", displayText(outer.text), boxChars);
    const line2 = inner ? text(x + 12, y + 33, "prim", `→ ${displayText(inner.text)}`, boxChars + 1) : "";
    const right = sides[i].right;
    const roomRight = width - (x + laneW + 4) - L.pad;
    const roomLeft = x - 4 - L.stepW;
    const ex = right ? x + laneW + 4 : x - 4;
    const room = right ? roomRight : roomLeft;
    const eff = effects.length ? text(ex, y + L.rowH / 2 + 4, `eff${allRead ? " read" : ""}`, effText, Math.floor(room / L.charW), right ? undefined : "end") : "";
    out.push(
      `<g class="${cls}" data-step="${st.step}" data-proc="${esc(st.procName)}"><title>${esc(stepTitle(st, opts.flagNames))}</title>` +
        `<text class="stepno" x="${L.stepW - 8}" y="${y + L.rowH / 2 + 4}">${st.step}</text>` +
        box +
        line1 +
        line2 +
        eff +
        `</g>`,
    );
  });
  out.push(`</g>`);

  out.push(`<g class="rfs">${arrows.join("")}</g>`);

  // Where each process is blocked (a deadlock), then the violation across all lanes.
  const msg = hasMsg ? `${opts.kind}: ${stripKind(opts.kind!, opts.message ?? "")}` : "";
  const vstep = flagged ? String(flagged.step) : "blocked";
  if (hasBlocked) {
    const y = rowY(steps.length);
    const parts = trace.blocked.map((b) => {
      const x = laneX(b.proc);
      return (
        `<g class="blocked-at" data-proc="${esc(b.proc)}"><title>${esc(`${b.proc} blocked at ${b.site.text}  ${where(b.site)}`)}</title><rect class="blocked" x="${x + 6}" y="${y + 3}" width="${laneW - 12}" height="${L.rowH - 6}" rx="4"/>` +
        text(x + 12, y + L.rowH / 2 + 4, "blocked-text", `blocked: ${displayText(b.site.text)}`, boxChars) +
        `</g>`
      );
    });
    out.push(`<g class="vrow brow" data-step="blocked"><rect class="vband" x="0" y="${y}" width="${width}" height="${L.rowH}"/>${parts.join("")}</g>`);
  }
  if (hasMsg) {
    const y = rowY(steps.length + (hasBlocked ? 1 : 0));
    const x0 = L.stepW + 6;
    const w = width - x0 - 6;
    const vs = trace.violationSite;
    // "at SITE" only when no step box shows it already.
    const full = `✖ ${msg}` + (vs && !flagged && !msg.includes(vs.text) && !vs.text.startsWith("__violation_if") ? `  at ${displayText(vs.text)}` : "");
    out.push(
      `<g class="vrow mrow" data-step="${vstep}"><title>${esc(full)}</title><rect class="vband" x="0" y="${y}" width="${width}" height="${L.rowH}"/>` +
        `<rect class="vbox" x="${x0}" y="${y + 5}" width="${w}" height="${L.rowH - 10}" rx="4"/>` +
        text(x0 + 8, y + L.rowH / 2 + 4, "vtext", full, Math.floor((w - 16) / (L.charW + 0.5))) +
        `</g>`,
    );
  }
  out.push(`</svg>`);
  return out.join("\n");
}
