#!/usr/bin/env node
// The PV benchmark family (../../shared/bench/PV-MODEL.md) written the way a kernel developer
// writes it, not the way the tuned model in gen-pv.mjs is written for the tool:
//  - the page lock is a spinlock_t taken with spin_lock()/spin_unlock();
//  - waits are `while (READ_ONCE(*x) != 0) cpu_relax();` loops, retries are `goto retry;`;
//  - the refcount is an atomic_t: page_ref_freeze is atomic_cmpxchg(ref, 1, 0), the gup pin is
//    a retried atomic_add_unless(ref, 1, 0), the unpin atomic_dec();
//  - every process is written out in full, with its own locals' names (no helper shared).
// Its state counts are compared with the tuned model's in results.md ("natural style").
//
//   node bench/gen-pv-natural.mjs VARIANT N M [OUTDIR]    writes OUTDIR/pv-natural-VARIANT-N-M.litmus

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveModel } from './gen-pv.mjs';

export const NATURAL_VARIANTS = ['ok', 'nolock', 'nowbcheck', 'getnomk'];

const PARAMS = 'atomic_t *ref, spinlock_t *page_lock, int *writeback, int *arch1, int *secure';

function guest(variant) {
	const lock = variant !== 'nolock';
	const L = [];
	L.push('\tfor (;;) {');
	L.push('\t\twhile (READ_ONCE(*secure) != 0)\t\t/* G0: the guest touches a shared page */');
	L.push('\t\t\tcpu_relax();');
	L.push('retry:');
	if (lock) L.push('\t\tspin_lock(page_lock);\t\t\t/* G1: lock_page */');
	L.push('\t\tif (READ_ONCE(*writeback) == 1) {\t/* G2: PageWriteback? */');
	if (lock) L.push('\t\t\tspin_unlock(page_lock);\t\t/* G2a */');
	L.push('\t\t\twhile (READ_ONCE(*writeback) != 0)\t/* G2b: wait_on_page_writeback */');
	L.push('\t\t\t\tcpu_relax();');
	L.push('\t\t\tgoto retry;');
	L.push('\t\t}');
	L.push('\t\tif (atomic_cmpxchg(ref, 1, 0) != 1) {\t/* G3: page_ref_freeze(page, 1) */');
	if (lock) L.push('\t\t\tspin_unlock(page_lock);\t\t/* G4: -EBUSY */');
	L.push('\t\t\tgoto retry;');
	L.push('\t\t}');
	L.push('\t\tWRITE_ONCE(*arch1, 1);\t\t\t/* G5: set PG_arch_1 */');
	L.push('\t\tWRITE_ONCE(*secure, 1);\t\t\t/* G6: UV convert to secure */');
	L.push('\t\tatomic_set(ref, 1);\t\t\t/* G7: page_ref_unfreeze */');
	if (lock) L.push('\t\tspin_unlock(page_lock);\t\t\t/* G8: unlock_page */');
	L.push('\t}');
	return L;
}

function dio(i) {
	const pinned = `pinned${i}`;
	return [
		`\tbool ${pinned};`,
		'',
		'\tfor (;;) {',
		`\t\t${pinned} = atomic_add_unless(ref, 1, 0);\t/* D1: page_ref_add_unless, gup-fast */`,
		`\t\tif (!${pinned})`,
		'\t\t\tcontinue;',
		'\t\tif (READ_ONCE(*arch1) == 1) {\t\t/* D2: arch_make_page_accessible */',
		'\t\t\tWRITE_ONCE(*secure, 0);\t\t/* D3: UV convert from secure */',
		'\t\t\tWRITE_ONCE(*arch1, 0);\t\t/* D4 */',
		'\t\t}',
		'\t\tassert(READ_ONCE(*secure) == 0);\t/* D5: DMA */',
		'\t\tatomic_dec(ref);\t\t\t/* D6: unpin */',
		'\t}',
	];
}

function writebackProc(variant, j) {
	const busy = `busy${j}`;
	const L = ['\tfor (;;) {', '\t\tspin_lock(page_lock);\t\t\t/* W1: lock_page */'];
	if (variant !== 'nowbcheck') {
		L.push(`\t\tint ${busy} = READ_ONCE(*writeback);\t/* W1b: already under writeback? */`);
		L.push(`\t\tif (${busy}) {`);
		L.push('\t\t\tspin_unlock(page_lock);');
		L.push('\t\t\tcontinue;');
		L.push('\t\t}');
	}
	L.push(
		'\t\tWRITE_ONCE(*writeback, 1);\t\t/* W2: set_page_writeback */',
		'\t\tif (READ_ONCE(*arch1) == 1) {\t\t/* W3: arch_make_page_accessible */',
		'\t\t\tWRITE_ONCE(*secure, 0);\t\t/* W4 */',
		'\t\t\tWRITE_ONCE(*arch1, 0);\t\t/* W5 */',
		'\t\t}',
		'\t\tspin_unlock(page_lock);\t\t\t/* W6: unlock_page */',
		'\t\tassert(READ_ONCE(*secure) == 0);\t/* W7: DMA */',
		'\t\tWRITE_ONCE(*writeback, 0);\t\t/* W8: end_page_writeback */',
		'\t}',
	);
	return L;
}

function getter() {
	return [
		'\tfor (;;) {',
		'\t\tif (!atomic_add_unless(ref, 1, 0))\t/* takes a reference ... */',
		'\t\t\tcontinue;',
		'\t\tassert(READ_ONCE(*secure) == 0);\t/* ... and does I/O without make-accessible */',
		'\t\tatomic_dec(ref);',
		'\t}',
	];
}

export function generateNatural(variant, n, m) {
	if (!NATURAL_VARIANTS.includes(variant)) throw new Error(`unknown variant ${variant}`);
	const name = `pv-natural-${variant}-${n}-${m}`;
	const buggy = variant === 'ok' ? false : variant === 'nowbcheck' ? m >= 2 : variant === 'nolock' ? m >= 1 : true;
	const out = [`C ${name}`, '(*', ` * The PV protocol in natural kernel style (bench/gen-pv-natural.mjs), variant ${variant}(${n},${m}).`];
	out.push(` * Processes: 1 guest, ${n} dio, ${m} writeback${variant === 'getnomk' ? ', 1 getter' : ''}. All loop forever.`);
	out.push(` * Expect: ${buggy ? 'assert' : 'clean'}`, ' *)', '', '{', '\tatomic_t ref = ATOMIC_INIT(1);', '\tspinlock_t page_lock;', '\tint writeback = 0;', '\tint arch1 = 0;', '\tint secure = 0;', '}');
	let p = 0;
	const proc = (title, body) => out.push('', `/* ${title} */`, `P${p++}(${PARAMS})`, '{', ...body, '}');
	proc('guest: make the page secure on a guest access', guest(variant));
	for (let i = 0; i < n; i++) proc(`dio ${i}: direct I/O through a gup pin`, dio(i));
	for (let j = 0; j < m; j++) proc(`writeback ${j}`, writebackProc(variant, j));
	if (variant === 'getnomk') proc('getter: I/O without make-accessible', getter());
	out.push('');
	return { name, text: out.join('\n'), expect: buggy ? 'assert' : 'clean' };
}

export function writeNaturalModel(variant, n, m, dir) {
	return saveModel(generateNatural(variant, n, m), dir);
}

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const [v, n, m, dir] = process.argv.slice(2);
	if (!v || !n || !m) {
		console.error('usage: gen-pv-natural.mjs VARIANT N M [OUTDIR]');
		process.exit(2);
	}
	console.log(writeNaturalModel(v, Number(n), Number(m), dir ?? join(here, 'out')).file);
}
