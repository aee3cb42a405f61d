// Tokenizer for the rule language (grammar in parser.ts). Hand-written, one pass, no regex backtracking.
import { clip, failAt } from './errors.ts';

export type TokenKind = 'number' | 'string' | 'path' | 'keyword' | 'op' | 'eof';

export const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false']);

export interface Token {
  kind: TokenKind;
  /** Normalised text: the keyword, operator (`&&` stays `&&`), path, or raw literal text. */
  text: string;
  /** Decoded value of a number or string literal. */
  value?: number | string;
  pos: number;
  len: number;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentStart = (c: number) => (c >= 97 && c <= 122) || c === 95; // a-z _
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c);
const isUpper = (c: number) => c >= 65 && c <= 90;
const isWordChar = (c: number) => isIdentPart(c) || isUpper(c);

const TWO_CHAR_OPS = new Set(['==', '!=', '<=', '>=', '&&', '||']);
const ONE_CHAR_OPS = new Set(['(', ')', '[', ']', ',', '+', '-', '*', '/', '<', '>', '!']);

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  const n = src.length;
  let i = 0;
  while (i < n) {
    const c = src.charCodeAt(i);
    // whitespace
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    const start = i;
    // numbers: digits [ "." digits ]
    if (isDigit(c)) {
      while (i < n && isDigit(src.charCodeAt(i))) i++;
      if (i < n && src.charCodeAt(i) === 46 /* . */) {
        if (i + 1 < n && isDigit(src.charCodeAt(i + 1))) {
          i++;
          while (i < n && isDigit(src.charCodeAt(i))) i++;
        } else {
          failAt(src, start, i + 1 - start, `invalid number '${clip(src.slice(start, i + 1))}': write digits after the decimal point`);
        }
      }
      if (i < n && (isWordChar(src.charCodeAt(i)) || src.charCodeAt(i) === 46)) {
        let j = i;
        while (j < n && (isWordChar(src.charCodeAt(j)) || src.charCodeAt(j) === 46)) j++;
        failAt(src, start, j - start, `invalid number '${clip(src.slice(start, j))}'`);
      }
      const text = src.slice(start, i);
      const value = Number(text);
      if (!Number.isFinite(value) || (!text.includes('.') && !Number.isSafeInteger(value))) {
        failAt(src, start, i - start, `number ${clip(text)} is too large to be represented exactly`);
      }
      tokens.push({ kind: 'number', text, value, pos: start, len: i - start });
      continue;
    }
    // strings: '...' or "..." with escapes; no raw line breaks
    if (c === 34 || c === 39) {
      i++;
      let value = '';
      let closed = false;
      while (i < n) {
        const d = src.charCodeAt(i);
        if (d === c) {
          i++;
          closed = true;
          break;
        }
        if (d === 10 || d === 13) break;
        if (d === 92 /* \ */) {
          const e = src[i + 1];
          switch (e) {
            case '\\': value += '\\'; i += 2; continue;
            case '"': value += '"'; i += 2; continue;
            case "'": value += "'"; i += 2; continue;
            case 'n': value += '\n'; i += 2; continue;
            case 't': value += '\t'; i += 2; continue;
            case 'r': value += '\r'; i += 2; continue;
            case '0': value += '\0'; i += 2; continue;
            case 'u': {
              const hex = src.slice(i + 2, i + 6);
              if (!/^[0-9a-fA-F]{4}$/.test(hex)) failAt(src, i, Math.min(6, n - i), 'invalid escape: \\u must be followed by 4 hex digits');
              value += String.fromCharCode(parseInt(hex, 16));
              i += 6;
              continue;
            }
          }
          if (e === undefined || e === '\n' || e === '\r') {
            i++; // a backslash at the end of the line: reported as unterminated below
            break;
          }
          failAt(src, i, 2, `invalid escape '\\${e}' (use \\\\ \\" \\' \\n \\t \\r \\0 or \\uXXXX)`);
        }
        value += src[i];
        i++;
      }
      if (!closed) failAt(src, start, i - start, `unterminated string: missing closing ${src[start]}`);
      tokens.push({ kind: 'string', text: src.slice(start, i), value, pos: start, len: i - start });
      continue;
    }
    // paths and keywords: segment { "." segment }
    if (isIdentStart(c) || isUpper(c)) {
      for (;;) {
        while (i < n && isWordChar(src.charCodeAt(i))) i++;
        if (i < n && src.charCodeAt(i) === 46 /* . */) {
          i++;
          if (i >= n || !(isIdentStart(src.charCodeAt(i)) || isUpper(src.charCodeAt(i)))) {
            let j = i;
            while (j < n && isWordChar(src.charCodeAt(j))) j++;
            failAt(src, start, j - start, `invalid feature name '${clip(src.slice(start, j))}': each part after a '.' must start with a letter or _`);
          }
          continue;
        }
        break;
      }
      const text = src.slice(start, i);
      if (text !== text.toLowerCase()) {
        const lower = clip(text.toLowerCase());
        const hint = KEYWORDS.has(lower) ? `keywords are lowercase: write '${lower}'` : `feature names are lowercase: write '${lower}'`;
        failAt(src, start, i - start, `unexpected '${clip(text)}': ${hint}`);
      }
      tokens.push({ kind: KEYWORDS.has(text) ? 'keyword' : 'path', text, pos: start, len: i - start });
      continue;
    }
    // operators
    const two = src.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      tokens.push({ kind: 'op', text: two, pos: start, len: 2 });
      i += 2;
      continue;
    }
    const one = src[i];
    if (ONE_CHAR_OPS.has(one)) {
      tokens.push({ kind: 'op', text: one, pos: start, len: 1 });
      i++;
      continue;
    }
    if (one === '.' && isDigit(src.charCodeAt(i + 1))) failAt(src, start, 1, "unexpected '.': write a leading zero, e.g. 0.5");
    if (one === '=') failAt(src, start, 1, "unexpected '=': use '==' to compare");
    if (one === '&') failAt(src, start, 1, "unexpected '&': use 'and' (or '&&')");
    if (one === '|') failAt(src, start, 1, "unexpected '|': use 'or' (or '||')");
    const cp = src.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const shown = cp < 32 || cp === 127 ? `\\u${cp.toString(16).padStart(4, '0')}` : ch;
    failAt(src, start, ch.length, `unexpected character '${shown}'`);
  }
  tokens.push({ kind: 'eof', text: '', pos: n, len: 0 });
  return tokens;
}
