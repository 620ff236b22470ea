// Events of the LKMM mode and the table that gives each kernel primitive its events.
// The event classes are those of tools/memory-model/linux-kernel.bell (accesses tagged
// once/acquire/release/noreturn, fences mb/rmb/wmb/..., RCU and SRCU markers) and lock.cat
// (LKR/LKW/UL/LF/RU); the primitive -> class mapping follows linux-kernel.def, and
// Documentation/atomic_t.txt for the atomic_t operations: a value-returning RMW without a
// suffix is fully ordered (a full fence on each side), a void one (atomic_inc()) is unordered
// and its read is "noreturn", _acquire/_release/_relaxed order only what their names say.

import { Src } from "../ir/ir.js";
import type { Constraint, SExpr } from "./sym.js";

export const enum T {
  ONCE = 1 << 0,
  ACQUIRE = 1 << 1,
  RELEASE = 1 << 2,
  NORETURN = 1 << 3,
  MB = 1 << 4,
  RMB = 1 << 5,
  WMB = 1 << 6,
  BEFORE_ATOMIC = 1 << 7,
  AFTER_ATOMIC = 1 << 8,
  AFTER_SPINLOCK = 1 << 9,
  AFTER_UNLOCK_LOCK = 1 << 10,
  BARRIER = 1 << 11,
  RCU_LOCK = 1 << 12,
  RCU_UNLOCK = 1 << 13,
  SYNC_RCU = 1 << 14,
  SRCU_LOCK = 1 << 15,
  SRCU_UNLOCK = 1 << 16,
  SYNC_SRCU = 1 << 17,
  LKR = 1 << 18, // the read of spin_lock / a successful spin_trylock
  LKW = 1 << 19, // its write
  UL = 1 << 20, // spin_unlock
  LF = 1 << 21, // a failed spin_trylock (a read)
  RU = 1 << 22, // spin_is_locked() that found the lock free (a read)
  RL = 1 << 23, // spin_is_locked() that found it held
  RMW = 1 << 24, // one half of an atomic read-modify-write
  IW = 1 << 25, // an initial write
  AFTER_SRCU_UNLOCK = 1 << 26,
}

export type Kind = "R" | "W" | "F";

/** An event of one process's path (before the events of all processes are numbered together). */
export interface PEvent {
  kind: Kind;
  tags: number;
  loc: number; // cell address; -1 for a fence (and for RCU markers)
  val: number;
  src: Src;
  /** Short text for displays, e.g. "R[once] x=1" is built from kind/tags/loc/val; this is the primitive. */
  prim: string;
  /** In an __atomic block that read this object's __ghost_freed as 0 first: the kernel model
   * checked the object itself, atomically with this access (no use-after-free to report). */
  freeChecked?: boolean;
  /** Symbolic mode (paths.ts): the value as an expression over the path's reads - a read's own
   * variable, or a write's value; val is then NaN until exec.ts resolves it per candidate. */
  vx?: SExpr;
  /** A symbolic read: the path's constraints on its value alone (x == 1, x & 4), which a
   * concrete write must meet to be read (exec.ts filters reads-from with them). */
  vtests?: Constraint[];
}

/** Access annotations for a load/store/rmw, from the primitive that emitted it. null: plain C. */
export function accessTags(prim: string | undefined, op: "load" | "store" | "rmw"): { r: number; w: number; mb: boolean; plain: boolean } {
  const plain = { r: 0, w: 0, mb: false, plain: true };
  if (!prim) return plain;
  const name = prim.replace(/^atomic(64|_long)_/, "atomic_");
  const suffix = /_(relaxed|acquire|release)$/.exec(name)?.[1] ?? null;
  const base = suffix ? name.slice(0, -suffix.length - 1) : name;
  if (op === "load") {
    if (/^(smp_load_acquire|atomic_read_acquire)$/.test(name)) return { r: T.ACQUIRE, w: 0, mb: false, plain: false };
    if (LOADS.has(base)) return { r: T.ONCE, w: 0, mb: false, plain: false };
    return plain; // e.g. a plain read inside WRITE_ONCE's argument
  }
  if (op === "store") {
    if (/^(smp_store_release|atomic_set_release|rcu_assign_pointer)$/.test(name)) return { r: 0, w: T.RELEASE, mb: false, plain: false };
    if (STORES.has(base)) return { r: 0, w: T.ONCE, mb: false, plain: false };
    return plain;
  }
  // rmw: every one is marked. Value-returning ones without a suffix are fully ordered, except
  // the bit locks (Documentation/atomic_bitops.txt): a successful test_and_set_bit_lock() is an
  // ACQUIRE, clear_bit_unlock() a RELEASE, and so are the unlocks that also report PG_waiters
  // (clear_bit_unlock_is_negative_byte(), v6.15's xor_unlock_is_negative_byte()).
  if (name === "test_and_set_bit_lock") return { r: T.ACQUIRE | T.RMW, w: T.ONCE | T.RMW, mb: false, plain: false };
  if (BIT_UNLOCKS.has(name)) {
    const noreturn = name.endsWith("_unlock") ? T.NORETURN : 0;
    return { r: T.ONCE | noreturn | T.RMW, w: T.RELEASE | T.RMW, mb: false, plain: false };
  }
  const returns = RETURNING.test(base) || base === "xchg" || base === "cmpxchg" || base === "try_cmpxchg" || /^test_and_/.test(base);
  const r = (suffix === "acquire" ? T.ACQUIRE : T.ONCE) | (returns ? 0 : T.NORETURN) | T.RMW;
  const w = (suffix === "release" ? T.RELEASE : T.ONCE) | T.RMW;
  return { r, w, mb: returns && suffix === null, plain: false };
}

const BIT_UNLOCKS = new Set(["clear_bit_unlock", "__clear_bit_unlock", "clear_bit_unlock_is_negative_byte", "xor_unlock_is_negative_byte"]);

const RETURNING = /^atomic_(.*_return|fetch_.*|.*_and_test|add_negative|xchg|cmpxchg|try_cmpxchg|add_unless|fetch_add_unless|inc_not_zero)$/;

const LOADS = new Set([
  "READ_ONCE", "rcu_dereference", "rcu_access_pointer", "rcu_dereference_raw", "rcu_dereference_bh", "rcu_dereference_sched",
  "lockless_dereference", "data_race", "rcu_dereference_protected", "rcu_dereference_check", "srcu_dereference",
  "srcu_dereference_check", "atomic_read", "test_bit",
]);
const STORES = new Set(["WRITE_ONCE", "RCU_INIT_POINTER", "smp_store_mb", "atomic_set"]);

/** Fence primitives (they emit no instruction) -> their tag; 0: no effect on ordering (cpu_relax()). */
export function fenceTag(name: string): number {
  switch (name) {
    case "smp_mb":
    case "mb":
      return T.MB;
    case "smp_rmb":
    case "rmb":
      return T.RMB;
    case "smp_wmb":
    case "wmb":
      return T.WMB;
    case "smp_mb__before_atomic":
    case "smp_mb__before_clear_bit":
    case "smp_mb__before_atomic_inc":
    case "smp_mb__before_atomic_dec":
      return T.BEFORE_ATOMIC;
    case "smp_mb__after_atomic":
    case "smp_mb__after_clear_bit":
    case "smp_mb__after_atomic_inc":
    case "smp_mb__after_atomic_dec":
      return T.AFTER_ATOMIC;
    case "smp_mb__after_spinlock":
    case "smp_mb__before_spinlock":
      return T.AFTER_SPINLOCK;
    case "smp_mb__after_unlock_lock":
      return T.AFTER_UNLOCK_LOCK;
    case "smp_mb__after_srcu_read_unlock":
      return T.AFTER_SRCU_UNLOCK;
    case "barrier":
    case "smp_read_barrier_depends":
      return T.BARRIER;
    default:
      return 0;
  }
}

const TAG_NAMES: [number, string][] = [
  [T.ONCE, "once"], [T.ACQUIRE, "acquire"], [T.RELEASE, "release"], [T.NORETURN, "noreturn"], [T.MB, "mb"], [T.RMB, "rmb"], [T.WMB, "wmb"],
  [T.BEFORE_ATOMIC, "before-atomic"], [T.AFTER_ATOMIC, "after-atomic"], [T.AFTER_SPINLOCK, "after-spinlock"],
  [T.AFTER_UNLOCK_LOCK, "after-unlock-lock"], [T.BARRIER, "barrier"], [T.RCU_LOCK, "rcu-lock"], [T.RCU_UNLOCK, "rcu-unlock"],
  [T.SYNC_RCU, "sync-rcu"], [T.SRCU_LOCK, "srcu-lock"], [T.SRCU_UNLOCK, "srcu-unlock"], [T.SYNC_SRCU, "sync-srcu"],
  [T.LKR, "LKR"], [T.LKW, "LKW"], [T.UL, "UL"], [T.LF, "LF"], [T.RU, "RU"], [T.RL, "RL"], [T.IW, "init"], [T.AFTER_SRCU_UNLOCK, "after-srcu-read-unlock"],
];

export function tagText(tags: number): string {
  const names = TAG_NAMES.filter(([t]) => (tags & t) !== 0).map(([, n]) => n);
  return names.length ? names.join(",") : "plain";
}
