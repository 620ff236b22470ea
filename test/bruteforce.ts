// An independent explicit-state enumerator for hand-written transition systems, used to
// cross-check pageproof's state counts. It shares no code with src/: a model is written in
// plain TypeScript as, per process, an array of step functions (one per shared access) over
// a plain-object state, plus the registers live at each pc.
//
// It counts states the way pageproof defines them: a state is the shared values, each
// process's pc and the values of the registers LIVE at that pc (dead ones are forgotten,
// as pageproof zeroes them). Local computation belongs to the step before it, so a step
// function does one shared access and any local work after it, then returns the next pc.

export type Shared = Record<string, number>;
export type Regs = Record<string, number>;

/**
 * One step of a process at some pc. Mutates `sh` and `r` (copies) and returns the next pc,
 * `null` when the step is disabled (blocked), or `{ violation }` when a check fails.
 */
export type StepFn = (sh: Shared, r: Regs, pid: number) => number | null | { violation: string };

export interface BProc {
  steps: StepFn[]; // steps[pc]; pc === steps.length means the process has ended
  live: string[][]; // live[pc]: registers live at pc, for pc in 0..steps.length
}

export interface BModel {
  shared: Shared;
  procs: BProc[];
  /** The final condition, evaluated on states where every process has ended. */
  final?: (sh: Shared, regs: Regs[]) => boolean;
  /** What tells two final states apart (pageproof: the locations the condition names). */
  observed?: (sh: Shared, regs: Regs[]) => number[];
}

interface BState {
  sh: Shared;
  pcs: number[];
  regs: Regs[];
}

export interface BResult {
  states: number;
  /** Distinct final states (by `observed`): key -> does it satisfy the final condition. */
  finals: Map<string, boolean | null>;
  deadlock: boolean;
  violation: string | null;
}

function canon(m: BModel, s: BState): string {
  const sh = Object.keys(s.sh)
    .sort()
    .map((k) => `${k}=${s.sh[k]}`)
    .join(",");
  const ps = s.pcs.map((pc, i) => {
    const live = [...m.procs[i].live[pc]].sort();
    return `${pc}{${live.map((r) => `${r}=${s.regs[i][r] ?? 0}`).join(",")}}`;
  });
  return `${sh}|${ps.join("|")}`;
}

/** Forget dead registers (so a later read of them sees 0, like pageproof's zeroing). */
function prune(m: BModel, s: BState): void {
  s.pcs.forEach((pc, i) => {
    const keep = new Set(m.procs[i].live[pc]);
    for (const r of Object.keys(s.regs[i])) if (!keep.has(r)) delete s.regs[i][r];
  });
}

/** Breadth-first enumeration, processes tried in id order; stops at the first violation or deadlock. */
export function enumerate(m: BModel): BResult {
  for (const p of m.procs) {
    if (p.live.length !== p.steps.length + 1) throw new Error("live[] needs one entry per pc, end included");
  }
  const init: BState = { sh: { ...m.shared }, pcs: m.procs.map(() => 0), regs: m.procs.map(() => ({})) };
  prune(m, init);
  const seen = new Set<string>([canon(m, init)]);
  const queue: BState[] = [init];
  const finals = new Map<string, boolean | null>();
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head];
    let enabled = 0;
    for (let pid = 0; pid < m.procs.length; pid++) {
      const pc = s.pcs[pid];
      const proc = m.procs[pid];
      if (pc === proc.steps.length) continue;
      const n: BState = { sh: { ...s.sh }, pcs: [...s.pcs], regs: s.regs.map((r) => ({ ...r })) };
      const out = proc.steps[pc](n.sh, n.regs[pid], pid);
      if (out === null) continue;
      enabled++;
      if (typeof out === "object") return { states: seen.size, finals, deadlock: false, violation: out.violation };
      n.pcs[pid] = out;
      prune(m, n);
      const key = canon(m, n);
      if (!seen.has(key)) {
        seen.add(key);
        queue.push(n);
      }
    }
    if (enabled > 0) continue;
    if (s.pcs.some((pc, i) => pc !== m.procs[i].steps.length)) return { states: seen.size, finals, deadlock: true, violation: null };
    const regs = s.regs.map((r) => ({ ...r }));
    const key = m.observed ? m.observed(s.sh, regs).join(",") : canon(m, s);
    if (!finals.has(key)) finals.set(key, m.final ? m.final(s.sh, regs) : null);
  }
  return { states: seen.size, finals, deadlock: false, violation: null };
}
