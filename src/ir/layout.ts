// Shared-memory layout: every scalar (int, bool, pointer, atomic_t, spinlock_t) is one
// 32-bit cell; a struct is its fields in order; an array is its elements in order.
// Addresses start at 1 so that 0 stays NULL. `struct srcu_struct` is built in and opaque:
// 2 * nProcs hidden cells (each process's read-side nesting depth on it, then each
// process's grace-period wait mask), which only the SRCU primitives touch.

import { StructDef, TypeRef } from "../frontend/ast.js";
import { Loc, fail } from "../frontend/diagnostics.js";

export interface FieldLayout {
  name: string;
  offset: number;
  type: TypeRef;
  isConst: boolean;
}

export class Layouts {
  private readonly cache = new Map<string, FieldLayout[]>();
  constructor(
    private readonly structs: Map<string, StructDef>,
    /** Number of processes: a struct srcu_struct has two hidden cells per process. */
    private readonly nProcs = 1,
  ) {}

  struct(name: string, loc: Loc): FieldLayout[] {
    const hit = this.cache.get(name);
    if (hit) return hit;
    const def = this.structs.get(name);
    if (name === SRCU_STRUCT) {
      if (def) fail(def.loc, "struct srcu_struct is built in (the SRCU domain of srcu_read_lock() and synchronize_srcu()) and cannot be redefined");
      const n = this.nProcs;
      const fields: FieldLayout[] = [];
      for (let q = 0; q < n; q++) fields.push({ name: `srcu_nesting[${q}]`, offset: q, type: INT32, isConst: false });
      for (let q = 0; q < n; q++) fields.push({ name: `srcu_gp_wait[${q}]`, offset: n + q, type: INT32, isConst: false });
      this.cache.set(name, fields);
      return fields;
    }
    if (!def) {
      if (name === "mutex") return [{ name: "__lock", offset: 0, type: { kind: "named", name: "spinlock_t" }, isConst: false }];
      fail(loc, `unknown type 'struct ${name}'${name === "page" ? " (add #include <linux/mm.h> for the kernel model)" : ""}`);
    }
    this.cache.set(name, []); // recursion guard: a struct cannot contain itself
    const fields: FieldLayout[] = [];
    let offset = 0;
    for (const f of def.fields) {
      if (f.type.kind === "struct" && f.type.name === name) fail(f.loc, `struct ${name} cannot contain itself`);
      fields.push({ name: f.name, offset, type: f.type, isConst: f.isConst });
      offset += this.size(f.type, f.loc);
    }
    this.cache.set(name, fields);
    return fields;
  }

  field(structName: string, field: string, loc: Loc): FieldLayout {
    if (structName === SRCU_STRUCT) fail(loc, `struct srcu_struct is opaque: it has no field '${field}' (use srcu_read_lock(), srcu_read_unlock() and synchronize_srcu() on it)`);
    const f = this.struct(structName, loc).find((x) => x.name === field);
    if (!f) fail(loc, `struct ${structName} has no field '${field}'`);
    return f;
  }

  size(t: TypeRef, loc: Loc): number {
    if (t.kind === "struct") return this.struct(t.name, loc).reduce((n, f) => n + this.size(f.type, loc), 0);
    if (t.kind === "void") fail(loc, "a variable cannot have type void");
    return 1;
  }
}

/** The built-in opaque SRCU domain type, `struct srcu_struct`. */
export const SRCU_STRUCT = "srcu_struct";

export function isSrcuStruct(t: TypeRef): boolean {
  return t.kind === "struct" && t.name === SRCU_STRUCT;
}

export const INT32: TypeRef = { kind: "int", bits: 32, signed: true, name: "int" };

/** Width and signedness of a scalar type as stored in one cell. */
export function scalarWidth(t: TypeRef): { bits: number; signed: boolean } {
  switch (t.kind) {
    case "int":
      return { bits: t.bits, signed: t.signed };
    case "bool":
      return { bits: 1, signed: false };
    default:
      return { bits: 32, signed: true };
  }
}

/** Types whose values are words of bits, printed in hex (the page-table entry and its kin). */
export function isHexType(t: TypeRef): boolean {
  return t.kind === "int" && (t.name === "pte_t" || t.name === "swp_entry_t" || t.name === "pgprot_t");
}

export function isLockType(t: TypeRef): boolean {
  return t.kind === "named" && /spinlock_t$/.test(t.name);
}

export function typeName(t: TypeRef): string {
  switch (t.kind) {
    case "int":
      return t.name;
    case "bool":
      return "bool";
    case "void":
      return "void";
    case "ptr":
      return typeName(t.to) + " *";
    case "struct":
      return "struct " + t.name;
    case "named":
      return t.name;
  }
}
