#!/usr/bin/env node
// PV ladder: pageproof against SPIN (see bench/README.md). Not part of `npm test`.
//
//   npm run bench [-- options]
//     --rev REV        measure this git revision of pageproof (default HEAD): exported with git archive
//                      into a temporary directory and built there, so uncommitted work is not measured
//     --worktree       measure the repository's own dist/ as it is (records the commit as REV+dirty)
//     --quick          sizes n = 1..3 only
//     --max-n N        largest n (default 7, as shared/bench/spin/ladder.sh)
//     --out FILE       default bench/results.md
//
// SPIN runs through ../shared/bench/spin/run-spin.sh (relative to the repository root); if `spin` is
// not installed, only pageproof runs and results.md says so.

import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem, platform, release } from 'node:os';
import { join, dirname, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeModel, VARIANTS } from './gen-pv.mjs';
import { writeNaturalModel } from './gen-pv-natural.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const spinDir = resolve(root, '../shared/bench/spin');
const runSpin = join(spinDir, 'run-spin.sh');
const outDir = join(here, 'out');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
	const i = args.indexOf(name);
	return i >= 0 ? args[i + 1] : dflt;
};
const maxN = args.includes('--quick') ? 3 : Number(opt('--max-n', 7));
const resultsFile = resolve(opt('--out', join(here, 'results.md')));
const PP_TIMEOUT = 120; // pageproof --timeout (seconds)
const SPIN_TIMEOUT = 150; // as ladder.sh
const TWIN_MAX_N = 5; // the SPIN-granularity twin (validation) runs up to this n

const sh = (cmd, a, o = {}) => execFileSync(cmd, a, { encoding: 'utf8', ...o }).trim();
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const haveTime = existsSync('/usr/bin/time');
const haveSpin = have('spin') && existsSync(runSpin);
// The README's tip for big runs on Linux: glibc then asks for transparent huge pages for the
// large arrays (fewer page faults and TLB misses). Measured beside the default runs where glibc is.
const HUGE_PAGES = { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' };
const haveGlibc = platform() === 'linux' && Boolean(process.report?.getReport().header.glibcVersionRuntime);
// The sizes the raw-speed goals are stated at (issue 15): measured in ROUNDS alternating rounds
// (one thread, two threads, each without and with huge pages), as the machine's speed drifts.
const HUGE_PAGES_SIZES = new Set(['6,2', '7,2']);
const ROUNDS = 3;
// The unreduced runs: one thread (the hash-table visited set, for raw speed), two threads.
const RAW_ONE = ['--no-por', '--no-symmetry', '--hash-table'];
const RAW_TWO = ['--no-por', '--no-symmetry', '--workers', '2'];

// ---- the pageproof under test ----------------------------------------------------------------
let ppRoot = root;
let ppCommit;
let cleanup = () => {};
if (args.includes('--worktree')) {
	ppCommit = sh('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
	if (sh('git', ['-C', root, 'status', '--porcelain', '--', 'src']) !== '') ppCommit += '+dirty(src)';
} else {
	const rev = opt('--rev', 'HEAD');
	ppCommit = sh('git', ['-C', root, 'rev-parse', '--short', rev]);
	ppRoot = mkdtempSync(join(tmpdir(), 'pageproof-bench-'));
	cleanup = () => rmSync(ppRoot, { recursive: true, force: true });
	console.error(`building pageproof ${ppCommit} in ${ppRoot}`);
	execFileSync('sh', ['-c', `git -C "${root}" archive ${rev} | tar -x -C "${ppRoot}"`]);
	symlinkSync(join(root, 'node_modules'), join(ppRoot, 'node_modules'));
	execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', ppRoot], { stdio: 'inherit' });
}
const ppMain = join(ppRoot, 'dist/src/cli/main.js');

// ---- running one measurement -----------------------------------------------------------------
// Runs cmd under /usr/bin/time -v (when present); returns stdout, wall seconds, peak RSS in bytes.
function timed(cmd, argv, timeoutS, env = {}) {
	const t0 = process.hrtime.bigint();
	const full = haveTime ? ['/usr/bin/time', ['-v', cmd, ...argv]] : [cmd, argv];
	const r = spawnSync(full[0], full[1], { encoding: 'utf8', timeout: timeoutS * 1000, killSignal: 'SIGKILL', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
	const wall = Number(process.hrtime.bigint() - t0) / 1e9;
	const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
	return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status, killed: r.signal != null, wall, rss: m ? Number(m[1]) * 1024 : null };
}

// Default options (partial-order + symmetry reduction, fingerprints) unless `extra` says otherwise.
function runPageproof(file, extra = [], env = {}) {
	const r = timed('node', [ppMain, 'check', file, '--format', 'json', '--timeout', String(PP_TIMEOUT), ...extra], PP_TIMEOUT + 60, env);
	let j;
	try {
		j = JSON.parse(r.stdout);
	} catch {
		return { verdict: r.killed ? 'incomplete (killed)' : `crash (exit ${r.status})`, raw: r.stderr.slice(-500), wall: r.wall, rss: r.rss };
	}
	let verdict = j.verdict;
	if (verdict === 'violation') verdict = `violation:${j.violation?.kind}`;
	if (verdict === 'error') verdict = `error: ${j.error?.message}`;
	return { verdict, states: j.stats.states, transitions: j.stats.transitions, seconds: j.stats.seconds, wall: r.wall, rss: r.rss, store: j.stats.memoryBytes, visitedPerState: j.stats.visitedBytesPerState };
}

function runSpinOnce(n, m, variant, flags) {
	const r = timed(runSpin, [String(n), String(m), variant, ...flags], SPIN_TIMEOUT);
	// The time limit kills run-spin.sh, not the pan it started: end that too, or it keeps a core busy.
	if (r.killed) spawnSync('pkill', ['-KILL', '-f', '^\\./pan ']);
	const line = r.stdout.trim().split('\n').pop() ?? '';
	const f = line.split(/\s+/);
	if (r.killed || f.length < 9) return { verdict: 'incomplete (timeout or memory)', wall: r.wall, rss: r.rss };
	// N M variant flags states transitions pan_seconds total_seconds verdict
	return { verdict: f[8], states: Number(f[4]), transitions: Number(f[5]), panSeconds: Number(f[6]), seconds: Number(f[7]), wall: r.wall, rss: r.rss };
}

// ---- the ladder ------------------------------------------------------------------------------
const SPIN_VARIANT = { ok: 'none', nolock: 'NOLOCK', nowbcheck: 'NOWBCHECK', getnomk: 'GETNOMK' };
const rows = [];
const loadBefore = (await import('node:os')).loadavg();
const gaveUp = new Set(); // "tool|variant|m": a smaller n did not finish, larger ones are skipped
const incomplete = (v) => v.startsWith('incomplete') || v.startsWith('skipped') || v.startsWith('crash') || v.startsWith('error');

function measure(key, fn) {
	if (gaveUp.has(key)) return { verdict: 'skipped (smaller n incomplete)' };
	const r = fn();
	if (incomplete(r.verdict)) gaveUp.add(key);
	return r;
}

for (const m of [1, 2]) {
	for (let n = 1; n <= maxN; n++) {
		for (const variant of VARIANTS) {
			const { file, expect } = writeModel(variant, n, m, outDir);
			const row = { n, m, variant, expect, file: relative(root, file) };
			console.error(`pv-${variant}(${n},${m}) ...`);
			row.pp = measure(`pp|${variant}|${m}`, () => runPageproof(file));
			// Raw exploration speed: the same model with every reduction off.
			if (variant === 'ok') row.raw = measure(`raw|${variant}|${m}`, () => runPageproof(file, RAW_ONE));
			// Both cores: the same two runs with two threads sharing the visited set.
			if (variant === 'ok') {
				row.raw2 = measure(`raw2|${variant}|${m}`, () => runPageproof(file, RAW_TWO));
				row.pp2 = measure(`pp2|${variant}|${m}`, () => runPageproof(file, ['--workers', '2']));
				if (HUGE_PAGES_SIZES.has(`${n},${m}`) && !incomplete(row.raw.verdict)) {
					row.rounds = { raw: [row.raw], raw2: [row.raw2], rawHuge: [], raw2Huge: [] };
					for (let k = 0; k < ROUNDS; k++) {
						if (k > 0) {
							row.rounds.raw.push(runPageproof(file, RAW_ONE));
							row.rounds.raw2.push(runPageproof(file, RAW_TWO));
						}
						if (haveGlibc) {
							row.rounds.rawHuge.push(runPageproof(file, RAW_ONE, HUGE_PAGES));
							row.rounds.raw2Huge.push(runPageproof(file, RAW_TWO, HUGE_PAGES));
						}
					}
				}
			}
			// The same protocol as a kernel developer writes it (spinlock_t, while loops): defaults,
			// and for small sizes without reductions, to compare with the tuned model's counts.
			const nat = writeNaturalModel(variant, n, m, outDir);
			row.natural = measure(`nat|${variant}|${m}`, () => runPageproof(nat.file));
			row.naturalExpect = nat.expect;
			// What merging the lock releases into the step before them (src/ir/movers.ts) does.
			if (variant === 'ok') row.naturalNoMerge = measure(`natnm|${variant}|${m}`, () => runPageproof(nat.file, ['--no-merge-locks']));
			if (variant === 'ok' && n <= 4) {
				row.naturalRaw = measure(`natraw|${variant}|${m}`, () => runPageproof(nat.file, ['--no-por', '--no-symmetry', '--no-merge-locks', '--hash-table']));
				row.tunedRaw = row.raw;
			}
			if (variant === 'ok' && n <= TWIN_MAX_N) {
				const twin = writeModel(variant, n, m, outDir, true);
				row.twin = measure(`twin|${variant}|${m}`, () => runPageproof(twin.file, ['--no-por', '--no-symmetry', '--exact']));
			}
			if (haveSpin) {
				row.spin = measure(`spin|${variant}|${m}`, () => runSpinOnce(n, m, SPIN_VARIANT[variant], []));
				if (variant === 'ok') row.spinNR = measure(`spinNR|${variant}|${m}`, () => runSpinOnce(n, m, 'none', ['-DNOREDUCE']));
			}
			rows.push(row);
			console.error(`  pageproof ${row.pp.verdict} ${row.pp.states ?? ''}  spin ${row.spin?.verdict ?? '-'} ${row.spin?.states ?? ''}`);
		}
	}
}
// Scale beyond SPIN: sizes SPIN cannot finish, pageproof with its default reductions.
const scale = [];
for (const [n, m] of [[8, 1], [10, 2], [12, 2]]) {
	const { file } = writeModel('ok', n, m, outDir);
	console.error(`scale pv-ok(${n},${m}) ...`);
	const nat = writeNaturalModel('ok', n, m, outDir);
	scale.push({ n, m, pp: runPageproof(file), pp2: runPageproof(file, ['--workers', '2']), natural: runPageproof(nat.file) });
}
cleanup();
writeFileSync(join(outDir, 'results.json'), JSON.stringify({ ppCommit, rows, scale }, null, 1));

// ---- results.md ------------------------------------------------------------------------------
const num = (x) => (x == null || Number.isNaN(x) ? '–' : x.toLocaleString('en-US'));
const secs = (x) => (x == null || Number.isNaN(x) ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const mib = (b) => (b == null ? '–' : `${(b / 2 ** 20).toFixed(0)} MiB`);
const rate = (r) => (r?.states && r.seconds > 0 ? num(Math.round(r.states / r.seconds)) : '–');
const ratio = (a, b) => (a != null && b ? `${(a / b).toFixed(2)}` : '–');
const ppVerdict = (r) => (r.verdict === 'pass' ? 'clean' : r.verdict === 'violation:assert' ? 'assert' : r.verdict);
// pan stops at its first assertion violation; "(depth-truncated)" only says the search also hit -m.
// A clean search that hit -m proves nothing: that is an incomplete run, not a verdict.
const spinVerdict = (r) =>
	r.verdict === 'violation' ? 'assert' : r.verdict.startsWith('violation') ? `assert ${r.verdict.slice(9)}` : r.verdict.startsWith('clean(depth-truncated)') ? 'incomplete (depth limit -m2000000)' : r.verdict;
const expectOk = (row) => {
	const p = ppVerdict(row.pp);
	if (incomplete(p) || p.startsWith('skipped')) return 'incomplete';
	return p === row.expect ? 'yes' : `**NO** (${p})`;
};

const L = [];
L.push('# PV benchmark: pageproof vs SPIN');
L.push('');
L.push(`Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench\` (bench/run.mjs).`);
L.push('');
L.push(`- pageproof: commit ${ppCommit}${args.includes('--worktree') ? ' (working tree)' : ' (exported with git archive and built fresh; uncommitted work not measured)'}, Node ${process.version}, default options (BFS, partial-order reduction, symmetry reduction of the identical dio/wb processes, compact 64-bit fingerprint visited set); the "reductions off" columns add \`--no-por --no-symmetry --hash-table\` (raw speed: the hash-table visited set probes faster and takes 2-3x the memory); the twin runs add \`--exact\` too.`);
L.push(`- SPIN: ${haveSpin ? sh('spin', ['-V']) + `, ${sh('gcc', ['--version']).split('\n')[0]}, through ../shared/bench/spin/run-spin.sh (gcc -O2 -DSAFETY, pan -m2000000 -w26)` : '**not installed: pageproof only**'}.`);
L.push(`- Load average (1/5/15 min) before the run ${loadBefore.map((x) => x.toFixed(1)).join('/')}, after ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join('/')}: other sessions share this machine; a load above ~2 on 2 cores slows every timing (not the state counts or verdicts).`);
L.push(`- Machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${platform()} ${release()}.`);
L.push(`- Models: \`node bench/gen-pv.mjs VARIANT N M\` into bench/out/ (examples in bench/models/). Every numbered line of shared/bench/PV-MODEL.md is one pageproof step.`);
L.push(`- pageproof: \`node dist/src/cli/main.js check FILE --format json --timeout ${PP_TIMEOUT}\`; SPIN: \`run-spin.sh N M VARIANT [-DNOREDUCE]\` under \`timeout ${SPIN_TIMEOUT}\`. Each run alone, one after the other${haveTime ? ', under `/usr/bin/time -v` (peak RSS = "Maximum resident set size"; for SPIN the largest of spin, gcc and pan)' : ''}.`);
L.push('- Time to verdict: pageproof = wall clock of `node … check` (start-up, parse, search); SPIN = `total_seconds` of run-spin.sh: spin -a + gcc + pan, what a user waits for. Peak RSS of SPIN is dominated by pan\'s -w26 hash table (512 MiB).');
L.push('- A run that hits its time limit is **incomplete**, never a pass; larger n of the same tool/variant/m are then skipped.');
L.push('');

L.push('## pv-ok (expected clean): time to verdict');
L.push('');
L.push('Time to verdict: pageproof = wall clock of the whole process (search alone in parentheses); SPIN = spin -a + gcc + pan (pan alone in parentheses).');
L.push('states/s: pageproof search; SPIN pan. Ratios are pageproof / SPIN (time: time to verdict; search: search alone).');
L.push('');
L.push('| n,m | pageproof verdict | states | transitions | time s (search) | states/s | peak RSS | visited B/state | reductions off: states | time s (search) | states/s | SPIN (default POR) verdict | states | transitions | time s (pan) | states/s | peak RSS | time ratio | search ratio | states ratio |');
L.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|');
for (const r of rows.filter((r) => r.variant === 'ok')) {
	const p = r.pp, s = r.spin ?? {}, w = r.raw ?? {};
	L.push(`| ${r.n},${r.m} | ${ppVerdict(p)} | ${num(p.states)} | ${num(p.transitions)} | ${secs(p.wall)} (${secs(p.seconds)}) | ${rate(p)} | ${mib(p.rss)} | ${p.visitedPerState ?? '–'} | ${w.verdict ? (incomplete(w.verdict) ? w.verdict : num(w.states)) : '–'} | ${secs(w.wall)} (${secs(w.seconds)}) | ${w.states ? rate(w) : '–'} | ${s.verdict ? spinVerdict(s) : '–'} | ${num(s.states)} | ${num(s.transitions)} | ${secs(s.seconds)} (${secs(s.panSeconds)}) | ${s.states && s.panSeconds > 0 ? num(Math.round(s.states / s.panSeconds)) : '–'} | ${mib(s.rss)} | ${ratio(p.wall, s.seconds)} | ${s.panSeconds > 0 ? ratio(p.seconds, s.panSeconds) : '–'} | ${ratio(p.states, s.states)} |`);
}
L.push('');

L.push('## Scale beyond SPIN (pv-ok, pageproof defaults)');
L.push('');
L.push('| n,m | verdict | states | transitions | time s (search) | states/s | peak RSS | visited B/state | 2 threads: time s (search) | speed-up (search) |');
L.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|');
for (const r of scale) L.push(`| ${r.n},${r.m} | ${ppVerdict(r.pp)} | ${num(r.pp.states)} | ${num(r.pp.transitions)} | ${secs(r.pp.wall)} (${secs(r.pp.seconds)}) | ${rate(r.pp)} | ${mib(r.pp.rss)} | ${r.pp.visitedPerState ?? '–'} | ${secs(r.pp2?.wall)} (${secs(r.pp2?.seconds)}) | ${ratio(r.pp.seconds, r.pp2?.seconds)} |`);
L.push('');

L.push('## Natural kernel style against the tuned model (pv-ok, pageproof defaults)');
L.push('');
L.push('`bench/gen-pv-natural.mjs` writes the same protocol the way a kernel developer writes it: the page lock a `spinlock_t` with');
L.push('spin_lock()/spin_unlock(), waits as `while (READ_ONCE(*x) != 0) cpu_relax();`, the refcount an `atomic_t`');
L.push('(atomic_cmpxchg for the freeze, a retried atomic_add_unless for the pin), every process written out. The tuned model');
L.push('(gen-pv.mjs) makes each numbered spec line one step; in C, W1b ("already under writeback? unlock") is two steps (the');
L.push('read, then the unlock) and G4 is no step on success, so the two models differ in granularity by themselves: the');
L.push('"reductions off" columns (`--no-por --no-symmetry --no-merge-locks`) measure that difference, the default columns what');
L.push('the reductions make of each. By default lock releases run in the step before them and acquires with the step after');
L.push('them (docs/design.md, "Merged lock operations"): the natural model\'s W1b is then one step as in the tuned model, and');
L.push('so are its other lock/access/unlock sequences, which the tuned model keeps as separate steps; with symmetry a second');
L.push('writeback process that finds the page under writeback (lock, read, unlock: one step) changes no state, so m = 2 has');
L.push('the m = 1 count. The "no merge" column is the natural model with `--no-merge-locks`.');
L.push('');
L.push('| n,m | tuned states | natural states | natural / tuned | natural time s (search) | natural, no merge: states | / tuned | reductions off: tuned states | natural states | natural / tuned |');
L.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
for (const r of rows.filter((r) => r.variant === 'ok')) {
	const t = r.pp, nt = r.natural ?? {}, nm = r.naturalNoMerge ?? {}, tr = r.tunedRaw ?? {}, nr = r.naturalRaw ?? {};
	L.push(`| ${r.n},${r.m} | ${num(t.states)} | ${nt.verdict && !nt.states ? nt.verdict : num(nt.states)} | ${ratio(nt.states, t.states)} | ${secs(nt.wall)} (${secs(nt.seconds)}) | ${num(nm.states)} | ${ratio(nm.states, t.states)} | ${num(tr.states)} | ${nr.verdict && !nr.states ? nr.verdict : num(nr.states)} | ${ratio(nr.states, tr.states)} |`);
}
for (const r of scale) L.push(`| ${r.n},${r.m} | ${num(r.pp.states)} | ${num(r.natural?.states)} | ${ratio(r.natural?.states, r.pp.states)} | ${secs(r.natural?.wall)} (${secs(r.natural?.seconds)}) | – | – | – | – | – |`);
L.push('');
L.push('Natural-style buggy variants (the same bugs, written in C): verdicts.');
L.push('');
L.push('| variant | n,m | expected | natural verdict | states | time s (wall) |');
L.push('|---|---|---|---|--:|--:|');
for (const r of rows.filter((r) => r.variant !== 'ok' && r.natural)) L.push(`| pv-natural-${r.variant} | ${r.n},${r.m} | ${r.naturalExpect} | ${ppVerdict(r.natural)} | ${num(r.natural.states)} | ${secs(r.natural.wall)} |`);
L.push('');

L.push('## Both cores: two threads sharing the visited set (`--workers 2`, pv-ok)');
L.push('');
L.push('Same runs as above with `--workers 2` (src/engine/parallel/). Speed-up = search time of one thread / search time of two.');
L.push('Without reductions both searches explore the same graph: the state and transition counts must be equal ("same?").');
L.push('With partial-order reduction the cycle proviso depends on which thread stores a state first, so transition counts may differ slightly.');
L.push('');
L.push('| n,m | reductions off: states | 1 thread s (search) | states/s | 2 threads s (search) | states/s | speed-up | same? | defaults: 1 thread s (search) | 2 threads s (search) | speed-up |');
L.push('|---|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|');
for (const r of rows.filter((r) => r.variant === 'ok')) {
	const a = r.raw ?? {}, b = r.raw2 ?? {}, p = r.pp, q = r.pp2 ?? {};
	const same = a.states != null && b.states != null ? (a.states === b.states && a.transitions === b.transitions ? 'yes' : '**NO**') : '–';
	L.push(`| ${r.n},${r.m} | ${a.verdict && !a.states ? a.verdict : num(a.states)} | ${secs(a.wall)} (${secs(a.seconds)}) | ${a.states ? rate(a) : '–'} | ${b.verdict && !b.states ? b.verdict : `${secs(b.wall)} (${secs(b.seconds)})`} | ${b.states ? rate(b) : '–'} | ${ratio(a.seconds, b.seconds)} | ${same} | ${secs(p.wall)} (${secs(p.seconds)}) | ${secs(q.wall)} (${secs(q.seconds)}) | ${ratio(p.seconds, q.seconds)} |`);
}
L.push('');
L.push(`## Raw speed at the goal sizes: ${ROUNDS} alternating rounds, and the README's huge-pages tip (pv-ok, reductions off)`);
L.push('');
L.push(`The raw runs of the two tables above (round 1) and ${ROUNDS - 1} more, alternating one thread (\`--hash-table\`) and two (\`--workers 2\`), each without and with \`GLIBC_TUNABLES=${HUGE_PAGES.GLIBC_TUNABLES}\` in the environment (README, "Big runs on Linux": glibc then asks the kernel for transparent huge pages for the large arrays, so fewer page faults and TLB misses). This machine's speed drifts by up to 1.5x over minutes, so a single run says little: search seconds as median (min-max), states/s and speed-ups from the medians. Goals (issue 15): 2 M states/s on one thread, two threads 1.9x one.`);
L.push('');
const sorted = (xs) => xs.map((x) => x.seconds).filter((x) => x != null).sort((a, b) => a - b);
const med = (xs) => {
	const v = sorted(xs);
	return v.length ? v[(v.length - 1) >> 1] : null;
};
const spread = (xs) => {
	const v = sorted(xs);
	return v.length ? `${secs(med(xs))} (${secs(v[0])}-${secs(v[v.length - 1])})` : '–';
};
L.push('| n,m | states | 1 thread s | states/s | 2 threads s | states/s | speed-up | 1 thread, huge pages s | states/s | 2 threads, huge pages s | states/s | speed-up | same counts? |');
L.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|');
for (const r of rows.filter((r) => r.rounds)) {
	const { raw, raw2, rawHuge, raw2Huge } = r.rounds;
	const st = raw[0].states;
	const all = [...raw, ...raw2, ...rawHuge, ...raw2Huge];
	const same = all.every((x) => x.states === st && x.transitions === raw[0].transitions) ? 'yes' : '**NO**';
	const [a, b, h, h2] = [raw, raw2, rawHuge, raw2Huge].map(med);
	const at = (seconds) => rate({ states: st, seconds });
	L.push(`| ${r.n},${r.m} | ${num(st)} | ${spread(raw)} | ${at(a)} | ${spread(raw2)} | ${at(b)} | ${ratio(a, b)} | ${spread(rawHuge)} | ${at(h)} | ${spread(raw2Huge)} | ${at(h2)} | ${ratio(h, h2)} | ${same} |`);
}
if (!haveGlibc) L.push('', 'Huge pages not measured: glibc not found (the tip is for Linux with glibc).');
L.push('');
L.push('## State-space agreement with SPIN -DNOREDUCE (pv-ok)');
L.push('');
L.push('The first column is the spec-granularity model measured above (with reductions). "twin" (`gen-pv.mjs --twin`) is the same model with the');
L.push('extra transitions SPIN compiles pv.pml into (see below); its state count must equal SPIN -DNOREDUCE exactly, and');
L.push("its transition count must be SPIN's minus one (SPIN reports stored+matched, which counts the initial state).");
L.push('');
L.push('| n,m | pageproof states (defaults) | pageproof twin states | twin transitions | SPIN NOREDUCE states | transitions | time s | peak RSS | twin = SPIN? |');
L.push('|---|--:|--:|--:|--:|--:|--:|--:|---|');
for (const r of rows.filter((r) => r.variant === 'ok')) {
	const t = r.twin ?? {}, s = r.spinNR ?? {};
	let agree = '–';
	if (t.states != null && s.states != null && !incomplete(t.verdict) && !incomplete(s.verdict)) {
		agree = t.states === s.states && t.transitions + 1 === s.transitions ? 'yes' : `**NO** (${t.states - s.states} states)`;
	}
	L.push(`| ${r.n},${r.m} | ${num(r.pp.states)} | ${t.verdict && !t.states ? t.verdict : num(t.states)} | ${num(t.transitions)} | ${s.verdict && !s.states ? s.verdict : num(s.states)} | ${num(s.transitions)} | ${secs(s.seconds)} | ${mib(s.rss)} | ${agree} |`);
}
L.push('');

L.push('## Buggy variants: verdicts');
L.push('');
L.push('States and transitions up to the first violation depend on the search order (pageproof BFS, SPIN DFS), so only the verdicts are compared.');
L.push('');
L.push('| variant | n,m | expected | pageproof | states | time s (wall) | SPIN (default) | states | time s (total) | same verdict? | pageproof as expected? |');
L.push('|---|---|---|---|--:|--:|---|--:|--:|---|---|');
for (const r of rows.filter((r) => r.variant !== 'ok')) {
	const p = r.pp, s = r.spin ?? {};
	const same = s.verdict ? (ppVerdict(p) === spinVerdict(s).split(' ')[0] ? 'yes' : incomplete(ppVerdict(p)) || incomplete(spinVerdict(s)) ? 'incomplete' : '**NO**') : '–';
	L.push(`| pv-${r.variant} | ${r.n},${r.m} | ${r.expect} | ${ppVerdict(p)} | ${num(p.states)} | ${secs(p.wall)} | ${s.verdict ? spinVerdict(s) : '–'} | ${num(s.states)} | ${secs(s.seconds)} | ${same} | ${expectOk(r)} |`);
}
L.push('');
const notesFile = join(here, 'results-notes.md');
if (existsSync(notesFile)) L.push(readFileSync(notesFile, 'utf8'));
writeFileSync(resultsFile, L.join('\n'));
console.error(`wrote ${relative(process.cwd(), resultsFile)}`);
