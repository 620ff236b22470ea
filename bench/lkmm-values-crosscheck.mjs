#!/usr/bin/env node
// Concrete vs symbolic read values under --model lkmm (not part of `npm test`; run after
// `npx tsc -p .`): every file is checked in counting mode both ways and the answers must be
// equal: verdict, Observation (with herd7's counts), allowed executions, findings' kinds and the
// final states. Prints the mismatches and both modes' total times.
//
//   node bench/lkmm-values-crosscheck.mjs [--only REGEX] [--every N] [--timeout S] [FILE_OR_DIR ...]
//
// Without files: the shared corpus and the repository's LKMM fixtures and scenarios/lkmm.

import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { checkSource } = await import(join(root, 'dist/src/check.js'));
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args.splice(args.indexOf(name), 2)[1] : dflt);
const only = opt('--only', null);
const every = Number(opt('--every', 1));
const timeout = Number(opt('--timeout', 120));
const litmusIn = (d) => readdirSync(d).filter((f) => f.endsWith('.litmus')).sort().map((f) => join(d, f));
let files = [];
const targets = args.length ? args : [resolve(root, process.env.PAGEPROOF_CORPUS_DIR ?? '../shared/corpus/paulmckrcu-litmus-auto'), join(root, 'test/fixtures/lkmm-counts'), join(root, 'test/fixtures/herd7'), join(root, 'scenarios/lkmm')];
for (const t of targets) {
  if (!existsSync(t)) continue;
  files.push(...(statSync(t).isDirectory() ? litmusIn(t) : [t]));
}
if (only) files = files.filter((f) => new RegExp(only).test(f));
files = files.filter((_, i) => i % every === 0);

const rowOf = (r) => ({
  verdict: r.verdict === 'incomplete' ? `incomplete ${r.incomplete.limit}` : r.verdict,
  obs: r.observation ? `${r.observation.result} ${r.observation.positive} ${r.observation.negative}` : null,
  executions: r.lkmm?.executions ?? null,
  findings: [...new Set([...r.warnings.map((w) => w.kind), ...(r.violation ? [r.violation.kind] : [])])].sort().join(','),
  finals: r.verdict === 'incomplete' ? null : r.finalStates.map((s) => JSON.stringify(s)).sort().join('\n'),
});
const time = { concrete: 0, symbolic: 0 };
let bad = 0;
let skipped = 0;
let n = 0;
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  const rows = {};
  for (const mode of ['concrete', 'symbolic']) {
    const t = performance.now();
    const r = checkSource(text, f, { model: 'lkmm', lkmmValues: mode, timeoutMs: timeout * 1000 });
    rows[mode] = rowOf(r);
    time[mode] += (performance.now() - t) / 1000;
  }
  n++;
  const a = rows.concrete;
  const b = rows.symbolic;
  if (a.verdict.startsWith('incomplete') || b.verdict.startsWith('incomplete')) {
    if (a.verdict !== b.verdict) {
      skipped++;
      console.log(`INCOMPLETE ${f}: concrete ${a.verdict}, symbolic ${b.verdict}`);
    }
    continue;
  }
  // A violation stops the search at the first execution that has it: how many executions came
  // before depends on the order of the search.
  const keys = a.verdict === 'violation' ? ['verdict', 'findings'] : Object.keys(a);
  const diff = keys.filter((k) => a[k] !== b[k]);
  if (diff.length) {
    bad++;
    console.log(`MISMATCH ${f}: ` + diff.map((k) => `${k}: concrete ${JSON.stringify(a[k]).slice(0, 200)} / symbolic ${JSON.stringify(b[k]).slice(0, 200)}`).join('; '));
  }
}
console.log(`${n} files, ${bad} mismatches, ${skipped} incomplete in one mode only; concrete ${time.concrete.toFixed(1)} s, symbolic ${time.symbolic.toFixed(1)} s`);
process.exit(bad ? 1 : 0);
