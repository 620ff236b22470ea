// A cache of step results, keyed by what a step can read (LTSmin's transition caching).
//
// A step of process p reads and writes only the shared cells and p's own block (pc and
// locals), and it is deterministic. So whether it is enabled, and the words it changes, are a
// function of those words alone; and since fingerprints are Zobrist XORs (store.ts), so is
// the change it makes to the fingerprint. Without a reduction most transitions repeat such a
// (process, cells, block) combination seen before: the search then takes the successor's
// fingerprint from here instead of running the step, and re-runs it only for a successor that
// turns out new (expand.ts flush). Only clean results are kept: a step that warned or failed
// a check runs every time, so its reports are made as before.
//
// Direct-mapped, a fixed number of entries: a miss costs a run of the step, never a wrong
// answer, because an entry holds its whole key.

/** Key words (shared cells + the largest block) above which no cache is made: long keys are slow to compare and rarely repeat. */
export const MAX_KEY_WORDS = 24;
const ENTRY_BITS = 15; // 2^15 entries (about 1.5 MiB for the PV family): 99.8-99.9 % hits there

export class StepCache {
  private readonly table: Int32Array; // entries: pid + 1 (0 = empty), cells, block (padded), result, fingerprint change hi, lo
  private readonly stride: number;
  private readonly mask: number;
  private readonly res: number; // offset of the result in an entry
  private readonly from: Int32Array; // process pid's words are [from[pid], to[pid])
  private readonly to: Int32Array;

  /** blocks[pid] = [from, to): process pid's words; 2^bits entries. */
  constructor(
    private readonly cells: number,
    blocks: [number, number][],
    bits = ENTRY_BITS,
  ) {
    this.mask = (1 << bits) - 1;
    const maxBlock = Math.max(...blocks.map(([from, to]) => to - from));
    this.from = Int32Array.from(blocks, (b) => b[0]);
    this.to = Int32Array.from(blocks, (b) => b[1]);
    this.res = 1 + cells + maxBlock;
    this.stride = this.res + 3;
    this.table = new Int32Array((this.mask + 1) * this.stride);
    this.findAll = compileLookup(cells, blocks, this.table, this.mask, this.stride);
  }

  /** A cache for this model, or null if its keys would be too long. */
  static for(cells: number, blocks: [number, number][], bits = ENTRY_BITS): StepCache | null {
    const maxBlock = Math.max(0, ...blocks.map(([from, to]) => to - from));
    return cells + maxBlock <= MAX_KEY_WORDS ? new StepCache(cells, blocks, bits) : null;
  }

  /**
   * The entries of every process's step from state s: out[pid] is the entry's offset if it
   * holds that key, else ~offset (where put() stores it). One call per state. The processes
   * with their bit set in `skip` are not looked up (their out[pid] is left as it was).
   */
  readonly findAll: (s: Int32Array, out: Int32Array, skip: number) => void;

  /** Stores at entry `at` (the ~ of a findAll() miss) the result r of pid's step from s and its fingerprint change. */
  put(at: number, pid: number, s: Int32Array, r: number, dHi: number, dLo: number): void {
    const t = this.table;
    const from = this.from[pid];
    const to = this.to[pid];
    t[at] = pid + 1;
    for (let i = 0; i < this.cells; i++) t[at + 1 + i] = s[i];
    for (let i = from, j = at + 1 + this.cells; i < to; i++, j++) t[j] = s[i];
    t[at + this.res] = r;
    t[at + this.res + 1] = dHi;
    t[at + this.res + 2] = dLo;
  }

  result(at: number): number {
    return this.table[at + this.res];
  }

  changeHi(at: number): number {
    return this.table[at + this.res + 1];
  }

  changeLo(at: number): number {
    return this.table[at + this.res + 2];
  }
}

/**
 * findAll as generated code: the loops over the keys unrolled, with the word indices as
 * literals; the hash of the shared cells, common to all keys of a state, made once.
 */
function compileLookup(cells: number, blocks: [number, number][], table: Int32Array, mask: number, stride: number): (s: Int32Array, out: Int32Array, skip: number) => void {
  const mix = (i: number, mul: number, shift: number) => `h = Math.imul(h ^ s[${i}], ${mul}) ^ (h >>> ${shift});`;
  const hashCells = Array.from({ length: cells }, (_, i) => mix(i, 0x9e3779b1, 15)).join("\n");
  const perProcess = blocks.map(([from, to], pid) => {
    const hash: string[] = [`h = cellHash ^ ${Math.imul(pid + 1, 0x85ebca6b)};`];
    for (let i = from; i < to; i++) hash.push(mix(i, 0xc2b2ae35, 13));
    const same: string[] = [`t[at] === ${pid + 1}`];
    for (let i = 0; i < cells; i++) same.push(`t[at + ${1 + i}] === s[${i}]`);
    for (let i = from; i < to; i++) same.push(`t[at + ${1 + cells + i - from}] === s[${i}]`);
    // Sleep sets (the only skips) exist for at most 31 processes (commute.ts).
    return `if (${pid < 31 ? `(skip & ${1 << pid}) === 0` : "true"}) {
  ${hash.join("\n")}
  at = ((h ^ (h >>> 16)) & ${mask}) * ${stride};
  out[${pid}] = ${same.join(" && ")} ? at : ~at;
}`;
  });
  const src = `"use strict";
return function findAll(s, out, skip) {
  let h = 0x2545f491;
  ${hashCells}
  const cellHash = h;
  let at = 0;
  ${perProcess.join("\n")}
};`;
  return new Function("t", src)(table);
}
