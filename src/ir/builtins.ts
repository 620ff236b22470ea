// The primitives pageproof knows natively: the kernel's memory-access macros, atomic_t
// operations, bit operations, spinlocks and mutexes, RCU and SRCU, barriers (no-ops under SC)
// and the checks (assert, BUG_ON, WARN_ON, ...). Each shared primitive is ONE step. Everything
// above this level (struct page, get_page, the s390 ultravisor) is written in the scenario
// language under prelude/.

import { Expr } from "../frontend/ast.js";
import { fail } from "../frontend/diagnostics.js";
import { LExpr, RmwOp, ViolationKind } from "./ir.js";
import { INT32, isSrcuStruct, typeName } from "./layout.js";
import type { ProcLowerer, Val } from "./lower.js";

type Call = Extract<Expr, { k: "call" }>;
type Builtin = (L: ProcLowerer, e: Call) => Val;

const VOID: Val = { e: { k: "const", v: 0 }, t: { kind: "void" } };
const BOOL = { kind: "bool" } as const;
const c = (v: number): LExpr => ({ k: "const", v });
const not = (a: LExpr): LExpr => ({ k: "un", op: "!", a });
const bin = (op: "==" | "!=" | "<" | "<=" | ">" | ">=" | "&" | ">>" | "<<", a: LExpr, b: LExpr): LExpr => ({ k: "bin", op, a, b, unsigned: false });

function arity(e: Call, n: number, atLeast = false): void {
  if (atLeast ? e.args.length < n : e.args.length !== n)
    fail(e.loc, `'${e.callee}' takes ${atLeast ? "at least " : ""}${n} argument${n === 1 ? "" : "s"}, ${e.args.length} given`);
}

/** The address a pointer argument holds (atomic_t *, spinlock_t *, int *). */
function addr(L: ProcLowerer, a: Expr): LExpr {
  return L.toTemp(L.rv(a)).e;
}

/** The address of an lvalue argument (READ_ONCE(x), WRITE_ONCE(*p, v)). */
function lvAddr(L: ProcLowerer, a: Expr): { addr: LExpr } | null {
  const lv = L.lv(a);
  return lv.k === "mem" ? { addr: lv.addr } : null;
}

function rmw(L: ProcLowerer, op: RmwOp, ret: "old" | "new", address: LExpr, a: LExpr, b: LExpr = c(0)): Val {
  const dst = L.temp(INT32);
  L.emit({ op: "rmw", rmw: op, dst, ret, addr: address, a, b, src: L.src() });
  return { e: { k: "local", slot: dst }, t: INT32 };
}

function check(L: ProcLowerer, kind: ViolationKind, cond: LExpr, msg: string): void {
  L.emit({ op: "check", kind, cond, msg, src: L.src() });
}

function noop(): Val {
  return VOID;
}

export const BUILTINS = new Map<string, Builtin>();
const def = (names: string[], f: Builtin) => names.forEach((n) => BUILTINS.set(n, f));

// ---- plain and marked accesses --------------------------------------------------------
// lockless_dereference(): the pre-4.15 name herd7's old linux.def knew, a READ_ONCE like rcu_dereference.
def(["READ_ONCE", "rcu_dereference", "rcu_access_pointer", "rcu_dereference_raw", "rcu_dereference_bh", "rcu_dereference_sched", "lockless_dereference", "smp_load_acquire_lv", "data_race"], (L, e) => {
  arity(e, 1);
  return L.read(L.lv(e.args[0]));
});
def(["rcu_dereference_protected", "rcu_dereference_check", "srcu_dereference"], (L, e) => {
  arity(e, 2);
  return L.read(L.lv(e.args[0]));
});
def(["srcu_dereference_check"], (L, e) => {
  arity(e, 3);
  return L.read(L.lv(e.args[0]));
});
// smp_store_mb(var, v): WRITE_ONCE(var, v) then a full barrier (linux-kernel.def, asm/barrier.h).
def(["WRITE_ONCE", "rcu_assign_pointer", "RCU_INIT_POINTER", "smp_store_mb"], (L, e) => {
  arity(e, 2);
  const lv = L.lv(e.args[0]);
  L.write(lv, L.rv(e.args[1]));
  return VOID;
});
def(["smp_load_acquire"], (L, e) => {
  arity(e, 1);
  const p = L.rv(e.args[0]);
  return L.read({ k: "mem", addr: p.e, t: p.t.kind === "ptr" ? p.t.to : INT32, isConst: false, loc: e.loc });
});
def(["smp_store_release"], (L, e) => {
  arity(e, 2);
  const p = L.toTemp(L.rv(e.args[0]));
  L.write({ k: "mem", addr: p.e, t: p.t.kind === "ptr" ? p.t.to : INT32, isConst: false, loc: e.loc }, L.rv(e.args[1]));
  return VOID;
});
def(["xchg"], (L, e) => {
  arity(e, 2);
  const a = addr(L, e.args[0]);
  return rmw(L, "xchg", "old", a, L.toTemp(L.rv(e.args[1])).e);
});
def(["cmpxchg"], (L, e) => {
  arity(e, 3);
  const a = addr(L, e.args[0]);
  const o = L.toTemp(L.rv(e.args[1])).e;
  return rmw(L, "cmpxchg", "old", a, o, L.toTemp(L.rv(e.args[2])).e);
});
// try_cmpxchg(p, &old, new) / atomic_try_cmpxchg(v, &old, new): one cmpxchg step; true if it
// swapped, else *old = the value found. `old` is usually a local (`&r`, allowed here only);
// a pointer to shared memory works too (the write-back is then a step of its own).
def(["try_cmpxchg", "atomic_try_cmpxchg"], (L, e) => {
  arity(e, 3);
  const a = addr(L, e.args[0]);
  const o = e.args[1];
  const oldLv = o.k === "unary" && o.op === "&" ? L.lv(o.arg) : L.lv({ k: "unary", loc: o.loc, op: "*", arg: o });
  const expected = L.toTemp(L.read(oldLv)).e;
  const got = rmw(L, "cmpxchg", "old", a, expected, L.toTemp(L.rv(e.args[2])).e);
  const ok = L.toTemp({ e: bin("==", got.e, expected), t: BOOL });
  if (oldLv.k === "local") L.write(oldLv, got); // unchanged when it swapped
  else {
    const done = L.newLabel();
    L.br(ok.e, done);
    L.write(oldLv, got);
    L.place(done);
  }
  return ok;
});

// ---- barriers and scheduling hints: no-ops under sequential consistency ----------------
def(
  ["smp_mb", "smp_rmb", "smp_wmb", "mb", "rmb", "wmb", "barrier", "smp_mb__before_atomic", "smp_mb__after_atomic",
    "smp_mb__after_spinlock", "smp_mb__after_unlock_lock", "smp_read_barrier_depends", "smp_mb__after_srcu_read_unlock",
    "smp_acquire__after_ctrl_dep", "smp_mb__before_spinlock", "smp_mb__before_clear_bit", "smp_mb__after_clear_bit",
    "smp_mb__before_atomic_inc", "smp_mb__after_atomic_inc", "smp_mb__before_atomic_dec", "smp_mb__after_atomic_dec",
    "cpu_relax", "cond_resched", "might_sleep", "schedule", "preempt_disable", "preempt_enable", "local_irq_disable",
    "local_irq_enable", "might_lock"],
  noop,
);
def(["likely", "unlikely"], (L, e) => {
  arity(e, 1);
  return L.rv(e.args[0]);
});

// ---- atomic_t ------------------------------------------------------------------------
// Names are looked up after dropping _relaxed/_acquire/_release and mapping atomic_long_/atomic64_.
def(["atomic_read"], (L, e) => {
  arity(e, 1);
  return L.read({ k: "mem", addr: addr(L, e.args[0]), t: INT32, isConst: false, loc: e.loc });
});
def(["atomic_set"], (L, e) => {
  arity(e, 2);
  const a = addr(L, e.args[0]);
  L.write({ k: "mem", addr: a, t: INT32, isConst: false, loc: e.loc }, L.rv(e.args[1]));
  return VOID;
});
for (const [name, op, amount] of [["inc", "add", 1], ["dec", "sub", 1]] as const) {
  def([`atomic_${name}`], (L, e) => {
    arity(e, 1);
    rmw(L, op, "new", addr(L, e.args[0]), c(amount));
    return VOID;
  });
  def([`atomic_${name}_return`], (L, e) => {
    arity(e, 1);
    return rmw(L, op, "new", addr(L, e.args[0]), c(amount));
  });
  def([`atomic_fetch_${name}`], (L, e) => {
    arity(e, 1);
    return rmw(L, op, "old", addr(L, e.args[0]), c(amount));
  });
  def([`atomic_${name}_and_test`], (L, e) => {
    arity(e, 1);
    const v = rmw(L, op, "new", addr(L, e.args[0]), c(amount));
    return { e: bin("==", v.e, c(0)), t: BOOL };
  });
}
for (const op of ["add", "sub", "and", "or", "xor", "andnot"] as const) {
  // atomic_add(i, v): the amount comes first, as in the kernel.
  const amountThenAddr = (L: ProcLowerer, e: Call) => {
    arity(e, 2);
    const i = L.toTemp(L.rv(e.args[0])).e;
    return { i, a: addr(L, e.args[1]) };
  };
  def([`atomic_${op}`], (L, e) => {
    const { i, a } = amountThenAddr(L, e);
    rmw(L, op, "new", a, i);
    return VOID;
  });
  def([`atomic_fetch_${op}`], (L, e) => {
    const { i, a } = amountThenAddr(L, e);
    return rmw(L, op, "old", a, i);
  });
  if (op === "add" || op === "sub") {
    def([`atomic_${op}_return`], (L, e) => {
      const { i, a } = amountThenAddr(L, e);
      return rmw(L, op, "new", a, i);
    });
    def([`atomic_${op}_and_test`], (L, e) => {
      const { i, a } = amountThenAddr(L, e);
      return { e: bin("==", rmw(L, op, "new", a, i).e, c(0)), t: BOOL };
    });
  }
}
def(["atomic_add_negative"], (L, e) => {
  arity(e, 2);
  const i = L.toTemp(L.rv(e.args[0])).e;
  return { e: bin("<", rmw(L, "add", "new", addr(L, e.args[1]), i).e, c(0)), t: BOOL };
});
def(["atomic_xchg"], (L, e) => {
  arity(e, 2);
  const a = addr(L, e.args[0]);
  return rmw(L, "xchg", "old", a, L.toTemp(L.rv(e.args[1])).e);
});
def(["atomic_cmpxchg"], (L, e) => {
  arity(e, 3);
  const a = addr(L, e.args[0]);
  const o = L.toTemp(L.rv(e.args[1])).e;
  return rmw(L, "cmpxchg", "old", a, o, L.toTemp(L.rv(e.args[2])).e);
});
def(["atomic_fetch_add_unless"], (L, e) => {
  arity(e, 3);
  const a = addr(L, e.args[0]);
  const i = L.toTemp(L.rv(e.args[1])).e;
  return rmw(L, "add_unless", "old", a, i, L.toTemp(L.rv(e.args[2])).e);
});
def(["atomic_add_unless"], (L, e) => {
  // Adds i unless the counter is u; returns true if it added.
  arity(e, 3);
  const a = addr(L, e.args[0]);
  const i = L.toTemp(L.rv(e.args[1])).e;
  const u = L.toTemp(L.rv(e.args[2])).e;
  return { e: bin("!=", rmw(L, "add_unless", "old", a, i, u).e, u), t: BOOL };
});
def(["atomic_inc_not_zero"], (L, e) => {
  arity(e, 1);
  return { e: bin("!=", rmw(L, "add_unless", "old", addr(L, e.args[0]), c(1), c(0)).e, c(0)), t: BOOL };
});

// ---- bit operations on an unsigned long word (page->flags) -----------------------------
const bitMask = (nr: LExpr): LExpr => bin("<<", c(1), nr);
def(["test_bit"], (L, e) => {
  arity(e, 2);
  const nr = L.toTemp(L.rv(e.args[0])).e;
  const v = L.read({ k: "mem", addr: addr(L, e.args[1]), t: INT32, isConst: false, loc: e.loc });
  return { e: bin("&", bin(">>", v.e, nr), c(1)), t: BOOL };
});
for (const [names, op, returns] of [
  [["set_bit", "__set_bit"], "or", false],
  [["clear_bit", "__clear_bit", "clear_bit_unlock", "__clear_bit_unlock"], "andnot", false],
  [["change_bit", "__change_bit"], "xor", false],
  [["test_and_set_bit", "__test_and_set_bit", "test_and_set_bit_lock"], "or", true],
  [["test_and_clear_bit", "__test_and_clear_bit"], "andnot", true],
] as const) {
  def([...names], (L, e) => {
    arity(e, 2);
    const nr = L.toTemp(L.rv(e.args[0])).e;
    const old = rmw(L, op, "old", addr(L, e.args[1]), bitMask(nr));
    return returns ? { e: bin("&", bin(">>", old.e, nr), c(1)), t: BOOL } : VOID;
  });
}

// The page-lock unlocks clear PG_locked and report PG_waiters (bit 7, the byte's sign bit) of the
// new value, in one RMW: clear_bit_unlock_is_negative_byte(nr, addr) (v5.7) and
// xor_unlock_is_negative_byte(mask, addr) (v6.15, whose second operand is a mask).
def(["clear_bit_unlock_is_negative_byte"], (L, e) => {
  arity(e, 2);
  const nr = L.toTemp(L.rv(e.args[0])).e;
  const nv = rmw(L, "andnot", "new", addr(L, e.args[1]), bitMask(nr));
  return { e: bin("&", bin(">>", nv.e, c(7)), c(1)), t: BOOL };
});
def(["xor_unlock_is_negative_byte"], (L, e) => {
  arity(e, 2);
  const mask = L.toTemp(L.rv(e.args[0])).e;
  const nv = rmw(L, "xor", "new", addr(L, e.args[1]), mask);
  return { e: bin("&", bin(">>", nv.e, c(7)), c(1)), t: BOOL };
});

// ---- locks: a held lock holds its owner's process number + 1 ---------------------------
const lockArg = (L: ProcLowerer, e: Call, n: number) => {
  arity(e, n);
  return addr(L, e.args[0]);
};
def(["spin_lock", "raw_spin_lock", "spin_lock_irq", "spin_lock_bh", "mutex_lock", "mutex_lock_interruptible_nofail", "down_write", "down_read"], (L, e) => {
  L.emit({ op: "lock", addr: lockArg(L, e, 1), src: L.src() });
  return VOID;
});
def(["spin_lock_irqsave", "raw_spin_lock_irqsave"], (L, e) => {
  L.emit({ op: "lock", addr: lockArg(L, e, 2), src: L.src() });
  return VOID;
});
def(["spin_unlock", "raw_spin_unlock", "spin_unlock_irq", "spin_unlock_bh", "mutex_unlock", "up_write", "up_read"], (L, e) => {
  L.emit({ op: "unlock", addr: lockArg(L, e, 1), src: L.src() });
  return VOID;
});
def(["spin_unlock_irqrestore", "raw_spin_unlock_irqrestore"], (L, e) => {
  L.emit({ op: "unlock", addr: lockArg(L, e, 2), src: L.src() });
  return VOID;
});
def(["spin_trylock", "raw_spin_trylock", "mutex_trylock"], (L, e) => {
  const a = lockArg(L, e, 1);
  const dst = L.temp(BOOL);
  L.emit({ op: "trylock", dst, addr: a, src: L.src() });
  return { e: { k: "local", slot: dst }, t: BOOL };
});
def(["spin_is_locked", "mutex_is_locked"], (L, e) => {
  const a = lockArg(L, e, 1);
  // A probe: the owner's id it loads is only compared with 0 (symmetry.ts relies on that).
  const dst = L.temp(INT32);
  L.emit({ op: "load", dst, addr: a, src: L.src(), lockProbe: true });
  return { e: bin("!=", { k: "local", slot: dst }, c(0)), t: BOOL };
});
// spin_unlock_wait(): removed from the kernel in 4.13, modelled by herd7 before that and still
// in published tests. One step, enabled once the lock is free; it does not take the lock.
// Waiting for a lock the caller holds itself can never end: a self-deadlock, as spin_lock's.
def(["spin_unlock_wait", "raw_spin_unlock_wait"], (L, e) => {
  L.emit({ op: "unlock_wait", addr: lockArg(L, e, 1), src: L.src() });
  return VOID;
});

// ---- RCU ---------------------------------------------------------------------------------
def(["rcu_read_lock", "rcu_read_lock_bh", "rcu_read_lock_sched"], (L, e) => {
  arity(e, 0);
  L.usesRcu = true;
  L.emit({ op: "rcu_lock", src: L.src() });
  return VOID;
});
def(["rcu_read_unlock", "rcu_read_unlock_bh", "rcu_read_unlock_sched"], (L, e) => {
  arity(e, 0);
  L.usesRcu = true;
  L.emit({ op: "rcu_unlock", src: L.src() });
  return VOID;
});
def(["synchronize_rcu", "synchronize_rcu_expedited", "synchronize_sched", "synchronize_net"], (L, e) => {
  arity(e, 0);
  L.usesRcu = true;
  // Two steps: the grace period starts (noting the readers already inside), then the
  // caller blocks until each of those readers has left; new readers may start meanwhile.
  L.emit({ op: "gp_start", src: L.src() });
  L.emit({ op: "gp_wait", src: L.src() });
  return VOID;
});

// ---- SRCU --------------------------------------------------------------------------------
// Like RCU, but per domain: synchronize_srcu(s) waits only for the readers of s whose critical
// section began before the grace period started. A struct srcu_struct is opaque (layout.ts).
// srcu_read_lock() returns the index 0: herd7's LKMM reads it from the srcu_struct location,
// which only srcu_read_unlock() writes, with the index it was given, so under SC it is always
// the initial 0. srcu_read_unlock() evaluates its index argument and ignores it.
// srcu_down_read()/srcu_up_read() may be released by another task, as in the kernel: down_read
// counts the reader in its own process's cell and returns that process's number + 1 as the index,
// and up_read(s, idx) releases the reader of process idx - 1 (a modelling device: the kernel's
// index is 0 or 1; here it names the reader, which is what up_read needs). An up_read with an
// index that names no reader is reported like an unlock without a lock.
function srcuArg(L: ProcLowerer, e: Call, n: number): LExpr {
  arity(e, n);
  const v = L.toTemp(L.rv(e.args[0]));
  if (v.t.kind !== "ptr" || !isSrcuStruct(v.t.to))
    fail(e.args[0].loc, `'${e.callee}' takes a pointer to a struct srcu_struct (declare the parameter as 'struct srcu_struct *s'), not ${typeName(v.t)}`);
  return v.e;
}
def(["srcu_down_read"], (L, e) => {
  L.emit({ op: "srcu_lock", addr: srcuArg(L, e, 1), src: L.src() });
  return { e: c(L.procIndex + 1), t: INT32 };
});
def(["srcu_up_read"], (L, e) => {
  const a = srcuArg(L, e, 2);
  const owner = L.toTemp(L.rv(e.args[1])).e;
  L.emit({ op: "srcu_unlock", addr: a, owner, src: L.src() });
  return VOID;
});
def(["srcu_read_lock", "srcu_read_lock_nmisafe", "srcu_read_lock_notrace", "srcu_read_lock_lite", "srcu_read_lock_fast"], (L, e) => {
  L.emit({ op: "srcu_lock", addr: srcuArg(L, e, 1), src: L.src() });
  return { e: c(0), t: INT32 };
});
def(["srcu_read_unlock", "srcu_read_unlock_nmisafe", "srcu_read_unlock_notrace", "srcu_read_unlock_lite", "srcu_read_unlock_fast"], (L, e) => {
  const a = srcuArg(L, e, 2);
  L.rv(e.args[1]);
  L.emit({ op: "srcu_unlock", addr: a, src: L.src() });
  return VOID;
});
def(["synchronize_srcu", "synchronize_srcu_expedited"], (L, e) => {
  const a = srcuArg(L, e, 1);
  // As synchronize_rcu: the grace period starts (noting this domain's readers), then waits.
  L.emit({ op: "srcu_gp_start", addr: a, src: L.src() });
  L.emit({ op: "srcu_gp_wait", addr: a, src: L.src() });
  return VOID;
});

// ---- checks --------------------------------------------------------------------------------
def(["assert"], (L, e) => {
  arity(e, 1);
  const v = L.rv(e.args[0]);
  check(L, "assert", not(v.e), `assertion failed: ${L.callText(e)}`);
  return VOID;
});
for (const [names, kind, returns, extraArgs] of [
  [["BUG_ON", "VM_BUG_ON"], "bug", false, 0],
  [["VM_BUG_ON_PAGE", "VM_BUG_ON_FOLIO", "VM_BUG_ON_VMA"], "bug", false, 1],
  [["WARN_ON", "WARN_ON_ONCE", "VM_WARN_ON", "VM_WARN_ON_ONCE"], "warn", true, 0],
  [["VM_WARN_ON_PAGE", "VM_WARN_ON_ONCE_PAGE", "VM_WARN_ON_FOLIO", "VM_WARN_ON_ONCE_FOLIO"], "warn", true, 1],
] as const) {
  def([...names], (L, e) => {
    arity(e, 1 + extraArgs);
    const v = L.toTemp({ e: { k: "bool", a: L.rv(e.args[0]).e }, t: BOOL });
    check(L, kind, v.e, `${L.callText(e)} triggered`);
    return returns ? v : VOID;
  });
}
def(["WARN", "WARN_ONCE"], (L, e) => {
  arity(e, 2, true);
  const v = L.toTemp({ e: { k: "bool", a: L.rv(e.args[0]).e }, t: BOOL });
  check(L, "warn", v.e, `${L.callText(e)} triggered`);
  return v;
});
def(["BUG"], (L, e) => {
  arity(e, 0);
  check(L, "bug", c(1), "BUG() reached");
  return VOID;
});
def(["__violation_if"], (L, e) => {
  // __violation_if(cond, "kind"[, "message"]): the kernel model's own checks (io-on-secure, ...).
  arity(e, 2, true);
  const kind = e.args[1];
  if (kind.k !== "str") fail(kind.loc, "the violation kind must be a string");
  const msgArg = e.args[2];
  const msg = msgArg && msgArg.k === "str" ? msgArg.value : `${kind.value}: ${L.callText(e)}`;
  const v = L.rv(e.args[0]);
  check(L, kind.value, { k: "bool", a: v.e }, msg);
  return VOID;
});
def(["await", "__await"], (L, e) => {
  // await(cond): a blocking step, enabled only while cond holds (it may read shared memory).
  arity(e, 1);
  const outer = L.atomicDepth === 0;
  if (outer) L.emit({ op: "atomic_begin", src: L.src() });
  L.atomicDepth++;
  const v = L.rv(e.args[0]);
  L.emit({ op: "guard", cond: v.e, src: L.src() });
  L.atomicDepth--;
  if (outer) L.emit({ op: "atomic_end", src: L.src() });
  return VOID;
});

// ---- liveness annotations (local: they mark the step they are part of) -------------------
def(["PROGRESS", "__progress"], (L, e) => {
  arity(e, 0);
  L.emit({ op: "progress", src: L.src() });
  return VOID;
});
def(["GOAL", "__goal"], (L, e) => {
  arity(e, 0);
  L.emit({ op: "goal", src: L.src() });
  return VOID;
});

export function lookupBuiltin(name: string): Builtin | undefined {
  const n = name.replace(/^atomic(64|_long)_/, "atomic_");
  return BUILTINS.get(n) ?? BUILTINS.get(n.replace(/_(relaxed|acquire|release)$/, ""));
}
