// An LKMM counterexample is an execution, not an interleaving: its events per process and the
// relations between them, as herd7's -show prints them (po, rf, co, fr, dependencies), and
// for a forbidden execution the cycle that the failed axiom's relation closes.

import { ModelIR } from "../ir/ir.js";
import { formatCellValue } from "../engine/trace.js";
import { tagText } from "./events.js";
import { Execution } from "./exec.js";

export interface ExecGraph {
  /** "allowed": the model allows this execution; "forbidden": it satisfies the final condition but breaks an axiom. */
  status: "allowed" | "forbidden";
  /** For a forbidden execution: the axiom (coherence, atomic, happens-before, propagation, rcu, plain-coherence). */
  axiom?: string;
  /** A finding this execution reaches (violation or data race). */
  finding?: string;
  events: { id: string; proc: string; text: string; line: number; where: string; source: string }[];
  edges: { from: string; to: string; rel: string }[];
  /** The events of the cycle (or the pair) the failed axiom found, in order. */
  cycle?: string[];
}

function label(i: number): string {
  let s = "";
  i++;
  while (i > 0) {
    i--;
    s = String.fromCharCode(97 + (i % 26)) + s;
    i = Math.floor(i / 26);
  }
  return s;
}

/** "line 12" for the scenario's own lines, "prelude/v6.15/linux/mm.h:88" for the kernel model's. */
export function lineWhere(file: string, line: number): string {
  return file.startsWith("prelude/") ? `${file}:${line}` : `line ${line}`;
}

export function eventText(model: ModelIR, e: Execution["events"][number]): string {
  const where = e.loc >= 0 ? (model.cells[e.loc]?.name ?? `@${e.loc}`) : "";
  if (e.kind === "F") return `F[${tagText(e.tags)}]${where ? " " + where : ""}`;
  const val = e.loc >= 0 ? formatCellValue(model, e.loc, e.val) : String(e.val);
  return `${e.kind}[${tagText(e.tags & ~(1 << 24) & ((e.tags & (1 << 18 | 1 << 20)) ? ~(1 << 1 | 1 << 2) : ~0))}] ${where}=${val}`;
}

export function graphOf(model: ModelIR, x: Execution, finding: string | null): ExecGraph {
  const ids = x.events.map((_, i) => label(i));
  const events = x.events.map((e, i) => ({
    id: ids[i],
    proc: e.proc < 0 ? "init" : `P${e.proc}`,
    text: eventText(model, e),
    line: e.src.loc.line,
    where: lineWhere(e.src.loc.file?.path ?? "", e.src.loc.line),
    source: e.proc < 0 ? "" : e.src.text,
  }));
  const edges: ExecGraph["edges"] = [];
  const st = x.st;
  const n = x.events.length;
  const add = (rel: string, i: number, j: number) => edges.push({ from: ids[i], to: ids[j], rel });
  // po between neighbours only (the rest follows), rf, co between neighbours, fr to the next write.
  for (let i = 0; i < n; i++) {
    const e = x.events[i];
    if (e.proc >= 0 && i + 1 < n && x.events[i + 1].proc === e.proc) add("po", i, i + 1);
  }
  x.rf.forEach((w, r) => add("rf", w, r));
  const coNext = (w: number): number => {
    let best = -1;
    x.co.forRow(w, (v) => {
      if (best < 0 || x.co.has(v, best)) best = v;
    });
    return best;
  };
  for (let w = 0; w < n; w++) {
    const nx = coNext(w);
    if (nx >= 0) add("co", w, nx);
  }
  x.rf.forEach((w, r) => {
    const nx = coNext(w);
    if (nx >= 0 && x.events[nx].proc !== x.events[r].proc) add("fr", r, nx);
    else if (nx >= 0) add("fr", r, nx);
  });
  for (const [rel, name] of [[st.addr, "addr"], [st.data, "data"], [st.ctrl, "ctrl"], [st.rmw, "rmw"]] as const) rel.forEach((i, j) => add(name, i, j));
  const g: ExecGraph = { status: x.verdict.ok ? "allowed" : "forbidden", events, edges };
  if (finding) g.finding = finding;
  if (!x.verdict.ok) {
    g.axiom = x.verdict.axiom;
    const cyc = x.verdict.cycle ?? [];
    g.cycle = cyc.map((i) => ids[i]);
    // Name each step of the cycle by the simplest relation that has it.
    const fr = x.rf.inv().seq(x.co);
    for (let k = 0; k < cyc.length && cyc.length > 1; k++) {
      const i = cyc[k];
      const j = cyc[(k + 1) % cyc.length];
      const rel = x.rf.has(i, j) ? "rf" : x.co.has(i, j) ? "co" : fr.has(i, j) ? "fr" : st.po.has(i, j) && x.verdict.axiom === "happens-before" ? "ppo" : x.verdict.axiom === "happens-before" && x.events[i].proc === x.events[j].proc ? "prop" : axiomRel(x.verdict.axiom!);
      add(`cycle:${rel}`, i, j);
    }
  }
  return g;
}

function axiomRel(axiom: string): string {
  return ({ coherence: "com", atomic: "fre;coe", "happens-before": "hb", propagation: "pb", rcu: "rb", "plain-coherence": "race" } as Record<string, string>)[axiom] ?? axiom;
}

/** Text form: one column block per process, then the edges. */
export function formatGraph(g: ExecGraph): string[] {
  const out: string[] = [];
  const head =
    g.status === "allowed"
      ? "an execution the LKMM allows" + (g.finding ? ` (${g.finding})` : "")
      : `the LKMM forbids this execution: the ${g.axiom} axiom fails` + (g.cycle && g.cycle.length > 1 ? ` (cycle ${[...g.cycle, g.cycle[0]].join(" -> ")})` : g.cycle?.length === 1 ? ` (${g.cycle[0]} is ordered before itself)` : "");
  out.push(head);
  const procs = [...new Set(g.events.map((e) => e.proc))];
  for (const p of procs) {
    const evs = g.events.filter((e) => e.proc === p);
    if (p === "init") {
      out.push(`  init: ${evs.map((e) => `${e.id}: ${e.text}`).join("; ")}`);
      continue;
    }
    out.push(`  ${p}:`);
    for (const e of evs) out.push(`    ${e.id}: ${e.text.padEnd(26)} ${e.where}: ${e.source}`);
  }
  const byRel = new Map<string, string[]>();
  for (const e of g.edges) {
    if (e.rel === "po") continue;
    const list = byRel.get(e.rel) ?? [];
    list.push(`${e.from}->${e.to}`);
    byRel.set(e.rel, list);
  }
  for (const [rel, list] of byRel) out.push(`  ${rel}: ${list.join(" ")}`);
  return out;
}
