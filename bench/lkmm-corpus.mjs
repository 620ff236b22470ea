#!/usr/bin/env node
// The shared LKMM corpus under --model lkmm (not part of `npm test`; run after `npx tsc -p .`):
//
//   node bench/lkmm-corpus.mjs [--count] [--states] [--timeout S] [--out FILE] [--dump FILE.jsonl] [--only REGEX]
//
// Default: the answer search (lkmmSearch "answer", as test/lkmm-corpus.test.ts). --count: every
// candidate execution, for herd7's Observation counts (a file that exceeds --timeout, default 60 s,
// is counted as incomplete). Prints the total time, the worst file, candidates/s and allowed
// executions/s, and the agreement with the files' Result: lines. --dump writes one JSON line per
// file (seconds, candidates, allowed executions, the Observation counts, the findings' kinds), to
// compare two versions' counts file by file; --only restricts the run to the files matching REGEX.
// The result lists its final states when they are first read (a report does); --states reads
// them, so that their making is timed too (2^19 of them for the 19-process rings).

import { readFileSync, readdirSync, existsSync, appendFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { checkSource } = await import(join(root, 'dist/src/check.js'));
const DIR = resolve(root, process.env.PAGEPROOF_CORPUS_DIR ?? '../shared/corpus/paulmckrcu-litmus-auto');
if (!existsSync(DIR)) {
	console.error(`corpus not found at ${DIR}`);
	process.exit(2);
}
const args = process.argv.slice(2);
const count = args.includes('--count');
const timeout = args.includes('--timeout') ? Number(args[args.indexOf('--timeout') + 1]) : 60; // 0: none
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : null;
const dump = args.includes('--dump') ? args[args.indexOf('--dump') + 1] : null;
const states = args.includes('--states');
const only = args.includes('--only') ? new RegExp(args[args.indexOf('--only') + 1]) : null;
if (dump) writeFileSync(dump, '');

const files = readdirSync(DIR).filter((f) => f.endsWith('.litmus') && (!only || only.test(f))).sort();
const agree = {};
let worst = { s: 0, f: '' };
let candidates = 0;
let executions = 0;
let incomplete = 0;
const loadStart = loadavg();
const t0 = performance.now();
for (const f of files) {
	const text = readFileSync(join(DIR, f), 'utf8');
	const want = /Result:\s*(\w+)/.exec(text)?.[1] ?? 'none';
	const t = performance.now();
	const r = checkSource(text, f, { model: 'lkmm', lkmmSearch: count ? 'count' : 'answer', timeoutMs: timeout > 0 ? timeout * 1000 : undefined });
	if (states) void r.finalStates.length;
	const s = (performance.now() - t) / 1000;
	if (s > worst.s) worst = { s, f };
	candidates += r.lkmm?.candidates ?? 0;
	executions += r.lkmm?.executions ?? 0;
	if (r.verdict === 'incomplete') incomplete++;
	const got = r.observation?.result ?? r.verdict;
	const k = `${want}->${got}`;
	agree[k] = (agree[k] ?? 0) + 1;
	if (dump) {
		const o = r.observation;
		const row = { f, s: Math.round(s * 1000) / 1000, verdict: r.verdict, candidates: r.lkmm?.candidates, executions: r.lkmm?.executions, obs: o ? `${o.result} ${o.positive} ${o.negative}` : null, warnings: [...new Set(r.warnings.map((w) => w.kind))].sort() };
		appendFileSync(dump, JSON.stringify(row) + '\n');
	}
}
const total = (performance.now() - t0) / 1000;
const loadEnd = loadavg();
const lines = [
	`${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, mode ${count ? 'count (every candidate)' : 'answer'}${states ? ', final states listed' : ''}, load ${loadStart.map((l) => l.toFixed(2)).join(' ')} at the start, ${loadEnd.map((l) => l.toFixed(2)).join(' ')} at the end`,
	`  ${files.length} files in ${total.toFixed(1)} s; worst ${worst.f} ${worst.s.toFixed(2)} s; ${incomplete} incomplete`,
	`  ${candidates} candidate executions (${Math.round(candidates / total)}/s), ${executions} allowed (${Math.round(executions / total)}/s)`,
	`  Result line -> answer: ${JSON.stringify(agree)}`,
];
console.log(lines.join('\n'));
if (out) appendFileSync(out, lines.join('\n') + '\n\n');
