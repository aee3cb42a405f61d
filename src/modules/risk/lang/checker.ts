// Static checks of a parsed rule against the feature schema: every feature is known, every operator and
// function gets operands of the right type, and the rule as a whole is a condition (boolean).
import { clip, failAt } from './errors.ts';
import type { Node } from './parser.ts';
import type { FeatureType, Schema } from './types.ts';

/** Types inside the language: the schema's, plus list literals of numbers/booleans and the empty list. */
export type LangType = FeatureType | 'number[]' | 'boolean[]' | 'empty[]';
export type Types = Map<Node, LangType>;

const FEATURE_TYPES = new Set<string>(['number', 'string', 'boolean', 'string[]']);
const PATH_RE = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$/;

export const FUNCTIONS = ['is_missing', 'lower', 'starts_with', 'ends_with', 'contains', 'len', 'abs', 'min', 'max'] as const;
const FUNCTION_SET = new Set<string>(FUNCTIONS);
const NULL_WORDS = new Set(['null', 'nil', 'none', 'undefined', 'missing', 'nan']);

const TYPE_NAME: Record<LangType, string> = {
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  'string[]': 'a list of strings',
  'number[]': 'a list of numbers',
  'boolean[]': 'a list of booleans',
  'empty[]': 'an empty list',
};

export const isList = (t: LangType) => t.endsWith('[]');
const elementOf = (t: LangType): LangType | undefined => (t === 'empty[]' ? undefined : (t.slice(0, -2) as LangType));

/** A schema is trusted code, not user input: a bad one is a programming error (TypeError). */
export function validateSchema(schema: Schema): void {
  if (schema === null || typeof schema !== 'object') throw new TypeError('schema must be an object of feature path -> type');
  for (const key of Object.keys(schema)) {
    if (!PATH_RE.test(key)) throw new TypeError(`schema: invalid feature path '${key}'`);
    const t = schema[key];
    if (!FEATURE_TYPES.has(t)) throw new TypeError(`schema: feature '${key}' has invalid type '${String(t)}' (number, string, boolean or string[])`);
  }
}

/** Type of a known feature, reading only the schema's own properties (never Object.prototype). */
export function featureType(schema: Schema, path: string): FeatureType | undefined {
  return Object.prototype.hasOwnProperty.call(schema, path) ? schema[path] : undefined;
}

export function check(src: string, root: Node, schema: Schema): Types {
  const types: Types = new Map();
  const text = (n: Node) => clip(src.slice(n.pos, n.pos + n.len));
  const what = (n: Node, t: LangType) => `${text(n)} is ${TYPE_NAME[t]}`;
  const fail = (n: { pos: number; len: number }, message: string): never => failAt(src, n.pos, n.len, message);

  function expect(n: Node, want: LangType, context: string): void {
    const t = type(n);
    if (t !== want) fail(n, `${context}, but ${what(n, t)}`);
  }

  function type(n: Node): LangType {
    const t = infer(n);
    types.set(n, t);
    return t;
  }

  function infer(n: Node): LangType {
    switch (n.k) {
      case 'num':
        return 'number';
      case 'str':
        return 'string';
      case 'bool':
        return 'boolean';
      case 'list': {
        if (n.items.length === 0) return 'empty[]';
        const first = type(n.items[0]);
        for (const item of n.items) {
          const t = type(item);
          if (t !== first) fail(item, `list items must all have the same type: the list starts with ${TYPE_NAME[first]}, but ${what(item, t)}`);
        }
        return `${first}[]` as LangType;
      }
      case 'path': {
        const t = featureType(schema, n.path);
        if (t) return t;
        if (FUNCTION_SET.has(n.path)) fail(n, `${n.path} is a function: call it as ${n.path}(...)`);
        if (NULL_WORDS.has(n.path)) fail(n, `unknown feature ${n.path} — there is no null value: use is_missing(feature) to test for a missing feature`);
        return fail(n, `unknown feature ${clip(n.path)}${didYouMean(n.path, Object.keys(schema))}`);
      }
      case 'neg':
        expect(n.arg, 'number', `unary '-' needs a number`);
        return 'number';
      case 'not':
        expect(n.arg, 'boolean', `'not' needs a condition (true/false)`);
        return 'boolean';
      case 'and':
      case 'or':
        for (const a of n.args) expect(a, 'boolean', `'${n.k}' combines conditions (true/false)`);
        return 'boolean';
      case 'arith': {
        const opName = { '+': 'addition', '-': 'subtraction', '*': 'multiplication', '/': 'division' }[n.op];
        expect(n.left, 'number', `'${n.op}' (${opName}) needs numbers`);
        expect(n.right, 'number', `'${n.op}' (${opName}) needs numbers`);
        return 'number';
      }
      case 'cmp': {
        const lt = type(n.left);
        const rt = type(n.right);
        if (n.op === '==' || n.op === '!=') {
          if (isList(lt) || isList(rt)) {
            const side = isList(lt) ? n.left : n.right;
            fail(side, `'${n.op}' compares single values, but ${what(side, isList(lt) ? lt : rt)}: use 'in', 'not in' or len()`);
          }
          if (lt !== rt) fail({ pos: n.opPos, len: n.opLen }, `cannot compare ${TYPE_NAME[lt]} with ${TYPE_NAME[rt]}: ${what(n.left, lt)} and ${what(n.right, rt)}`);
          return 'boolean';
        }
        if (lt !== 'number') fail(n.left, `'${n.op}' compares numbers, but ${what(n.left, lt)}`);
        if (rt !== 'number') fail(n.right, `'${n.op}' compares numbers, but ${what(n.right, rt)}`);
        return 'boolean';
      }
      case 'in': {
        const op = n.negated ? 'not in' : 'in';
        const lt = type(n.left);
        const rt = type(n.right);
        if (isList(lt)) fail(n.left, `the left side of '${op}' must be a single value, but ${what(n.left, lt)}`);
        if (!isList(rt)) {
          const hint = rt === 'string' && lt === 'string' ? ': to search inside a string use contains(s, sub)' : ' (a list literal like ["a", "b"] or a list feature)';
          fail(n.right, `'${op}' needs a list on the right, but ${what(n.right, rt)}${hint}`);
        }
        const el = elementOf(rt);
        if (el !== undefined && el !== lt) {
          fail({ pos: n.opPos, len: n.opLen }, `cannot look for ${TYPE_NAME[lt]} in ${TYPE_NAME[rt]}: ${what(n.left, lt)} and ${what(n.right, rt)}`);
        }
        return 'boolean';
      }
      case 'call':
        return call(n);
    }
  }

  function call(n: Extract<Node, { k: 'call' }>): LangType {
    const name = { pos: n.opPos, len: n.opLen };
    if (!FUNCTION_SET.has(n.name)) {
      if (featureType(schema, n.name)) fail(name, `${clip(n.name)} is a feature, not a function`);
      fail(name, `unknown function ${clip(n.name)}()${didYouMean(n.name, FUNCTIONS)}`);
    }
    const arity = (min: number, max: number, usage: string) => {
      if (n.args.length < min || n.args.length > max) {
        const count = min === max ? `${min} argument${min === 1 ? '' : 's'}` : max === Infinity ? `at least ${min} arguments` : `${min} to ${max} arguments`;
        fail(n, `${n.name}() takes ${count}, got ${n.args.length}: ${usage}`);
      }
    };
    const arg = (i: number, want: LangType) => expect(n.args[i], want, `argument ${i + 1} of ${n.name}() must be ${TYPE_NAME[want]}`);
    switch (n.name) {
      case 'is_missing': {
        arity(1, 1, 'is_missing(feature)');
        const a = n.args[0];
        if (a.k !== 'path') fail(a, `is_missing() takes a feature name, e.g. is_missing(device.id), not ${text(a)}`);
        type(a);
        return 'boolean';
      }
      case 'lower':
        arity(1, 1, 'lower(string)');
        arg(0, 'string');
        return 'string';
      case 'starts_with':
      case 'ends_with':
        arity(2, 2, `${n.name}(string, ${n.name === 'starts_with' ? 'prefix' : 'suffix'})`);
        arg(0, 'string');
        arg(1, 'string');
        return 'boolean';
      case 'contains': {
        arity(2, 2, 'contains(string, substring) or contains(list of strings, string)');
        const t = type(n.args[0]);
        if (t !== 'string' && t !== 'string[]' && t !== 'empty[]') fail(n.args[0], `argument 1 of contains() must be a string or a list of strings, but ${what(n.args[0], t)}`);
        arg(1, 'string');
        return 'boolean';
      }
      case 'len': {
        arity(1, 1, 'len(string or list)');
        const t = type(n.args[0]);
        if (t !== 'string' && !isList(t)) fail(n.args[0], `argument 1 of len() must be a string or a list, but ${what(n.args[0], t)}`);
        return 'number';
      }
      case 'abs':
        arity(1, 1, 'abs(number)');
        arg(0, 'number');
        return 'number';
      default: // min, max
        arity(2, Infinity, `${n.name}(a, b, ...)`);
        n.args.forEach((_, i) => arg(i, 'number'));
        return 'number';
    }
  }

  const t = type(root);
  if (t !== 'boolean') fail(root, `a rule must be a condition (true/false), but ${what(root, t)}`);
  return types;
}

/** " — did you mean a or b?" for up to 3 close names, or "" when nothing is close. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 4)));
  const scored: { c: string; d: number }[] = [];
  for (const c of candidates) {
    let d = distance(name, c, limit);
    // `card.count_1h` for `velocity.card.count_1h`: a suffix made of whole segments is close too.
    if (d > limit && (c.endsWith(`.${name}`) || name.endsWith(`.${c}`))) d = limit;
    if (d <= limit) scored.push({ c, d });
  }
  if (scored.length === 0) return '';
  // Only the closest: `count_1h` for `crad.count_1h`, not also `count_24h` one edit further.
  const best = Math.min(...scored.map((s) => s.d));
  const names = scored.filter((s) => s.d === best).map((s) => s.c).sort().slice(0, 3);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  return ` — did you mean ${list}?`;
}

/** Optimal-string-alignment distance (a transposition counts as one edit), cut off above `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const m = a.length;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n];
}
