/**
 * The only error `compile` throws for a bad rule. `position` is a 0-based offset into the source (UTF-16
 * code units, as JavaScript strings index), `line`/`column` are 1-based, `length` is how many characters
 * to underline (0 at end of input).
 */
export class RuleCompileError extends Error {
  readonly position: number;
  readonly line: number;
  readonly column: number;
  readonly length: number;

  constructor(message: string, source: string, position: number, length: number) {
    super(message);
    this.name = 'RuleCompileError';
    const pos = Math.max(0, Math.min(position, source.length));
    this.position = pos;
    this.length = Math.max(0, Math.min(length, source.length - pos));
    const { line, column } = locate(source, pos);
    this.line = line;
    this.column = column;
  }

  toJSON(): { message: string; position: number; line: number; column: number; length: number } {
    return { message: this.message, position: this.position, line: this.line, column: this.column, length: this.length };
  }
}

/** Thrown while compiling one source; carries the source so every error gets line/column for free. */
export function failAt(source: string, position: number, length: number, message: string): never {
  throw new RuleCompileError(message, source, position, length);
}

/** 1-based line and column of a 0-based offset; lines end at '\n' (so '\r\n' works too). */
export function locate(source: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

/** Source text quoted in a message, cut short so a 2,000-character token cannot flood the console. */
export function clip(text: string, max = 48): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 3)}...` : oneLine;
}
