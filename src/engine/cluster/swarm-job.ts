// One job of the swarm mode (`check --cluster URL --swarm N`), run by a worker: a randomized
// depth-first search, as SPIN's swarm runs many (Holzmann, Joshi, Groce), for spaces too big to
// search exhaustively. Its seed orders the successors and salts a bit-state visited set
// (2^k bits, one hash), so the N jobs lose different states to hash collisions and go
// different ways. Bounded by a number of states. It reports what it saw: states, transitions,
// deepest stack, a violation's path (process ids from the initial state), and a bottom-k sketch
// of the fingerprints it visited, from which the coordinator estimates coverage.
//
// Without POR (a depth-first search would need the stack proviso, which the engine does not
// have); symmetry applies as usual (canonical forms are per state).

import { rng } from "../rng.js";
import { ModelIR } from "../../ir/ir.js";
import { BatchTarget, DEADLOCKED, Expander, VIOLATED } from "../expand.js";
import { Machine, StepContext, Violation } from "../machine.js";
import { Canonicaliser, symmetryGroups } from "../symmetry.js";
import { Fingerprinter } from "../store.js";
import { IntList } from "./batch.js";
import { JobOptions } from "./expand-batch.js";

export const S_MAGIC = 0x70705301; // a swarm job: [S_MAGIC, index, seed, bound]
export const SKETCH = 1024; // fingerprints kept for the coverage estimate

export interface SwarmJobResult {
  index: number;
  seed: number;
  states: number;
  transitions: number;
  maxDepth: number;
  bounded: boolean; // stopped by the bound (else: the job's whole reachable part was seen)
  violation: Violation | null;
  path: number[];
  sketch: number[]; // the SKETCH smallest fingerprint highs (as unsigned), ascending
}


export function runSwarmJob(model: ModelIR, o: JobOptions, index: number, seed: number, bound: number): SwarmJobResult {
  const m = new Machine(model);
  const w = m.width;
  const groups = o.symmetry ? symmetryGroups(model) : [];
  const canon = groups.length ? new Canonicaliser(m, groups) : null;
  const succ = new IntList(256); // [hi, lo, pid] of the state being expanded
  const target: BatchTarget = {
    touch: () => 0,
    add: () => true,
    append: (_s, hi, lo, _parent, via) => {
      succ.push(hi);
      succ.push(lo);
      succ.push(via);
      return 0;
    },
  };
  const x = new Expander(model, m, () => -1, canon, null, null, o.warnAsViolation, target, o.stepCacheBits);
  x.ctx.findingsAsWarnings = o.findingsAsWarnings;
  const random = rng(seed);
  // Bit-state visited set, salted by the seed: about 16 bits per state of the bound.
  const bits = Math.max(16, Math.min(30, Math.ceil(Math.log2(bound * 16))));
  const table = new Uint32Array(1 << (bits - 5));
  const mask = (1 << bits) - 1;
  const salt = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  const testAndSet = (hi: number, lo: number): boolean => {
    let h = Math.imul(hi ^ salt, 0xcc9e2d51) ^ lo;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = (h ^ (h >>> 13)) & mask;
    const word = h >>> 5;
    const bit = 1 << (h & 31);
    if (table[word] & bit) return true;
    table[word] |= bit;
    return false;
  };
  let sketch: number[] = [];
  let sketchMax = 0xffffffff;
  const sample = (hi: number) => {
    const v = hi >>> 0;
    if (sketch.length >= SKETCH && v >= sketchMax) return;
    sketch.push(v);
    if (sketch.length >= 4 * SKETCH) {
      sketch = [...new Set(sketch)].sort((a, b) => a - b).slice(0, SKETCH);
      sketchMax = sketch[sketch.length - 1];
    }
  };

  const res: SwarmJobResult = { index, seed, states: 0, transitions: 0, maxDepth: 0, bounded: false, violation: null, path: [], sketch: [] };
  const finish = () => {
    res.sketch = [...new Set(sketch)].sort((a, b) => a - b).slice(0, SKETCH);
    return res;
  };
  const ctx = new StepContext();
  ctx.warnAsViolation = o.warnAsViolation;
  ctx.findingsAsWarnings = o.findingsAsWarnings;
  const init = m.initial(ctx);
  if (ctx.violation) {
    res.violation = { ...ctx.violation };
    return finish();
  }
  x.prepareInitial(init);
  const fp = new Fingerprinter(w);
  fp.full(init);
  // The stack: per frame its vector, fingerprint, shuffled successors [hi, lo, pid] and a cursor.
  const vecs: Int32Array[] = [init];
  const his = [fp.hi];
  const los = [fp.lo];
  const pids: number[] = [-1]; // the step that led to each frame
  const succs: (Int32Array | null)[] = [null];
  const cursor: number[] = [0];
  testAndSet(fp.hi, fp.lo);
  sample(fp.hi);
  res.states = 1;
  while (vecs.length > 0) {
    const d = vecs.length - 1;
    if (succs[d] === null) {
      succ.clear();
      const cur = x.stateBuffer();
      cur.set(vecs[d]);
      const r = x.expand(0, cur, his[d], los[d]);
      x.flush();
      res.transitions += succ.n / 3;
      if (r === VIOLATED || (r === DEADLOCKED && !o.findingsAsWarnings)) {
        if (r === VIOLATED) res.transitions++;
        res.violation = r === VIOLATED ? { ...x.ctx.violation! } : x.deadlock(vecs[d]);
        res.path = pids.slice(1).concat(r === VIOLATED ? [x.violator] : []);
        return finish();
      }
      x.ctx.warnings.length = 0;
      // Fisher–Yates over the successor triples, with the job's seed.
      const s = succ.a.slice(0, succ.n);
      for (let i = s.length / 3 - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        for (let k = 0; k < 3; k++) {
          const t = s[3 * i + k];
          s[3 * i + k] = s[3 * j + k];
          s[3 * j + k] = t;
        }
      }
      succs[d] = s;
      cursor[d] = 0;
    }
    const s = succs[d]!;
    let pushed = false;
    while (cursor[d] < s.length) {
      const at = cursor[d];
      cursor[d] += 3;
      if (testAndSet(s[at], s[at + 1])) continue;
      if (res.states >= bound) {
        res.bounded = true;
        return finish();
      }
      res.states++;
      sample(s[at]);
      const v = new Int32Array(w);
      x.successor(vecs[d], s[at + 2], v);
      vecs.push(v);
      his.push(s[at]);
      los.push(s[at + 1]);
      pids.push(s[at + 2]);
      succs.push(null);
      cursor.push(0);
      if (vecs.length - 1 > res.maxDepth) res.maxDepth = vecs.length - 1;
      pushed = true;
      break;
    }
    if (!pushed) {
      vecs.pop();
      his.pop();
      los.pop();
      pids.pop();
      succs.pop();
      cursor.pop();
    }
  }
  return finish();
}
