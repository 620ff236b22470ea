#!/usr/bin/env node
// The machine's random-access rate, the bound the visited-set probes meet (bench/results-notes.md):
// a 256 MiB Int32Array (the size of the hash-table visited set at pv-ok(7,2) without reductions),
// read at random positions independently (loads that can overlap, as a batch of probes can) and as
// a dependent chain (one miss at a time: a random single-cycle permutation, Sattolo's algorithm).
//
//   node bench/random-access.mjs

const N = 64 * 1024 * 1024;
const M = 10_000_000;
const a = new Int32Array(N);
for (let i = 0; i < N; i++) a[i] = i;
let x = 987654321;
const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) | 0) >>> 0);
for (let i = N - 1; i > 0; i--) {
	const j = rnd() % i;
	const t = a[i];
	a[i] = a[j];
	a[j] = t;
}
let t0 = performance.now();
let p = 0;
for (let i = 0; i < M; i++) p = a[p];
const dependent = ((performance.now() - t0) * 1e6) / M;
const idx = new Int32Array(M);
for (let i = 0; i < M; i++) idx[i] = rnd() & (N - 1);
t0 = performance.now();
let s = 0;
for (let i = 0; i < M; i++) s += a[idx[i]];
const independent = ((performance.now() - t0) * 1e6) / M;
console.log(`256 MiB Int32Array, ${M} reads: independent ${independent.toFixed(1)} ns each (${(1000 / independent).toFixed(1)} M/s), dependent ${dependent.toFixed(1)} ns each (checksum ${(s ^ p) & 1})`);
