// `npm run difftest [-- N [FIRST_SEED]] [--record]`: N random programs (default 1000), each
// checked by pageproof without reductions and by SPIN through the Promela export; prints the
// agreement statistics. Needs spin and gcc. --record writes test/difftest/recorded.json (the
// first 20 seeds) for the SPIN-free test in npm test.

import { writeFileSync } from "node:fs";
import { checkSource } from "../../src/check.js";
import { compileSource } from "../../src/ir/compile.js";
import { resolveFromDisk } from "../../src/node/prelude.js";
import { ExportError, exportPromela } from "../../src/export/promela.js";
import { generate } from "./gen.js";
import { spinCheck } from "./spin.js";
import { Recorded, disagreement } from "./compare.js";

const args = process.argv.slice(2);
const record = args.includes("--record");
const nums = args.filter((a) => !a.startsWith("--")).map(Number);
const n = nums[0] ?? (record ? 20 : 1000);
const first = nums[1] ?? 1;
const jobs = Number(process.env.DIFFTEST_JOBS ?? 2);

interface Stat {
  programs: number;
  agree: number;
  pass: number;
  passStatesEqual: number;
  assertion: number;
  deadlock: number;
  ppStates: number;
  spinStates: number;
}
const stat: Stat = { programs: 0, agree: 0, pass: 0, passStatesEqual: 0, assertion: 0, deadlock: 0, ppStates: 0, spinStates: 0 };
const failures: string[] = [];
const unsupported: string[] = [];
const recorded: Recorded[] = [];
const t0 = Date.now();

async function one(seed: number): Promise<void> {
  const src = generate(seed);
  const pp = checkSource(src, `gen-${seed}.litmus`, { por: false, symmetry: false, mergeLocks: false, mode: "strict" });
  const { model } = compileSource(`gen-${seed}.litmus`, src, { resolveInclude: resolveFromDisk });
  let pml: string;
  try {
    pml = exportPromela(model);
  } catch (e) {
    if (!(e instanceof ExportError)) throw e;
    unsupported.push(`seed ${seed}: ${e.message}`);
    return;
  }
  const spin = await spinCheck(pml);
  if (record) recorded.push({ seed, spin });
  stat.programs++;
  const why = disagreement(pp, spin);
  if (pp.verdict === "pass") {
    stat.pass++;
    stat.ppStates += pp.stats.states;
    stat.spinStates += spin.states;
    if (spin.states === pp.stats.states) stat.passStatesEqual++;
  } else if (pp.violation?.kind === "deadlock") stat.deadlock++;
  else stat.assertion++;
  if (why) failures.push(`seed ${seed}: ${why}`);
  else stat.agree++;
}

const seeds = Array.from({ length: n }, (_, i) => first + i);
let next = 0;
await Promise.all(
  Array.from({ length: jobs }, async () => {
    while (next < seeds.length) {
      const s = seeds[next++];
      await one(s);
      if (stat.programs % 50 === 0) process.stderr.write(`  ${stat.programs}/${n} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
    }
  }),
);
if (record) {
  recorded.sort((a, b) => a.seed - b.seed);
  writeFileSync(new URL("../../../test/difftest/recorded.json", import.meta.url), JSON.stringify(recorded, null, 1) + "\n");
}
console.log(`difftest: ${stat.programs} programs (seeds ${first}..${first + n - 1}), ${((Date.now() - t0) / 1000).toFixed(0)} s`);
console.log(`  verdicts agree: ${stat.agree}/${stat.programs}  (pageproof: ${stat.pass} pass, ${stat.assertion} assertion-kind violations, ${stat.deadlock} deadlocks)`);
console.log(`  state counts equal on passing programs: ${stat.passStatesEqual}/${stat.pass}  (total states pageproof ${stat.ppStates}, SPIN ${stat.spinStates})`);
if (unsupported.length) console.log(`  not exportable (skipped): ${unsupported.length}, e.g. ${unsupported[0]}`);
for (const f of failures.slice(0, 20)) console.log(`  DISAGREE ${f}`);
process.exitCode = failures.length ? 1 : 0;
