// Counterexample reconstruction: the search keeps only (parent, process) per state, so a
// trace is rebuilt by replaying the process ids forward from the initial state with
// recording switched on (the TLC / Stateright technique).

import { Instr, ModelIR, Src } from "../ir/ir.js";
import { Machine, StepContext, Violation } from "./machine.js";
import { Canonicaliser } from "./symmetry.js";

export interface SiteInfo {
  file: string;
  line: number;
  col: number;
  text: string;
}

export interface TraceStep {
  step: number; // 1-based
  proc: number;
  procName: string;
  site: SiteInfo; // the primitive that made the step (innermost)
  calls: (SiteInfo & { fn: string })[]; // call sites, outermost (the scenario) first
  changes: { location: string; before: string; after: string }[];
  reads: { location: string; value: string }[];
  violation?: boolean; // the step that hit the violation
  /** What else the step ran, in order, when lock operations were merged with it (src/ir/movers.ts):
   * after an acquire, the access of the step it joined; a release after the step's own access. */
  then?: SiteInfo[];
}

export interface Trace {
  steps: TraceStep[];
  violationSite: (SiteInfo & { calls: (SiteInfo & { fn: string })[] }) | null;
  blocked: { proc: string; site: SiteInfo }[]; // for deadlocks: where each process waits
  /** For a liveness counterexample (a lasso): index of the first step of the cycle. */
  cycleStart?: number;
}

function site(src: Src): SiteInfo {
  return { file: src.loc.file.path, line: src.loc.line, col: src.loc.col, text: src.text };
}

function calls(src: Src): (SiteInfo & { fn: string })[] {
  return src.calls.map((c) => ({ file: c.loc.file.path, line: c.loc.line, col: c.loc.col, text: c.text, fn: c.fn }));
}

const SHARED_OPS = new Set(["load", "store", "rmw", "lock", "trylock", "unlock", "unlock_wait", "rcu_lock", "rcu_unlock", "gp_start", "gp_wait", "srcu_lock", "srcu_unlock", "srcu_gp_start", "srcu_gp_wait"]);

/** Does the instruction touch shared memory (a const field's read is local)? */
function sharedAccess(i: Instr): boolean {
  return SHARED_OPS.has(i.op) && !(i.op === "load" && i.constCell);
}

/** The instruction that best names a step: its first shared access, else its first instruction. */
function mainInstr(code: Instr[], pcs: number[]): Instr {
  const first = pcs.find((pc) => sharedAccess(code[pc]));
  if (first === undefined) return code[pcs[0]];
  // A step that reads a location and then updates it (folio_unlock(): check PG_locked, clear
  // it) is named by the update, the point of the step.
  const head = code[first];
  if (head.op === "load") {
    const at = JSON.stringify(head.addr);
    for (const pc of pcs) {
      const i = code[pc];
      if ((i.op === "rmw" || i.op === "store") && JSON.stringify(i.addr) === at) return i;
    }
  }
  return head;
}

/**
 * The sites a step ran besides its main instruction because lock operations were merged with
 * it: after an acquire that joins the next step, that step's first shared access; and every
 * merged release. Each is named by its own line (inside the kernel model when it is there:
 * the step's call site is already shown), once.
 */
function mergedSites(code: Instr[], pcs: number[], main: Instr): SiteInfo[] {
  const out: SiteInfo[] = [];
  let joining = false;
  for (const pc of pcs) {
    const i = code[pc];
    if (i === main) {
      joining = i.op === "lock" && i.joinNext === true;
      continue;
    }
    const merged = i.op === "unlock" && i.merged === true;
    if (!merged && !(joining && sharedAccess(i))) continue;
    joining = false;
    const s = site(i.src);
    const last = out[out.length - 1];
    if (!last || last.text !== s.text || last.line !== s.line || last.file !== s.file) out.push(s);
  }
  return out;
}

/** A value of a location as traces print it: in hex for a word of bits (a pte_t). */
export function formatCellValue(model: ModelIR, cell: number, v: number): string {
  return model.cells[cell]?.hex ? `0x${(v >>> 0).toString(16)}` : formatValue(model, v, false);
}

export function formatValue(model: ModelIR, v: number, pointer: boolean): string {
  if (pointer) {
    if (v === 0) return "NULL";
    const n = model.addrNames.get(v);
    if (n) return `&${n}`;
  }
  return String(v);
}

/**
 * Replays a path found by the search. With symmetry reduction the path names process
 * positions in canonical states; `groups` maps them back to the actual processes.
 * The violation the last step hits is re-observed, so its process is the actual one.
 */
export function replay(model: ModelIR, path: number[], violation: Violation | null, warnAsViolation = true, groups: number[][] = [], findingsAsWarnings = false): Trace & { violation: Violation | null } {
  const m = new Machine(model);
  const ctx = new StepContext();
  ctx.warnAsViolation = warnAsViolation;
  ctx.findingsAsWarnings = findingsAsWarnings;
  const s = m.initial(ctx);
  const steps: TraceStep[] = [];
  const canon = groups.length ? new Canonicaliser(m, groups) : null;
  const perm = new Int32Array(model.processes.length);
  const scratch = new Int32Array(m.width);
  path.forEach((via, i) => {
    let pid = via;
    if (canon) {
      scratch.set(s);
      canon.canon(scratch, perm);
      pid = perm[via];
    }
    ctx.record = { pcs: [], accesses: [] };
    ctx.violation = null;
    m.run(pid, s, ctx);
    // A violation raised by the step itself (not a global deadlock) is re-observed here,
    // so it names the actual process even when the search saw a permuted state.
    if (ctx.violation && i === path.length - 1 && violation && violation.pc >= 0) violation = ctx.violation;
    const code = model.processes[pid].code;
    const rec = ctx.record;
    const ins = rec.pcs.length ? mainInstr(code, rec.pcs) : code[code.length - 1];
    const changes: TraceStep["changes"] = [];
    const reads: TraceStep["reads"] = [];
    for (const a of rec.accesses) {
      const cell = model.cells[a.cell];
      // A write of the value already there is shown too: it can be the moment an update is lost.
      if (a.kind === "w") changes.push({ location: cell.name, before: formatCellValue(model, a.cell, a.before), after: formatCellValue(model, a.cell, a.after) });
      else if (a.kind === "r") reads.push({ location: cell.name, value: formatCellValue(model, a.cell, a.after) });
    }
    const then = mergedSites(code, rec.pcs, ins);
    steps.push({ step: i + 1, proc: pid, procName: model.processes[pid].name, site: site(ins.src), calls: calls(ins.src), changes, reads, violation: violation !== null && i === path.length - 1 && violation.proc === pid, ...(then.length ? { then } : {}) });
  });
  ctx.record = null;
  let violationSite: Trace["violationSite"] = null;
  if (violation && violation.pc >= 0) {
    const src = model.processes[violation.proc].code[violation.pc].src;
    violationSite = { ...site(src), calls: calls(src) };
  }
  const blocked: Trace["blocked"] = [];
  if (violation?.kind === "deadlock" && violation.pc < 0) {
    model.processes.forEach((p, pid) => {
      if (!m.finished(pid, s)) blocked.push({ proc: p.name, site: site(p.code[s[m.procs[pid].base]].src) });
    });
  }
  if (violation?.kind === "deadlock" && violation.pc < 0) {
    const names = blocked.map((b) => b.proc);
    violation = { ...violation, msg: `${names.join(", ")} blocked forever` };
  }
  return { steps, violationSite, blocked, violation };
}
