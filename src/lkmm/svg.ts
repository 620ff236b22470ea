// SVG of an LKMM execution (herd7 -show style): one column per process (the initial writes
// first), its events top to bottom in program order, and the relations as labelled arrows —
// rf, co, fr, dependencies — with the failed axiom's cycle drawn thick. Pure string building
// (no Node imports): the HTML report and the playground share it.

import { ExecGraph } from "./display.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const COLOURS: Record<string, string> = { rf: "#c0392b", co: "#2471a3", fr: "#d68910", addr: "#1e8449", data: "#1e8449", ctrl: "#1e8449", rmw: "#7d3c98", po: "#555" };

export function executionSvg(g: ExecGraph, idPrefix = "x"): string {
  const colW = 230;
  const boxW = 200;
  const boxH = 26;
  const rowH = 52;
  const top = 40;
  const procs = [...new Set(g.events.map((e) => e.proc))];
  const pos = new Map<string, { x: number; y: number }>();
  let rows = 0;
  procs.forEach((p, c) => {
    g.events
      .filter((e) => e.proc === p)
      .forEach((e, r) => {
        pos.set(e.id, { x: 20 + c * colW, y: top + r * rowH });
        rows = Math.max(rows, r + 1);
      });
  });
  const width = 40 + procs.length * colW;
  const height = top + rows * rowH + 30;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="execution" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="12">`);
  out.push(`<defs>${Object.entries({ ...COLOURS, cycle: "#8e44ad" }).map(([rel, col]) => `<marker id="${idPrefix}-arr-${rel}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${col}"/></marker>`).join("")}</defs>`);
  procs.forEach((p, c) => out.push(`<text x="${20 + c * colW + boxW / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(p)}</text>`));
  // Edges first, under the boxes. Arrows leave from the box's side facing the target.
  g.edges.forEach((e, k) => {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) return;
    const isCycle = e.rel.startsWith("cycle:");
    const rel = isCycle ? "cycle" : e.rel;
    const label = isCycle ? e.rel.slice(6) : e.rel;
    const col = isCycle ? "#8e44ad" : (COLOURS[rel] ?? "#555");
    let x1: number, y1: number, x2: number, y2: number, path: string;
    if (a.x === b.x) {
      // Same column: po straight down; other relations bow out to the right.
      x1 = a.x + (rel === "po" ? boxW / 2 : boxW);
      x2 = b.x + (rel === "po" ? boxW / 2 : boxW);
      y1 = a.y + (rel === "po" ? (b.y > a.y ? boxH : 0) : boxH / 2);
      y2 = b.y + (rel === "po" ? (b.y > a.y ? 0 : boxH) : boxH / 2);
      const bow = 25 + (k % 3) * 8;
      path = rel === "po" ? `M${x1},${y1} L${x2},${y2}` : `M${x1},${y1} C${x1 + bow},${y1} ${x2 + bow},${y2} ${x2},${y2}`;
    } else {
      const right = b.x > a.x;
      x1 = a.x + (right ? boxW : 0);
      x2 = b.x + (right ? 0 : boxW);
      y1 = a.y + boxH / 2;
      y2 = b.y + boxH / 2;
      const mx = (x1 + x2) / 2;
      const dy = ((k % 5) - 2) * 6;
      path = `M${x1},${y1} C${mx},${y1 + dy} ${mx},${y2 + dy} ${x2},${y2}`;
    }
    out.push(`<path d="${path}" fill="none" stroke="${col}" stroke-width="${isCycle ? 3 : 1.3}"${rel === "fr" || rel === "co" ? ' stroke-dasharray="5,3"' : ""} marker-end="url(#${idPrefix}-arr-${rel})"><title>${esc(`${label}: ${e.from} -> ${e.to}`)}</title></path>`);
    if (rel !== "po") {
      const lx = (x1 + x2) / 2 + (a.x === b.x ? 34 : 0);
      const ly = (y1 + y2) / 2 - 4;
      out.push(`<text x="${lx}" y="${ly}" fill="${col}" text-anchor="middle" font-size="11">${esc(label)}</text>`);
    }
  });
  for (const e of g.events) {
    const p = pos.get(e.id)!;
    const inCycle = g.cycle?.includes(e.id);
    out.push(`<g><title>${esc(e.source ? `${e.where}: ${e.source}` : e.text)}</title><rect x="${p.x}" y="${p.y}" width="${boxW}" height="${boxH}" rx="4" fill="${inCycle ? "#f5eef8" : "#fff"}" stroke="${inCycle ? "#8e44ad" : "#333"}"/>` +
      `<text x="${p.x + 6}" y="${p.y + 17}">${esc(`${e.id}: ${e.text}`)}</text></g>`);
  }
  const caption = g.status === "allowed" ? `an execution the LKMM allows${g.finding ? ` (${g.finding})` : ""}` : `forbidden: the ${g.axiom} axiom fails`;
  out.push(`<text x="20" y="${height - 8}" fill="#333">${esc(caption)}</text>`);
  out.push(`</svg>`);
  return out.join("\n");
}
