// Syntax tree of a scenario: the C subset plus the herd7 litmus wrapper.
// Every node keeps its source position so later stages can report `file:line:col`.

import { Loc } from "./diagnostics.js";

export type TypeRef =
  | { kind: "int"; bits: number; signed: boolean; name: string }
  | { kind: "bool" }
  | { kind: "void" }
  | { kind: "ptr"; to: TypeRef }
  | { kind: "struct"; name: string }
  | { kind: "named"; name: string }; // atomic_t, spinlock_t, ... resolved by the checker

export type Expr =
  | { k: "num"; loc: Loc; value: number }
  | { k: "str"; loc: Loc; value: string }
  | { k: "name"; loc: Loc; name: string }
  | { k: "unary"; loc: Loc; op: string; arg: Expr } // - ! ~ * & +
  | { k: "incdec"; loc: Loc; op: "++" | "--"; prefix: boolean; arg: Expr }
  | { k: "binary"; loc: Loc; op: string; left: Expr; right: Expr }
  | { k: "assign"; loc: Loc; op: string; target: Expr; value: Expr } // op: "=", "+=", ...
  | { k: "cond"; loc: Loc; test: Expr; then: Expr; else: Expr }
  | { k: "call"; loc: Loc; callee: string; calleeLoc: Loc; args: Expr[]; end: number }
  | { k: "member"; loc: Loc; obj: Expr; field: string; arrow: boolean }
  | { k: "index"; loc: Loc; obj: Expr; index: Expr }
  | { k: "cast"; loc: Loc; type: TypeRef; arg: Expr }
  | { k: "init"; loc: Loc; fields: { name: string | null; value: Expr; loc: Loc }[] }; // { .f = v, ... }

export type Stmt =
  | { k: "decl"; loc: Loc; type: TypeRef; name: string; init: Expr | null; isConst: boolean; end: number }
  | { k: "expr"; loc: Loc; expr: Expr; end: number }
  | { k: "if"; loc: Loc; test: Expr; then: Stmt; else: Stmt | null; end: number } // end: after the `)` of the head
  | { k: "while"; loc: Loc; test: Expr; body: Stmt; end: number }
  | { k: "do"; loc: Loc; body: Stmt; test: Expr }
  | { k: "for"; loc: Loc; init: Stmt | null; test: Expr | null; update: Expr | null; body: Stmt }
  | { k: "switch"; loc: Loc; test: Expr; body: Stmt; end: number }
  | { k: "case"; loc: Loc; value: Expr | null } // null = default
  | { k: "break"; loc: Loc }
  | { k: "continue"; loc: Loc }
  | { k: "return"; loc: Loc; value: Expr | null; end: number }
  | { k: "goto"; loc: Loc; label: string }
  | { k: "label"; loc: Loc; label: string }
  | { k: "block"; loc: Loc; body: Stmt[] }
  | { k: "atomic"; loc: Loc; body: Stmt[] } // __atomic { ... }: one indivisible step
  | { k: "empty"; loc: Loc };

export interface Param {
  loc: Loc;
  type: TypeRef;
  name: string;
}

export interface FunctionDef {
  loc: Loc;
  name: string;
  returnType: TypeRef;
  params: Param[];
  body: Stmt[];
}

export interface StructField {
  loc: Loc;
  name: string;
  type: TypeRef;
  isConst: boolean;
  init: Expr | null; // pageproof extension: default value of the field
}

export interface StructDef {
  loc: Loc;
  name: string;
  fields: StructField[];
}

export interface SharedDecl {
  loc: Loc;
  name: string;
  type: TypeRef | null; // null: herd7's untyped `x = 1;`
  arrayLen: number | null;
  init: Expr | null;
}

export type Cond =
  | { k: "and" | "or"; left: Cond; right: Cond }
  | { k: "not"; arg: Cond }
  | { k: "true" | "false" }
  | { k: "atom"; loc: Loc; proc: number | null; name: string; field: string | null; value: Expr; op: "=" | "!="; rhs?: { proc: number; name: string; loc: Loc } };

export interface FinalCond {
  loc: Loc;
  quant: "exists" | "~exists" | "forall";
  cond: Cond;
}

export interface Program {
  name: string;
  comment: string; // the (* ... *) comments before the init block, used for Expect:/Result:
  doc: string | null; // herd7's quoted doc string (diy7 writes the cycle there)
  info: [string, string][]; // herd7's `Key=Value` info lines (Cycle=, Relax=, Hash=, ...)
  files: string[];
  structs: Map<string, StructDef>;
  functions: Map<string, FunctionDef>;
  defines: Map<string, Expr>;
  shared: SharedDecl[];
  processes: FunctionDef[];
  final: FinalCond | null;
  filter: Cond | null;
  locations: { proc: number | null; name: string; loc: Loc }[];
  settings: Map<string, string>; // `// pageproof: key=value` lines
  kernel: string; // the kernel model whose prelude `#include <...>` reads (src/frontend/kernel.ts)
  kernelSource: "option" | "scenario" | "default"; // what chose it: --kernel, a Kernel: line, or neither
}
