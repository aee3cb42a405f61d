// What expressions mean: precedence, three-valued logic, membership, functions, arithmetic, missing values,
// runtime type problems, constant folding, references, and that evaluation never reaches Object.prototype.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, MISSING, type Schema } from './index.ts';
import { evaluate, run, schema } from './testing.ts';

const M: typeof MISSING = MISSING;
type TV = true | false | typeof MISSING;
const TVS: TV[] = [true, false, M];
/** Input where a boolean feature is set to a truth value; MISSING means absent. */
const tv = (entries: Record<string, TV>) => Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== M));
const kleeneAnd = (x: TV, y: TV): TV => (x === false || y === false ? false : x === true && y === true ? true : M);
const kleeneOr = (x: TV, y: TV): TV => (x === true || y === true ? true : x === false && y === false ? false : M);
const kleeneNot = (x: TV): TV => (x === M ? M : !x);

test('precedence: or < and < not < comparison < + - < * / < unary minus', () => {
  // or binds looser than and: a or (b and c)
  assert.equal(run('p or q and r', { p: true, q: false, r: false }), true);
  assert.equal(run('(p or q) and r', { p: true, q: false, r: false }), false);
  assert.equal(run('p and q or r', { p: false, q: true, r: true }), true);
  // not binds tighter than and: (not p) and q
  assert.equal(run('not p and q', { p: false, q: false }), false);
  assert.equal(run('not (p and q)', { p: false, q: false }), true);
  // not binds looser than comparison: not (a == 1)
  assert.equal(run('not a == 1', { a: 1 }), false);
  assert.equal(run('not a == 1', { a: 2 }), true);
  assert.equal(run('not a > 1 and b > 1', { a: 0, b: 2 }), true);
  // comparison binds looser than arithmetic
  assert.equal(run('a + 1 > b * 2', { a: 4, b: 2 }), true);
  assert.equal(run('a + b * c == 7', { a: 1, b: 2, c: 3 }), true);
  assert.equal(run('(a + b) * c == 9', { a: 1, b: 2, c: 3 }), true);
  assert.equal(run('a - b / c == 1', { a: 2, b: 3, c: 3 }), true);
  // == binds tighter than or: (p == q) or r
  assert.equal(run('p == q or r', { p: false, q: false, r: true }), true);
  assert.equal(run('p == (q or r)', { p: false, q: false, r: true }), false);
  // in binds tighter than and/not
  assert.equal(run('s in ["x"] and p', { s: 'x', p: true }), true);
  assert.equal(run('not s in ["x"]', { s: 'x' }), false);
  assert.equal(run('not s in ["x"]', { s: 'y' }), true);
  // unary minus binds tightest: (-a) - b, (-a) * b
  assert.equal(run('-a - b == -3', { a: 1, b: 2 }), true);
  assert.equal(run('-(a - b) == 1', { a: 1, b: 2 }), true);
  assert.equal(run('-a * b == -6', { a: 2, b: 3 }), true);
  assert.equal(run('- -a == a', { a: 4 }), true);
  assert.equal(run('a - -b == 5', { a: 2, b: 3 }), true);
});

test('associativity: arithmetic is left-associative; and/or chains; comparisons do not chain', () => {
  assert.equal(run('a - b - c == 3', { a: 10, b: 4, c: 3 }), true, '(10 - 4) - 3');
  assert.equal(run('a / b / c == 3', { a: 24, b: 4, c: 2 }), true, '(24 / 4) / 2');
  assert.equal(run('a - b + c == 9', { a: 10, b: 4, c: 3 }), true, '(10 - 4) + 3');
  assert.equal(run('a / b * c == 12', { a: 8, b: 2, c: 3 }), true, '(8 / 2) * 3');
  assert.equal(run('10 - 4 - 3 == 3'), true, 'constant-folded the same way');
  assert.throws(() => compile('a < b < c', schema), /cannot be chained/);
  assert.throws(() => compile('a == b == c', schema), /cannot be chained/);
});

test('&&, || and ! are aliases of and, or, not', () => {
  for (const p of TVS) {
    for (const q of TVS) {
      const input = tv({ p, q });
      assert.equal(run('p && q', input), run('p and q', input));
      assert.equal(run('p || q', input), run('p or q', input));
      assert.equal(run('!p && q', input), run('not p and q', input));
      assert.equal(run('!(p || q)', input), run('not (p or q)', input));
    }
  }
  assert.equal(run('!p', { p: false }), true);
  assert.equal(run('a != 1', { a: 2 }), true, '!= is not "!" then "="');
});

test('three-valued logic: and, or, not truth tables', () => {
  for (const p of TVS) {
    assert.equal(run('not p', tv({ p })), kleeneNot(p), `not ${String(p)}`);
    assert.equal(run('not not p', tv({ p })), p, `not not ${String(p)}`);
    for (const q of TVS) {
      const input = tv({ p, q });
      assert.equal(run('p and q', input), kleeneAnd(p, q), `${String(p)} and ${String(q)}`);
      assert.equal(run('p or q', input), kleeneOr(p, q), `${String(p)} or ${String(q)}`);
      for (const r of TVS) {
        const input3 = tv({ p, q, r });
        const label = `${String(p)}, ${String(q)}, ${String(r)}`;
        assert.equal(run('p and q and r', input3), kleeneAnd(kleeneAnd(p, q), r), `and3 ${label}`);
        assert.equal(run('p or q or r', input3), kleeneOr(kleeneOr(p, q), r), `or3 ${label}`);
        assert.equal(run('p or q and r', input3), kleeneOr(p, kleeneAnd(q, r)), `or-and ${label}`);
        assert.equal(run('not (p and q) or r', input3), kleeneOr(kleeneNot(kleeneAnd(p, q)), r), `nand-or ${label}`);
      }
    }
  }
});

test('the missing features that made a result MISSING are reported exactly', () => {
  // q absorbed p's absence (p or true = true); r is what is missing
  assert.deepEqual(evaluate('(p or q) and r', { q: true }).missing, ['r']);
  assert.deepEqual(evaluate('(p or q) and r', {}).missing, ['p', 'q', 'r']);
  assert.deepEqual(evaluate('a > 1 or a < 0', {}).missing, ['a'], 'each path once');
  assert.deepEqual(evaluate('b > 1 and a > 1 and b < 5', {}).missing, ['b', 'a'], 'source order');
  assert.deepEqual(evaluate('not is_missing(s) or a > 1', { s: 'x' }).missing, []);
  assert.deepEqual(evaluate('p and q', { p: true, q: false }), { result: false, missing: [], reasons: [] });
  assert.deepEqual(evaluate('a + b > c', { b: 1, c: 1 }).missing, ['a']);
  assert.deepEqual(evaluate('min(a, b, c) > 0', { b: 1 }).missing, ['a', 'c']);
});

test('comparisons, arithmetic and functions of MISSING are MISSING; is_missing is not', () => {
  const missingA = ['a == 1', 'a != 1', 'a < 1', 'a <= 1', 'a > 1', 'a >= 1', 'a + 1 > 0', 'a - 1 > 0', 'a * 2 > 0', 'a / 2 > 0', '-a > 0',
    'abs(a) > 0', 'min(a, 1) > 0', 'max(1, a) > 0', 'a in [1, 2]', 'a not in [1, 2]', 'a == a', 'a != a'];
  for (const src of missingA) assert.deepEqual(evaluate(src, {}), { result: M, missing: ['a'], reasons: [] }, src);
  const missingS = ['lower(s) == "x"', 'starts_with(s, "x")', 'ends_with(s, "x")', 'contains(s, "x")', 'contains("abc", s)', 'len(s) > 0', 's in list', 's == t'];
  for (const src of missingS) assert.equal(run(src, { list: ['x'], t: 'x' }), M, src);
  assert.equal(run('len(list) > 0'), M);
  assert.equal(run('"x" in list'), M);
  assert.equal(run('is_missing(a)'), true);
  assert.equal(run('is_missing(a)', { a: 0 }), false);
  assert.equal(run('is_missing(a)', { a: null }), true);
  assert.equal(run('is_missing(a)', { a: 'seven' }), true, 'a value of the wrong type is unusable, so missing');
  assert.equal(run('is_missing(list)', { list: [] }), false);
  assert.equal(run('is_missing(a) or a > 5'), true);
});

test('in / not in: list literals and list features', () => {
  assert.equal(run('s in ["a", "b"]', { s: 'b' }), true);
  assert.equal(run('s in ["a", "b"]', { s: 'B' }), false);
  assert.equal(run('s not in ["a", "b"]', { s: 'c' }), true);
  assert.equal(run('s not in ["a", "b"]', { s: 'a' }), false);
  assert.equal(run("s in ['a', \"b\",]", { s: 'b' }), true, 'single quotes, trailing comma');
  assert.equal(run('a in [1, 2.5, -3]', { a: -3 }), true);
  assert.equal(run('a in [1, 2.5, -3]', { a: 2.5 }), true);
  assert.equal(run('a in [1, 2.5, -3]', { a: 3 }), false);
  assert.equal(run('p in [true]', { p: true }), true);
  assert.equal(run('s in []', { s: 'x' }), false);
  assert.equal(run('s not in []', { s: 'x' }), true);
  assert.equal(run('s in []'), M, 'even against an empty list, a missing value is MISSING');
  assert.equal(run('lower(s) in ["gb", "ie"]', { s: 'GB' }), true);
  // list-valued features
  assert.equal(run('"vip" in user.tags', { 'user.tags': ['new', 'vip'] }), true);
  assert.equal(run('"vip" in user.tags', { 'user.tags': [] }), false);
  assert.equal(run('"vip" not in user.tags', { 'user.tags': ['new'] }), true);
  assert.equal(run('s in list', { s: 'x', list: ['y', 'x'] }), true);
  assert.equal(run('s not in list', { s: 'x', list: ['y', 'x'] }), false);
  assert.deepEqual(evaluate('s in list', { s: 'x' }).missing, ['list']);
  assert.deepEqual(evaluate('s in list', {}).missing, ['s', 'list']);
  assert.deepEqual(evaluate('s in list', { s: 'x', list: ['x', 1] }), {
    result: M, missing: ['list'], reasons: ['list: expected a list of strings, got a list containing a non-string'],
  });
  assert.deepEqual(evaluate('s in list', { s: 'x', list: 'x' }).reasons, ['list: expected a list of strings, got string']);
  const big = Array.from({ length: 500 }, (_, i) => i).join(',');
  assert.equal(run(`a in [${big}]`, { a: 499 }), true);
  assert.equal(run(`a in [${big}]`, { a: 500 }), false);
});

test('functions', () => {
  assert.equal(run('lower(s) == "abc"', { s: 'AbC' }), true);
  assert.equal(run('starts_with(s, "curl/")', { s: 'curl/8.1' }), true);
  assert.equal(run('starts_with(s, "curl/")', { s: 'xcurl/' }), false);
  assert.equal(run('ends_with(email.domain, ".ru")', { 'email.domain': 'mail.ru' }), true);
  assert.equal(run('ends_with(email.domain, ".ru")', { 'email.domain': 'ru.com' }), false);
  assert.equal(run('contains(s, "head")', { s: 'HeadlessChrome' }), false, 'case-sensitive');
  assert.equal(run('contains(lower(s), "head")', { s: 'HeadlessChrome' }), true);
  assert.equal(run('contains(s, "")', { s: '' }), true);
  assert.equal(run('contains(list, "x")', { list: ['a', 'x'] }), true, 'contains() also searches a list of strings');
  assert.equal(run('contains(list, "x")', { list: ['xx'] }), false, 'list membership, not substring');
  assert.equal(run('len(s) == 3', { s: 'abc' }), true);
  assert.equal(run('len(list) == 2', { list: ['a', 'b'] }), true);
  assert.equal(run('len(list) == 0', { list: [] }), true);
  assert.equal(run('len(["a", "b", "c"]) == 3'), true);
  assert.equal(run('abs(a) == 5', { a: -5 }), true);
  assert.equal(run('min(a, b) == 2', { a: 2, b: 3 }), true);
  assert.equal(run('max(a, b) == 3', { a: 2, b: 3 }), true);
  assert.equal(run('min(a, b, c) == -1 and max(a, b, c) == 7', { a: 2, b: -1, c: 7 }), true);
  assert.equal(run('is_missing(device.id)', { 'device.id': 'x' }), false);
});

test('arithmetic: decimals, division by zero and overflow are MISSING with a reason', () => {
  assert.equal(run('a * 100 == b', { a: 12.5, b: 1250 }), true);
  assert.equal(run('a / b > 0.5', { a: 2, b: 3 }), true);
  assert.equal(run('a > 0.25', { a: 0.3 }), true);
  assert.deepEqual(evaluate('a / b > 1', { a: 1, b: 0 }), { result: M, missing: [], reasons: ['division by zero in a / b'] });
  assert.deepEqual(evaluate('a / b > 1 or p', { a: 1, b: 0, p: true }).result, true, 'true or MISSING = true');
  assert.deepEqual(evaluate('a * b > 1', { a: 1e200, b: 1e200 }), { result: M, missing: [], reasons: ['arithmetic overflow in a * b'] });
  assert.deepEqual(evaluate('a / b > 1 and c > 1', { a: 1, b: 0 }), {
    result: M, missing: ['c'], reasons: ['division by zero in a / b'],
  });
});

test('runtime type problems are MISSING with a reason, never an exception', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['a < 5', { a: '3' }, 'a: expected a finite number, got string'],
    ['a < 5', { a: Number.NaN }, 'a: expected a finite number, got NaN'],
    ['a < 5', { a: Infinity }, 'a: expected a finite number, got Infinity'],
    ['a < 5', { a: 3n }, 'a: expected a finite number, got bigint'],
    ['a < 5', { a: {} }, 'a: expected a finite number, got object'],
    ['p', { p: 'true' }, 'p: expected a boolean, got string'],
    ['p', { p: 1 }, 'p: expected a boolean, got 1'],
    ['s == "x"', { s: ['x'] }, 's: expected a string, got a list'],
    ['len(list) > 0', { list: { length: 1 } }, 'list: expected a list of strings, got object'],
  ];
  for (const [src, input, reason] of cases) {
    const path = Object.keys(input)[0];
    assert.deepEqual(evaluate(src, input), { result: M, missing: [path], reasons: [reason] }, src);
  }
  // Not even a broken input object makes evaluate throw.
  const rule = compile('a > 1', schema);
  const hostile = Object.defineProperty({}, 'a', { get() { throw new Error('boom'); }, enumerable: true });
  assert.deepEqual(rule.evaluate(hostile), { result: M, missing: [], reasons: ['evaluation failed: boom'] });
  assert.equal(rule.evaluate(null as never).result, M);
});

test('constant folding keeps the meaning and drops what is never read', () => {
  assert.deepEqual(compile('p or true', schema).references, []);
  assert.equal(run('p or true'), true, 'MISSING or true = true');
  assert.equal(run('false and p'), false);
  assert.deepEqual(compile('p and true', schema).references, ['p']);
  assert.equal(run('p and true'), M);
  assert.equal(run('1 + 2 * 3 == 7 and a > 0', { a: 1 }), true);
  assert.deepEqual(compile('1 + 2 * 3 == 7 and a > 0', schema).references, ['a']);
  assert.equal(run('-(-2) == 2'), true);
  assert.equal(run('len("héllo") == 5 and lower("ABC") == "abc"'), true);
  assert.equal(run('"x" in ["x", "y"]'), true);
  assert.equal(run('2 > a', { a: 1 }), true, 'constant on the left');
  assert.equal(run('true == p', { p: true }), true);
});

test('references: the features a rule reads, in source order, each once', () => {
  assert.deepEqual(compile('a > 1 and (b < 2 or a < 0) and is_missing(s) and "x" in list', schema).references, ['a', 'b', 's', 'list']);
  assert.ok(Object.isFrozen(compile('a > 1', schema).references));
});

test('strings: escapes and quotes', () => {
  assert.equal(run(String.raw`s == "a\"b"`, { s: 'a"b' }), true);
  assert.equal(run(String.raw`s == 'a\'b'`, { s: "a'b" }), true);
  assert.equal(run(String.raw`s == "it's"`, { s: "it's" }), true);
  assert.equal(run(String.raw`s == "back\\slash"`, { s: 'back\\slash' }), true);
  assert.equal(run(String.raw`s == "tab\there\nline"`, { s: 'tab\there\nline' }), true);
  assert.equal(run(String.raw`s == "\u00e9t\u00E9"`, { s: 'été' }), true);
  assert.equal(run('s == "été 🚀"', { s: 'été 🚀' }), true);
});

test('multi-line rules with CRLF and tabs', () => {
  assert.equal(run('a > 1\r\n\tand b > 1\r\n', { a: 2, b: 2 }), true);
});

test('feature names never reach Object.prototype', () => {
  // Not in the schema: unknown features (the schema is read through own properties only).
  for (const src of ['constructor', '__proto__', 'constructor == "x"', 'len(__proto__) > 0', '__proto__.polluted', 'constructor.name == "Object"']) {
    assert.throws(() => compile(src, schema), (e: Error) => e.name === 'RuleCompileError' && /unknown feature/.test(e.message), src);
  }
  for (const src of ['constructor(a)', '__proto__(a)', 'has_own_property(a)']) {
    assert.throws(() => compile(src, schema), /unknown function/, src);
  }
  // A schema that inherits a feature does not declare it.
  const inherited = Object.create({ a: 'number' }) as Schema;
  assert.throws(() => compile('a > 1', inherited), /unknown feature a/);
  // Declared, but absent from the input: MISSING, not Object's constructor function.
  const sch = Object.fromEntries([['constructor', 'string'], ['a', 'number']]) as Schema;
  assert.equal(run('is_missing(constructor)', {}, sch), true);
  assert.equal(run('len(constructor) > 0', {}, sch), M);
  assert.equal(run('constructor == "x"', { constructor: 'x' }, sch), true);
  // Input objects without a prototype work the same.
  assert.equal(run('a > 1', Object.assign(Object.create(null), { a: 2 })), true);
  // Even a polluted Object.prototype is not read.
  const proto = Object.prototype as unknown as Record<string, unknown>;
  proto['amount.usd'] = 1_000_000;
  try {
    assert.deepEqual(evaluate('amount.usd > 100', {}), { result: M, missing: ['amount.usd'], reasons: [] });
    assert.equal(run('is_missing(amount.usd)', {}), true);
  } finally {
    delete proto['amount.usd'];
  }
});

test('the schema itself is validated (a programming error, not a rule error)', () => {
  assert.throws(() => compile('a > 1', { a: 'int' } as unknown as Schema), TypeError);
  assert.throws(() => compile('a > 1', { 'A.b': 'number' } as Schema), TypeError);
  assert.throws(() => compile('a > 1', null as unknown as Schema), TypeError);
});

test('compiled rules are immutable and results are shared, not allocated', () => {
  const rule = compile('a > 1', schema);
  assert.ok(Object.isFrozen(rule));
  const r1 = rule.evaluate({ a: 2 });
  assert.equal(rule.evaluate({ a: 3 }), r1);
  assert.ok(Object.isFrozen(r1) && Object.isFrozen(r1.missing));
  const m = rule.evaluate({});
  assert.ok(Object.isFrozen(m.missing));
});
