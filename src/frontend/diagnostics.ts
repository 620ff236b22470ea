// Errors are data with positions until the CLI prints them (the Quint lesson):
// a front-end failure is a `SourceError`, never a stack trace for the user.

export interface SourceFile {
  path: string; // as given by the user (used in messages)
  text: string;
  lineStarts: number[];
}

export interface Loc {
  file: SourceFile;
  offset: number;
  line: number; // 1-based
  col: number; // 1-based
}

export function makeSourceFile(path: string, text: string): SourceFile {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  return { path, text, lineStarts };
}

export function locAt(file: SourceFile, offset: number): Loc {
  let lo = 0;
  let hi = file.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (file.lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { file, offset, line: lo + 1, col: offset - file.lineStarts[lo] + 1 };
}

export function lineText(file: SourceFile, line: number): string {
  const start = file.lineStarts[line - 1] ?? file.text.length;
  const end = file.lineStarts[line] ?? file.text.length;
  return file.text.slice(start, end).replace(/\r?\n$/, "");
}

export class SourceError extends Error {
  constructor(
    readonly loc: Loc,
    readonly detail: string,
  ) {
    super(`${loc.file.path}:${loc.line}:${loc.col}: ${detail}`);
  }
}

/** `file:line:col: message`, the source line, and a caret under the column. */
export function formatSourceError(e: SourceError): string {
  const src = lineText(e.loc.file, e.loc.line).replace(/\t/g, " ");
  const caret = " ".repeat(Math.max(0, e.loc.col - 1)) + "^";
  return `${e.loc.file.path}:${e.loc.line}:${e.loc.col}: error: ${e.detail}\n${src}\n${caret}`;
}

export function fail(loc: Loc, message: string): never {
  throw new SourceError(loc, message);
}
