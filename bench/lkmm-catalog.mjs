#!/usr/bin/env node
// The kernel-model catalog under --model lkmm next to its SC verdict (not part of `npm test`;
// run after `npx tsc -p .`), one scenario at a time:
//
//   node bench/lkmm-catalog.mjs [--timeout S] [--values auto|concrete|symbolic] [--order-checks] [FILE ...]
//
// --order-checks: also the time spent in the model's ordering checks (whole candidates and
// partial ones), their number and the mean per check.
//
// Default files: scenarios/v6.15, v5.7, 2020-splice-thread and next. Prints one line per file:
// the lkmm verdict (the finding's kind, or clean / incomplete and why), its time and how values
// were enumerated, the SC verdict and its time, and whether the two agree.

import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { checkFile } = await import(join(root, 'dist/src/check.js'));
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args.splice(args.indexOf(name), 2)[1] : dflt);
const timeout = Number(opt('--timeout', 120));
const values = opt('--values', 'auto');
const orderChecks = args.includes('--order-checks') ? (args.splice(args.indexOf('--order-checks'), 1), { ms: 0, n: 0 }) : null;
if (orderChecks) {
  const { Lkmm } = await import(join(root, 'dist/src/lkmm/model.js'));
  for (const m of ['check', 'forbiddenForAll', 'holdsForAll']) {
    const f = Lkmm.prototype[m];
    Lkmm.prototype[m] = function (...a) {
      const t = performance.now();
      try {
        return f.apply(this, a);
      } finally {
        orderChecks.ms += performance.now() - t;
        orderChecks.n++;
      }
    };
  }
}
const dirs = ['v6.15', 'v5.7', '2020-splice-thread', 'next'].map((d) => join(root, 'scenarios', d));
const files = args.length ? args : dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.litmus')).sort().map((f) => join(d, f)));
const kind = (r) => (r.verdict === 'violation' ? r.violation.kind : r.verdict === 'pass' ? 'clean' : r.verdict);
for (const f of files) {
  const name = relative(root, resolve(f));
  let lk;
  let sc;
  const t0 = performance.now();
  try {
    if (orderChecks) Object.assign(orderChecks, { ms: 0, n: 0 });
    lk = checkFile(f, { model: 'lkmm', lkmmValues: values, timeoutMs: timeout * 1000 });
  } catch (e) {
    console.log(`${name}\tlkmm refused: ${String(e.message).split('\n')[0].slice(0, 120)}`);
    continue;
  }
  const t1 = performance.now();
  const checks = orderChecks ? ` [order checks ${(orderChecks.ms / 1000).toFixed(1)} s, ${orderChecks.n}, ${orderChecks.n ? Math.round((1000 * orderChecks.ms) / orderChecks.n) : 0} us each]` : '';
  sc = checkFile(f, { timeoutMs: timeout * 1000 });
  const t2 = performance.now();
  const a = kind(lk);
  const b = kind(sc);
  const why = lk.verdict === 'incomplete' ? ` (${lk.incomplete.limit}: ${(lk.incomplete.detail ?? '').slice(0, 160)})` : '';
  console.log(`${name}\tlkmm ${a} ${((t1 - t0) / 1000).toFixed(1)} s [${lk.lkmm?.values}, ${lk.lkmm?.executions} executions]${checks}${why}\tsc ${b} ${((t2 - t1) / 1000).toFixed(1)} s\t${lk.verdict === 'incomplete' ? '' : a === b ? 'same' : 'DIFFERS'}`);
}
