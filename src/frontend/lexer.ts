// Tokeniser for the scenario language: C tokens plus herd7's `/\` and `\/`.
// Preprocessor lines (`#include`, `#define`) come out as one `directive` token each.

import { SourceFile, fail, locAt } from "./diagnostics.js";

export type TokKind = "ident" | "num" | "str" | "punct" | "directive" | "eof";

export interface Token {
  kind: TokKind;
  text: string;
  offset: number;
  value?: number; // for numbers
}

// Longest first, so that `<<=` wins over `<<` and `<`.
const PUNCTS = [
  "<<=", ">>=", "...",
  "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
  "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "/\\", "\\/",
  "{", "}", "(", ")", "[", "]", ";", ",", ".", "?", ":", "=", "<", ">",
  "+", "-", "*", "/", "%", "&", "|", "^", "!", "~",
];

/** Words that start herd7's final-condition section at top level. */
const CONDITION_WORDS = new Set(["exists", "forall", "filter", "locations", "final"]);

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/**
 * `initBlock`: start is the init block's `{`, where herd7 also reads (* comments *) (its init
 * section is not C); they stay recognised until that block closes.
 */
export function tokenize(file: SourceFile, start = 0, end = file.text.length, initBlock = false): Token[] {
  const src = file.text;
  const out: Token[] = [];
  let i = start;
  let atLineStart = true;
  let braces = 0; // herd7's (* comments *) may stand anywhere outside C bodies
  let inInit = initBlock;
  let parens = 0; // at top level, `(*` inside a parameter list is C (`P0(int (*x))`), not a comment
  let inCondition = false; // from `exists`/`forall`/`filter`/`locations` on, herd7's condition syntax: `(*` is a comment

  while (i < end) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      atLineStart = true;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    if (c === 47 && src.charCodeAt(i + 1) === 47) {
      while (i < end && src.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 47 && src.charCodeAt(i + 1) === 42) {
      const close = src.indexOf("*/", i + 2);
      if (close < 0 || close + 2 > end) fail(locAt(file, i), "unterminated comment");
      i = close + 2;
      continue;
    }
    if (c === 40 /* ( */ && ((braces === 0 && (parens === 0 || inCondition)) || inInit) && src.charCodeAt(i + 1) === 42 /* * */) {
      i = skipHerdComment(file, i, end);
      continue;
    }
    if (c === 35 /* # */ && atLineStart) {
      const j = directiveEnd(src, i, end);
      out.push({ kind: "directive", text: src.slice(i, j), offset: i });
      i = j;
      continue;
    }
    atLineStart = false;
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < end && isIdentPart(src.charCodeAt(j))) j++;
      const word = src.slice(i, j);
      if (braces === 0 && parens === 0 && CONDITION_WORDS.has(word)) inCondition = true;
      out.push({ kind: "ident", text: word, offset: i });
      i = j;
      continue;
    }
    if (c >= 48 && c <= 57) {
      const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([uUlL]*)/.exec(src.slice(i, Math.min(end, i + 40)));
      if (!m) fail(locAt(file, i), "malformed number");
      const digits = m[1];
      let value: number;
      if (/^0[xX]/.test(digits)) value = parseInt(digits.slice(2), 16);
      else if (/^0[bB]/.test(digits)) value = parseInt(digits.slice(2), 2);
      else if (digits.length > 1 && digits[0] === "0") value = parseInt(digits, 8);
      else value = parseInt(digits, 10);
      if (!Number.isSafeInteger(value) || value > 0xffffffff) fail(locAt(file, i), `number ${digits} does not fit in 32 bits`);
      const next = src.charCodeAt(i + m[0].length);
      if (isIdentPart(next)) fail(locAt(file, i), "malformed number");
      out.push({ kind: "num", text: m[0], offset: i, value: value | 0 });
      i += m[0].length;
      continue;
    }
    if (c === 34 /* " */) {
      let j = i + 1;
      while (j < end && src.charCodeAt(j) !== 34 && src.charCodeAt(j) !== 10) {
        if (src.charCodeAt(j) === 92) j++;
        j++;
      }
      if (src.charCodeAt(j) !== 34) fail(locAt(file, i), "unterminated string");
      out.push({ kind: "str", text: src.slice(i + 1, j), offset: i });
      i = j + 1;
      continue;
    }
    if (c === 39 /* ' */) {
      const m = /^'(\\?.)'/.exec(src.slice(i, i + 4));
      if (!m) fail(locAt(file, i), "malformed character constant");
      const ch = m[1].length === 2 ? ({ n: 10, t: 9, "0": 0 } as Record<string, number>)[m[1][1]] ?? m[1].charCodeAt(1) : m[1].charCodeAt(0);
      out.push({ kind: "num", text: m[0], offset: i, value: ch });
      i += m[0].length;
      continue;
    }
    let matched = "";
    for (const p of PUNCTS) {
      if (src.startsWith(p, i)) {
        matched = p;
        break;
      }
    }
    if (!matched) fail(locAt(file, i), `unexpected character '${src[i]}'`);
    if (braces === 0 && matched === "(") parens++;
    else if (braces === 0 && matched === ")") parens = Math.max(0, parens - 1);
    if (matched === "{") braces++;
    else if (matched === "}") {
      braces = Math.max(0, braces - 1);
      if (braces === 0) inInit = false;
    }
    out.push({ kind: "punct", text: matched, offset: i });
    i += matched.length;
  }
  out.push({ kind: "eof", text: "<end of file>", offset: Math.min(end, src.length) });
  return out;
}

/** The end (after `*)`) of the herd7 (* comment *) at pos; like OCaml's, they nest. */
export function skipHerdComment(file: SourceFile, pos: number, end = file.text.length): number {
  const text = file.text;
  let depth = 0;
  let i = pos;
  while (i + 1 < end) {
    if (text.charCodeAt(i) === 40 && text.charCodeAt(i + 1) === 42) {
      depth++;
      i += 2;
    } else if (text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 41) {
      i += 2;
      if (--depth === 0) return i;
    } else i++;
  }
  fail(locAt(file, pos), "unterminated (* comment");
}

/** The end of the preprocessor directive at pos: the end of its line (backslash-newline continues it). */
export function directiveEnd(text: string, pos: number, end = text.length): number {
  let j = pos;
  while (j < end && text.charCodeAt(j) !== 10) {
    if (text.charCodeAt(j) === 92 && text.charCodeAt(j + 1) === 10) j += 2;
    else j++;
  }
  return j;
}
