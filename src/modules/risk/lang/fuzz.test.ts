// Randomised tests. (1) Random token soup never makes compile throw anything but RuleCompileError, never
// hangs, and every error location lies inside the source. (2) Random well-typed rules, printed with the
// fewest parentheses the precedence table allows, evaluate exactly like a naive reference interpreter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, MISSING, RuleCompileError, type CompiledRule, type Schema } from './index.ts';
import { locate } from './errors.ts';
import { schema } from './testing.ts';

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick, chance: (p: number) => next() < p };
}

const VOCAB = [
  ...Object.keys(schema), 'is_missing', 'lower', 'starts_with', 'ends_with', 'contains', 'len', 'abs', 'min', 'max',
  'and', 'or', 'not', 'in', 'true', 'false', '&&', '||', '!', '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/',
  '(', ')', '[', ']', ',', '0', '1', '2.5', '99999999999999999999', '"x"', "'y'", '"a\\"b"', '"\\u00e9"', '"', "'", '\\',
  '=', '&', '|', '.', '..', 'a.', '.b', '1.', '1a', 'AND', 'Amount', 'constructor', '__proto__', 'null', 'zzz', '@', '#', '$', 'é', '🚀',
  '\u0000', '\n', '\r\n', '\t', '"\n"', '{', '}', ';', ':', '?', '`', '~', '^', '%', '(((', ')))', '[[', ']]',
];

const OPERANDS = ['p', 'q', 'a', 'b', 's', 'list', 'true', '0', '2.5', '"x"', '["x", "y"]', '[1, -2]', '(a > 1)', 'len(s)', 'is_missing(a)', 'lower(s)', 'min(a, b)', '(p or q)'];
const OPERATORS = ['and', 'or', '&&', '||', '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', 'in', 'not in'];

function assertGoodError(src: string, e: unknown): void {
  if (!(e instanceof RuleCompileError)) throw new assert.AssertionError({ message: `non-RuleCompileError for ${JSON.stringify(src)}: ${String(e)}` });
  assert.ok(e.position >= 0 && e.position <= src.length, `position in range for ${JSON.stringify(src)}`);
  assert.ok(e.length >= 0 && e.position + e.length <= src.length, `length in range for ${JSON.stringify(src)}`);
  assert.deepEqual({ line: e.line, column: e.column }, locate(src, e.position));
  assert.ok(e.message.length > 0 && e.message.length < 300, `message too long: ${e.message}`);
}

function randomInput(rnd: ReturnType<typeof prng>, sch: Schema): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [path, type] of Object.entries(sch)) {
    if (rnd.chance(0.2)) continue; // absent
    if (rnd.chance(0.04)) {
      input[path] = rnd.pick([null, '1', 1, true, Number.NaN, ['x', 1], {}]); // null or wrongly typed
      continue;
    }
    input[path] =
      type === 'number' ? rnd.pick([-2, -1, 0, 0, 1, 2, 3, 0.5, 1e300])
      : type === 'string' ? rnd.pick(['a', 'b', 'ab', 'A', '', 'ba'])
      : type === 'boolean' ? rnd.chance(0.5)
      : ['a', 'b', 'c'].filter(() => rnd.chance(0.4));
  }
  return input;
}

test('fuzz: random token strings only ever raise RuleCompileError, quickly', () => {
  const rnd = prng(0xc0ffee);
  const started = performance.now();
  let compiled = 0;
  let slowest = 0;
  for (let n = 0; n < 6000; n++) {
    const count = 1 + rnd.int(n % 10 === 0 ? 200 : 16);
    let src = '';
    for (let i = 0; i < count; i++) src += rnd.pick(VOCAB) + (rnd.chance(0.6) ? ' ' : rnd.chance(0.5) ? '' : rnd.pick(['\n', '  ', '\t']));
    if (n % 7 === 0) src = Array.from({ length: rnd.int(60) }, () => String.fromCharCode(rnd.int(128))).join('');
    if (n % 3 === 1) {
      // Nearly-valid shape: operand (operator operand)*, with the odd token swapped for anything.
      const part = (xs: readonly string[]) => (rnd.chance(0.05) ? rnd.pick(VOCAB) : rnd.pick(xs));
      src = part(OPERANDS);
      for (let i = rnd.int(6); i > 0; i--) src += ` ${part(OPERATORS)} ${rnd.chance(0.2) ? part(['not ', '!', '-', '']) : ''}${part(OPERANDS)}`;
    }
    const t0 = performance.now();
    try {
      const rule = compile(src, schema);
      compiled++;
      for (let k = 0; k < 3; k++) {
        const input = randomInput(rnd, schema);
        const ev = rule.evaluate(input);
        assert.ok(ev.result === true || ev.result === false || ev.result === MISSING);
        for (const p of ev.missing) assert.ok(rule.references.includes(p));
      }
    } catch (e) {
      assertGoodError(src, e);
    }
    slowest = Math.max(slowest, performance.now() - t0);
  }
  // Pathological shapes right at the limits.
  for (const src of ['('.repeat(2000), '['.repeat(2000), 'not '.repeat(500), '-'.repeat(2000), '"'.repeat(2000), 'a'.repeat(2000),
    `a in [${'1,'.repeat(999)}`, 'a + '.repeat(499) + 'a', 'p or '.repeat(399) + 'p', '\\'.repeat(2000), 'a.'.repeat(1000)]) {
    const t0 = performance.now();
    try {
      compile(src, schema);
    } catch (e) {
      assertGoodError(src, e);
    }
    slowest = Math.max(slowest, performance.now() - t0);
  }
  assert.ok(compiled > 100, `some random strings should compile (got ${compiled})`);
  assert.ok(slowest < 200, `slowest compile took ${slowest.toFixed(1)} ms`);
  assert.ok(performance.now() - started < 20_000);
});

// ---- differential test ------------------------------------------------------------------------------

type Ty = 'number' | 'string' | 'boolean';
type E =
  | { k: 'lit'; v: number | string | boolean }
  | { k: 'path'; p: string }
  | { k: 'list'; items: (number | string)[] }
  | { k: 'not' | 'neg'; a: E }
  | { k: 'and' | 'or'; a: E; b: E }
  | { k: 'bin'; op: string; a: E; b: E }
  | { k: 'in'; neg: boolean; a: E; b: E }
  | { k: 'call'; f: string; args: E[] };

const NUMS = ['a', 'b', 'c', 'amount.usd'];
const STRS = ['s', 't', 'ip.country'];
const BOOLS = ['p', 'q', 'r'];
const LISTS = ['list', 'user.tags'];

function gen(rnd: ReturnType<typeof prng>, ty: Ty, depth: number): E {
  const leaf = depth <= 0 || rnd.chance(0.25);
  if (ty === 'number') {
    if (leaf) return rnd.chance(0.6) ? { k: 'path', p: rnd.pick(NUMS) } : { k: 'lit', v: rnd.pick([0, 1, 2, 3, 0.5, 10]) };
    switch (rnd.int(6)) {
      case 0: return { k: 'neg', a: gen(rnd, 'number', depth - 1) };
      case 1: return { k: 'bin', op: '/', a: gen(rnd, 'number', depth - 1), b: { k: 'path', p: rnd.pick(NUMS) } }; // never a constant divisor
      case 2: return rnd.chance(0.5) ? { k: 'call', f: 'abs', args: [gen(rnd, 'number', depth - 1)] } : { k: 'call', f: 'len', args: [gen(rnd, 'string', depth - 1)] };
      case 3: return { k: 'call', f: rnd.pick(['min', 'max']), args: Array.from({ length: 2 + rnd.int(2) }, () => gen(rnd, 'number', depth - 1)) };
      default: return { k: 'bin', op: rnd.pick(['+', '-', '*']), a: gen(rnd, 'number', depth - 1), b: gen(rnd, 'number', depth - 1) };
    }
  }
  if (ty === 'string') {
    if (leaf) return rnd.chance(0.6) ? { k: 'path', p: rnd.pick(STRS) } : { k: 'lit', v: rnd.pick(['a', 'b', 'ab', 'A', '']) };
    return { k: 'call', f: 'lower', args: [gen(rnd, 'string', depth - 1)] };
  }
  if (leaf) return rnd.chance(0.85) ? { k: 'path', p: rnd.pick(BOOLS) } : { k: 'lit', v: rnd.chance(0.5) };
  switch (rnd.int(9)) {
    case 0: return { k: 'not', a: gen(rnd, 'boolean', depth - 1) };
    case 1: case 2: return { k: rnd.pick(['and', 'or'] as const), a: gen(rnd, 'boolean', depth - 1), b: gen(rnd, 'boolean', depth - 1) };
    case 3: return { k: 'bin', op: rnd.pick(['==', '!=', '<', '<=', '>', '>=']), a: gen(rnd, 'number', depth - 1), b: gen(rnd, 'number', depth - 1) };
    case 4: {
      const t = rnd.pick(['string', 'boolean'] as const);
      return { k: 'bin', op: rnd.pick(['==', '!=']), a: gen(rnd, t, depth - 1), b: gen(rnd, t, depth - 1) };
    }
    case 5:
      return rnd.chance(0.5)
        ? { k: 'in', neg: rnd.chance(0.5), a: gen(rnd, 'string', depth - 1), b: rnd.chance(0.5) ? { k: 'path', p: rnd.pick(LISTS) } : { k: 'list', items: ['a', 'b', 'c'].filter(() => rnd.chance(0.5)) } }
        : { k: 'in', neg: rnd.chance(0.5), a: gen(rnd, 'number', depth - 1), b: { k: 'list', items: [0, 1, -2, 0.5].filter(() => rnd.chance(0.5)) } };
    case 6: return { k: 'call', f: 'is_missing', args: [{ k: 'path', p: rnd.pick([...NUMS, ...STRS, ...BOOLS, ...LISTS]) }] };
    case 7: return { k: 'call', f: rnd.pick(['starts_with', 'ends_with', 'contains']), args: [gen(rnd, 'string', depth - 1), gen(rnd, 'string', depth - 1)] };
    default: return { k: 'call', f: 'contains', args: [{ k: 'path', p: rnd.pick(LISTS) }, gen(rnd, 'string', depth - 1)] };
  }
}

/** Precedence level of a node's top operator (higher binds tighter). */
function level(e: E): number {
  switch (e.k) {
    case 'or': return 1;
    case 'and': return 2;
    case 'not': return 3;
    case 'in': return 4;
    case 'bin': return ['==', '!=', '<', '<=', '>', '>='].includes(e.op) ? 4 : e.op === '+' || e.op === '-' ? 5 : 6;
    case 'neg': return 7;
    default: return 8;
  }
}

function print(rnd: ReturnType<typeof prng>, e: E): string {
  const sp = () => (rnd.chance(0.1) ? rnd.pick(['\n  ', '\t', '  ']) : ' ');
  const wrap = (child: E, needParens: boolean) => (needParens || rnd.chance(0.05) ? `(${print(rnd, child)})` : print(rnd, child));
  const lit = (v: number | string | boolean) => (typeof v === 'string' ? (rnd.chance(0.5) ? JSON.stringify(v) : `'${v}'`) : String(v));
  switch (e.k) {
    case 'lit': return lit(e.v);
    case 'path': return e.p;
    case 'list': return `[${e.items.map((v) => (typeof v === 'number' && v < 0 ? `-${-v}` : lit(v))).join(`,${sp()}`)}]`;
    case 'not': return `${rnd.chance(0.3) ? '!' : 'not '}${wrap(e.a, level(e.a) < 3)}`;
    case 'neg': return `-${wrap(e.a, level(e.a) < 7)}`;
    case 'and': case 'or': {
      const L = level(e);
      const word = e.k === 'and' ? (rnd.chance(0.3) ? '&&' : 'and') : rnd.chance(0.3) ? '||' : 'or';
      return `${wrap(e.a, level(e.a) < L)}${sp()}${word}${sp()}${wrap(e.b, level(e.b) <= L)}`;
    }
    case 'bin': {
      const L = level(e);
      const cmp = L === 4;
      return `${wrap(e.a, cmp ? level(e.a) <= L : level(e.a) < L)}${sp()}${e.op}${sp()}${wrap(e.b, level(e.b) <= L)}`;
    }
    case 'in': return `${wrap(e.a, level(e.a) <= 4)}${sp()}${e.neg ? 'not in' : 'in'}${sp()}${wrap(e.b, false)}`;
    case 'call': return `${e.f}(${e.args.map((a) => print(rnd, a)).join(`,${sp()}`)})`;
  }
}

/** The reference: a direct, slow, obviously-correct reading of the spec. */
function reference(e: E, input: Record<string, unknown>): unknown {
  const M = MISSING;
  const typeOk = (p: string, v: unknown) => {
    const t = schema[p];
    if (t === 'number') return typeof v === 'number' && Number.isFinite(v);
    if (t === 'string') return typeof v === 'string';
    if (t === 'boolean') return typeof v === 'boolean';
    return Array.isArray(v) && v.every((x) => typeof x === 'string');
  };
  const ev = (x: E): unknown => reference(x, input);
  const num = (v: number) => (Number.isFinite(v) ? v : M);
  switch (e.k) {
    case 'lit': return e.v;
    case 'list': return e.items;
    case 'path': return Object.hasOwn(input, e.p) && typeOk(e.p, input[e.p]) ? input[e.p] : M;
    case 'not': { const a = ev(e.a); return a === M ? M : !a; }
    case 'neg': { const a = ev(e.a); return a === M ? M : -(a as number); }
    case 'and': { const a = ev(e.a), b = ev(e.b); return a === false || b === false ? false : a === M || b === M ? M : true; }
    case 'or': { const a = ev(e.a), b = ev(e.b); return a === true || b === true ? true : a === M || b === M ? M : false; }
    case 'bin': {
      const x = ev(e.a), y = ev(e.b);
      if (x === M || y === M) return M;
      const a = x as number, b = y as number;
      switch (e.op) {
        case '+': return num(a + b);
        case '-': return num(a - b);
        case '*': return num(a * b);
        case '/': return b === 0 ? M : num(a / b);
        case '==': return a === b;
        case '!=': return a !== b;
        case '<': return a < b;
        case '<=': return a <= b;
        case '>': return a > b;
        default: return a >= b;
      }
    }
    case 'in': {
      const a = ev(e.a), b = ev(e.b);
      if (a === M || b === M) return M;
      return (b as unknown[]).includes(a) !== e.neg;
    }
    case 'call': {
      if (e.f === 'is_missing') return ev(e.args[0]) === M;
      const args = e.args.map(ev);
      if (args.includes(M)) return M;
      const [a, b] = args as [never, never];
      switch (e.f) {
        case 'lower': return (a as string).toLowerCase();
        case 'starts_with': return (a as string).startsWith(b);
        case 'ends_with': return (a as string).endsWith(b);
        case 'contains': return (a as string | string[]).includes(b);
        case 'len': return (a as string).length;
        case 'abs': return Math.abs(a);
        case 'min': return Math.min(...(args as number[]));
        default: return Math.max(...(args as number[]));
      }
    }
  }
}

test('differential: random well-typed rules agree with a reference interpreter', () => {
  const rnd = prng(42);
  let checked = 0;
  const results = { true: 0, false: 0, missing: 0 };
  for (let n = 0; n < 3000; n++) {
    const tree = gen(rnd, 'boolean', 1 + rnd.int(5));
    const src = print(rnd, tree);
    if (src.length > 2000) continue;
    let rule: CompiledRule;
    try {
      rule = compile(src, schema);
    } catch (e) {
      assert.fail(`${JSON.stringify(src)} should compile: ${(e as Error).message}`);
    }
    for (let k = 0; k < 6; k++) {
      const input = randomInput(rnd, schema);
      const want = reference(tree, input);
      const got = rule.evaluate(input);
      assert.equal(got.result, want, `${src}\ninput: ${JSON.stringify(input)}`);
      if (got.result === MISSING) {
        assert.ok(got.missing.length + got.reasons.length > 0, `a MISSING result says why: ${src}`);
        for (const p of got.missing) {
          assert.ok(rule.references.includes(p));
          assert.equal(reference({ k: 'path', p }, input), MISSING, `${p} is reported missing but is usable: ${src}`);
        }
        results.missing++;
      } else results[got.result ? 'true' : 'false']++;
      checked++;
    }
  }
  assert.ok(checked > 15_000);
  // The generator exercises all three outcomes substantially.
  assert.ok(results.true > 1000 && results.false > 1000 && results.missing > 1000, JSON.stringify(results));
});
