#!/usr/bin/env node
// Generator for the PV benchmark family (reference: ../../shared/bench/PV-MODEL.md).
//
//   node bench/gen-pv.mjs VARIANT N M [OUTDIR]     writes OUTDIR/pv-VARIANT-N-M.litmus (default OUTDIR: bench/out)
//   node bench/gen-pv.mjs --models                 rewrites the committed examples in bench/models/
//
// VARIANT: ok | nolock | nowbcheck | getnomk.
//
// Step granularity: every numbered line of the spec is exactly ONE pageproof step.
//  - a line with one shared access is that access (READ_ONCE / WRITE_ONCE);
//  - "when C -> ..." is await(C) (a blocking step), inside __atomic { } when it also writes;
//  - a line with several shared accesses (ref = ref + 1, the freeze, W1b) is one __atomic { } block;
//  - "if X == 1 -> A else -> B" on shared X is one READ_ONCE whose local branch folds into the step;
//  - G4 touches shared memory only on its failure path, so it is an __atomic block (an __atomic
//    block is always a step, even when the path taken through it is local-only).
// goto cannot leave an __atomic block, so a decision made inside one is kept in a local (ok, r)
// and acted on right after the block (local code folds into that step). pageproof zeroes a local
// as soon as it is dead (src/ir/liveness.ts), so ok and r never distinguish two states the spec
// considers equal.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VARIANTS = ['ok', 'nolock', 'nowbcheck', 'getnomk'];

const PARAMS = 'int *ref, int *locked, int *wb, int *arch1, int *secure';

// twin: reproduce the granularity of pv.pml as SPIN compiles it (for validation only, see results.md):
// an `else -> skip` branch is two transitions (else, then skip), and a guarded branch whose guard and
// body are separate Promela statements (G4, W1b) is two transitions. Extra no-op steps are __atomic { }.
const NOP = '__atomic { }';

function guest(variant, twin) {
	const lock = variant !== 'nolock';
	// Without the lock, the retries go back to G2 (as pv.pml's NOLOCK build does).
	const retry = lock ? 'G1' : 'G2';
	const L = [];
	L.push('\tint ok = 0;');
	L.push('');
	L.push('G0:\tawait(READ_ONCE(*secure) == 0);\t\t\t\t/* G0: guest touches a shared page */');
	if (lock) {
		L.push('G1:\t__atomic { await(READ_ONCE(*locked) == 0); WRITE_ONCE(*locked, 1); }\t/* G1: lock_page */');
	}
	L.push('G2:\tif (READ_ONCE(*wb) == 1) {\t\t\t\t/* G2: PageWriteback? */');
	if (lock) {
		L.push('\t\tWRITE_ONCE(*locked, 0);\t\t\t\t/* G2a: unlock_page */');
	}
	L.push('\t\tawait(READ_ONCE(*wb) == 0);\t\t\t/* G2b: wait_on_page_writeback */');
	L.push(`\t\tgoto ${retry};`);
	L.push(twin ? `\t} else { ${NOP} }\t\t\t\t/* twin: skip */` : '\t}');
	L.push('\t__atomic {\t\t\t\t\t\t/* G3: page_ref_freeze(page, 1) */');
	// twin: SPIN's dead-variable reset only clears ok on the ok == 0 branch, so ok stays 1 from a
	// successful G4 until the next G3; reading it here (ok != 2 always holds) keeps it live for pageproof.
	L.push(`\t\tif (READ_ONCE(*ref) == 1${twin ? ' && ok != 2' : ''}) { WRITE_ONCE(*ref, 0); ok = 1; } else { ok = 0; }`);
	L.push('\t}');
	if (twin) {
		L.push(`\tif (ok == 0) { ${NOP}${lock ? ' WRITE_ONCE(*locked, 0);' : ''} goto ${retry}; }\t/* twin G4: guard, unlock */`);
		L.push(`\telse { ${NOP} ${NOP} }\t\t\t\t/* twin G4: else, skip */`);
	} else if (lock) {
		L.push('\t__atomic { if (ok == 0) WRITE_ONCE(*locked, 0); }\t/* G4: -EBUSY: unlock ... */');
	} else {
		L.push('\t__atomic { }\t\t\t\t\t\t/* G4: -EBUSY? (nothing to unlock) */');
	}
	if (!twin) {
		L.push(`\tif (ok == 0) goto ${retry};\t\t\t\t/* ... and retry (local, part of G4) */`);
	}
	L.push('\tWRITE_ONCE(*arch1, 1);\t\t\t\t\t/* G5: set PG_arch_1 */');
	L.push('\tWRITE_ONCE(*secure, 1);\t\t\t\t\t/* G6: UV convert to secure */');
	L.push('\tWRITE_ONCE(*ref, 1);\t\t\t\t\t/* G7: page_ref_unfreeze */');
	if (lock) {
		L.push('\tWRITE_ONCE(*locked, 0);\t\t\t\t\t/* G8: unlock_page */');
	}
	L.push('\tgoto G0;');
	return L;
}

function dio(twin) {
	return [
		'D1:\t__atomic { await(READ_ONCE(*ref) != 0); WRITE_ONCE(*ref, READ_ONCE(*ref) + 1); }\t/* D1: page_ref_add_unless */',
		'\tif (READ_ONCE(*arch1) == 1) {\t\t\t\t/* D2: arch_make_page_accessible */',
		'\t\tWRITE_ONCE(*secure, 0);\t\t\t\t/* D3: UV convert from secure */',
		'\t\tWRITE_ONCE(*arch1, 0);\t\t\t\t/* D4: clear PG_arch_1 */',
		twin ? `\t} else { ${NOP} }\t\t\t\t/* twin: skip */` : '\t}',
		'\tassert(READ_ONCE(*secure) == 0);\t\t\t/* D5: DMA */',
		'\t__atomic { WRITE_ONCE(*ref, READ_ONCE(*ref) - 1); }\t/* D6: unpin */',
		'\tgoto D1;',
	];
}

function writeback(variant, twin) {
	const L = [];
	if (variant !== 'nowbcheck' && !twin) L.push('\tint r = 0;', '');
	L.push('W1:\t__atomic { await(READ_ONCE(*locked) == 0); WRITE_ONCE(*locked, 1); }\t/* W1: lock_page */');
	if (variant !== 'nowbcheck' && twin) {
		L.push('\tif (READ_ONCE(*wb) == 1) { WRITE_ONCE(*locked, 0); goto W1; }\t/* twin W1b: guard, unlock */');
		L.push(`\telse { ${NOP} }\t\t\t\t\t/* twin: skip */`);
	} else if (variant !== 'nowbcheck') {
		L.push('\t__atomic {\t\t\t\t\t\t/* W1b: already under writeback? unlock */');
		L.push('\t\tr = READ_ONCE(*wb);');
		L.push('\t\tif (r == 1) WRITE_ONCE(*locked, 0);');
		L.push('\t}');
		L.push('\tif (r == 1) goto W1;\t\t\t\t/* ... skip this page (local, part of W1b) */');
	}
	L.push(
		'\tWRITE_ONCE(*wb, 1);\t\t\t\t\t/* W2: set_page_writeback */',
		'\tif (READ_ONCE(*arch1) == 1) {\t\t\t\t/* W3: arch_make_page_accessible */',
		'\t\tWRITE_ONCE(*secure, 0);\t\t\t\t/* W4: UV convert from secure */',
		'\t\tWRITE_ONCE(*arch1, 0);\t\t\t\t/* W5: clear PG_arch_1 */',
		twin ? `\t} else { ${NOP} }\t\t\t\t/* twin: skip */` : '\t}',
		'\tWRITE_ONCE(*locked, 0);\t\t\t\t\t/* W6: unlock_page */',
		'\tassert(READ_ONCE(*secure) == 0);\t\t\t/* W7: DMA */',
		'\tWRITE_ONCE(*wb, 0);\t\t\t\t\t/* W8: end_page_writeback */',
		'\tgoto W1;',
	);
	return L;
}

function getter() {
	return [
		'X1:\t__atomic { await(READ_ONCE(*ref) != 0); WRITE_ONCE(*ref, READ_ONCE(*ref) + 1); }\t/* D1: get a reference */',
		'\tassert(READ_ONCE(*secure) == 0);\t\t\t/* D5: DMA without make-accessible */',
		'\t__atomic { WRITE_ONCE(*ref, READ_ONCE(*ref) - 1); }\t/* D6: put it */',
		'\tgoto X1;',
	];
}

const DESCRIPTION = {
	ok: 'the protocol as the kernel has it',
	nolock: 'the guest converts without holding the page lock (G1/G2a/G8 removed)',
	nowbcheck: 'writeback does not skip a page already under writeback (W1b removed)',
	getnomk: 'an extra process takes a reference and does I/O without arch_make_page_accessible',
};

export function generate(variant, n, m, twin = false) {
	if (!VARIANTS.includes(variant)) throw new Error(`unknown variant ${variant}`);
	const name = `pv-${variant}-${n}-${m}${twin ? '-twin' : ''}`;
	const buggy = variant === 'ok' ? false : variant === 'nowbcheck' ? m >= 2 : variant === 'nolock' ? m >= 1 : true;
	const out = [];
	out.push(`C ${name}`);
	out.push('(*');
	out.push(` * PV benchmark family, variant pv-${variant}(${n},${m}): ${DESCRIPTION[variant]}.`);
	out.push(' * Generated by bench/gen-pv.mjs from shared/bench/PV-MODEL.md; do not edit.');
	out.push(` * Processes: 1 guest, ${n} dio, ${m} writeback${variant === 'getnomk' ? ', 1 getter' : ''}. All loop forever.`);
	out.push(' * Each numbered spec line (comment on the right) is exactly one step.');
	out.push(` * Expect: ${buggy ? 'assert' : 'clean'}`);
	out.push(' *)');
	out.push('');
	out.push('{');
	out.push('\tref = 1;');
	out.push('\tlocked = 0;');
	out.push('\twb = 0;');
	out.push('\tarch1 = 0;');
	out.push('\tsecure = 0;');
	out.push('}');
	let p = 0;
	const proc = (title, body) => {
		out.push('');
		out.push(`/* ${title} */`);
		out.push(`P${p++}(${PARAMS})`);
		out.push('{');
		out.push(...body);
		out.push('}');
	};
	proc('guest: import on guest access', guest(variant, twin));
	for (let i = 0; i < n; i++) proc(`dio[${i}]: direct I/O through a pin`, dio(twin));
	for (let j = 0; j < m; j++) proc(`wb[${j}]: writeback`, writeback(variant, twin));
	if (variant === 'getnomk') proc('getter: I/O without make-accessible', getter());
	out.push('');
	return { name, text: out.join('\n'), expect: buggy ? 'assert' : 'clean' };
}

/** Writes a generated model ({ name, text, ... }) to DIR/NAME.litmus; returns it with its file. */
export function saveModel(g, dir) {
	mkdirSync(dir, { recursive: true });
	const file = join(dir, `${g.name}.litmus`);
	writeFileSync(file, g.text);
	return { ...g, file };
}

export function writeModel(variant, n, m, dir, twin = false) {
	return saveModel(generate(variant, n, m, twin), dir);
}

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const args = process.argv.slice(2);
	if (args[0] === '--models') {
		const models = join(here, 'models');
		for (const [v, n, m] of [['ok', 1, 1], ['ok', 2, 1], ['nolock', 2, 2], ['nowbcheck', 2, 2], ['getnomk', 2, 2]]) {
			console.log(writeModel(v, n, m, models).file);
		}
	} else if (args.length >= 3) {
		const twin = args.includes('--twin');
		const [v, n, m, dir] = args.filter((a) => a !== '--twin');
		console.log(writeModel(v, Number(n), Number(m), dir ?? join(here, 'out'), twin).file);
	} else {
		console.error('usage: gen-pv.mjs VARIANT N M [OUTDIR] | --models');
		process.exit(2);
	}
}
