// The long front-end fuzz run: `npm run fuzz [-- --runs N --seed S]`. Prints the seed and the
// count, and the first counterexample shrunk. Exit code 1 when a counterexample was found.
import fc from "fast-check";
import { corpus, fuzzProperty, mutate } from "./fuzz.js";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

const runs = arg("--runs", 100_000);
const seed = arg("--seed", Date.now() % 2 ** 31);
const seeds = corpus();
process.stdout.write(`fuzz: seed ${seed}, ${runs} cases, ${seeds.length} seed files\n`);
const t0 = performance.now();
const out = fc.check(fuzzProperty(seeds), { seed, numRuns: runs, endOnFailure: false });
const secs = ((performance.now() - t0) / 1000).toFixed(1);
if (out.failed) {
  const [c] = out.counterexample!;
  const s = seeds[c.seed];
  process.stdout.write(`fuzz: FAILED after ${out.numRuns} cases (${secs} s), shrunk ${out.numShrinks} times\n`);
  process.stdout.write(`seed file: ${s.path}\nmutations: ${JSON.stringify(c.mutations)}\nerror: ${String(out.errorInstance instanceof Error ? out.errorInstance.stack : out.errorInstance)}\n`);
  process.stdout.write(`--- input ---\n${mutate(s.text, c.mutations)}\n--- end ---\n`);
  process.stdout.write(`replay: npm run fuzz -- --seed ${seed} --runs ${runs}  (path ${out.counterexamplePath})\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(`fuzz: ${out.numRuns} cases passed in ${secs} s\n`);
}
