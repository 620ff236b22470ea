// Random small concurrent programs in pageproof's scenario language, for differential testing
// against SPIN (through the Promela export) and for the reduction-soundness test: 2-4 processes,
// shared ints (one of them a u8, to reach wrap-around), an atomic_t, one or two spinlocks,
// bounded loops, if/else, await and asserts over shared values. Deterministic per seed.

export { rng } from "../../src/engine/rng.js";
import { rng } from "../../src/engine/rng.js";

export function generate(seed: number): string {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const nProcs = int(2, r() < 0.3 ? 4 : 3);
  const twoLocks = r() < 0.3;
  const shared = ["x", "y", "z"]; // z is a u8
  let budget = 9; // shared steps per process, roughly
  const regs = ["r0", "r1"];
  const val = (): string => pick(["0", "1", "2", "r0", "r1", "r0 + 1", "r1 - r0", "r0 * 2", "3 - r1", "250"]);
  const cond = (): string => pick(["r0 == 1", "r0 != r1", "r1 > 0", "r0 < 2", "!r1", "r0 == 0 && r1 == 0", "r0 >= 1 || r1 == 2"]);
  const held = new Set<string>();
  function block(depth: number, ind: string): string[] {
    const out: string[] = [];
    const n = int(1, depth === 0 ? 5 : 2);
    for (let i = 0; i < n && budget > 0; i++) out.push(...stmt(depth, ind));
    return out;
  }
  function stmt(depth: number, ind: string): string[] {
    budget--;
    const k = r();
    const sh = pick(shared);
    const reg = pick(regs);
    if (k < 0.18) return [`${ind}${reg} = READ_ONCE(*${sh});`];
    if (k < 0.34) return [`${ind}WRITE_ONCE(*${sh}, ${val()});`];
    if (k < 0.42) return [`${ind}${pick([`atomic_inc(a);`, `${reg} = atomic_add_return(${int(1, 2)}, a);`, `${reg} = atomic_cmpxchg(a, ${int(0, 2)}, ${int(0, 3)});`, `${reg} = atomic_read(a);`, `${reg} = xchg(${sh}, ${val()});`, `${reg} = atomic_fetch_add(1, a);`])}`];
    if (k < 0.5) return [`${ind}assert(${pick([`READ_ONCE(*${sh}) != ${int(1, 4)}`, `${reg} != ${int(2, 5)}`, `atomic_read(a) < ${int(2, 4)}`, `READ_ONCE(*x) <= READ_ONCE(*y) + 2`])});`];
    if (k < 0.62 && depth < 2) {
      const locks = twoLocks ? ["s", "t"] : ["s"];
      const l = pick(locks.filter((x) => !held.has(x)));
      if (!l) return [`${ind}${reg} = READ_ONCE(*${sh});`];
      held.add(l);
      const body = block(depth + 1, ind + "\t");
      held.delete(l);
      if (r() < 0.2) return [`${ind}if (spin_trylock(${l})) {`, ...body, `${ind}\tspin_unlock(${l});`, `${ind}}`];
      return [`${ind}spin_lock(${l});`, ...body, `${ind}spin_unlock(${l});`];
    }
    if (k < 0.75 && depth < 2) {
      const a = block(depth + 1, ind + "\t");
      const b = r() < 0.5 ? block(depth + 1, ind + "\t") : [];
      return [`${ind}if (${cond()}) {`, ...a, ...(b.length ? [`${ind}} else {`, ...b] : []), `${ind}}`];
    }
    if (k < 0.83 && depth < 2) {
      const v = `i${depth}`;
      return [`${ind}for (int ${v} = 0; ${v} < ${int(1, 2)}; ${v}++) {`, ...block(depth + 1, ind + "\t"), `${ind}}`];
    }
    if (k < 0.88) return [`${ind}while (${reg} < 2 && READ_ONCE(*${sh}) == ${int(0, 1)}) ${reg}++;`];
    if (k < 0.92 && held.size === 0) return [`${ind}await(READ_ONCE(*${sh}) ${pick(["!=", "=="])} ${int(0, 2)});`];
    if (k < 0.96) return [`${ind}${reg} = ${val()};`];
    return [`${ind}__atomic { ${reg} = READ_ONCE(*x); WRITE_ONCE(*y, ${reg} + 1); }`];
  }
  const bodies: string[][] = [];
  for (let p = 0; p < nProcs; p++) {
    budget = int(3, 8);
    if (p > 0 && r() < 0.25) {
      bodies.push(bodies[p - 1]); // identical processes: symmetry reduction applies
      continue;
    }
    bodies.push(block(0, "\t"));
  }
  const params = `int *x, int *y, u8 *z, atomic_t *a, spinlock_t *s${twoLocks ? ", spinlock_t *t" : ""}`;
  const lines = [`C gen-${seed}`, "{", `\tint x = ${int(0, 1)};`, "\tint y = 0;", `\tu8 z = ${pick([0, 254])};`, "\tatomic_t a = ATOMIC_INIT(0);", "\tspinlock_t s;", ...(twoLocks ? ["\tspinlock_t t;"] : []), "}", ""];
  bodies.forEach((b, p) => lines.push(`P${p}(${params})`, "{", "\tint r0 = 0;", "\tint r1 = 0;", ...b, "}", ""));
  lines.push(`exists (x=1 /\\ 0:r0=1)`);
  return lines.join("\n") + "\n";
}
