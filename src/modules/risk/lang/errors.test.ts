// Every kind of compile error, with the exact position/line/column/length the console underlines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, compile, LIMITS, RuleCompileError } from './index.ts';
import { compileError, schema } from './testing.ts';

const at = (position: number, length: number, message: string | RegExp, line = 1, column = position + 1) => ({ message, position, line, column, length });

test('lexical errors', () => {
  compileError('a > 1 @ b', at(6, 1, "unexpected character '@'"));
  compileError('a > 1 and p\u0000', at(11, 1, "unexpected character '\\u0000'"));
  compileError('a > 1 or 🚀', at(9, 2, "unexpected character '🚀'"));
  compileError('a = 1', at(2, 1, "unexpected '=': use '==' to compare"));
  compileError('p & q', at(2, 1, "unexpected '&': use 'and' (or '&&')"));
  compileError('p | q', at(2, 1, "unexpected '|': use 'or' (or '||')"));
  compileError('s == "abc', at(5, 4, 'unterminated string: missing closing "'));
  compileError("s == 'ab\n' or p", at(5, 3, "unterminated string: missing closing '"));
  compileError('s == "a\\', at(5, 3, 'unterminated string: missing closing "'));
  compileError('s == "a\\qb"', at(7, 2, /^invalid escape '\\q'/));
  compileError('s == "\\u12"', at(6, 5, 'invalid escape: \\u must be followed by 4 hex digits'));
  compileError('a > .5', at(4, 1, "unexpected '.': write a leading zero, e.g. 0.5"));
  compileError('a > 1.', at(4, 2, "invalid number '1.': write digits after the decimal point"));
  compileError('a > 12abc', at(4, 5, "invalid number '12abc'"));
  compileError('a > 1.2.3', at(4, 5, "invalid number '1.2.3'"));
  compileError('a > 99999999999999999999', at(4, 20, 'number 99999999999999999999 is too large to be represented exactly'));
  compileError('Amount.usd > 1', at(0, 10, "unexpected 'Amount.usd': feature names are lowercase: write 'amount.usd'"));
  compileError('a > 1 AND p', at(6, 3, "unexpected 'AND': keywords are lowercase: write 'and'"));
  compileError('amount. usd > 1', at(0, 7, "invalid feature name 'amount.': each part after a '.' must start with a letter or _"));
  compileError('card.1st > 1', at(0, 8, "invalid feature name 'card.1st': each part after a '.' must start with a letter or _"));
});

test('syntax errors', () => {
  compileError('', at(0, 0, 'rule is empty'));
  compileError('  \n ', at(0, 0, 'rule is empty'));
  compileError('a >', at(3, 0, /^expected a value .* but found end of rule$/));
  compileError('a > > 1', at(4, 1, /^expected a value .* but found '>'$/));
  compileError('(a > 1', at(6, 0, "expected ')' to close the '(' at line 1, column 1, but found end of rule"));
  compileError('a > 1)', at(5, 1, "unmatched ')'"));
  compileError('a b', at(2, 1, "expected an operator (and, or, ==, <, in, +, ...) before 'b'"));
  compileError('p q', at(2, 1, /before 'q'/));
  compileError('a < b < c', at(6, 1, "comparisons cannot be chained: combine them with 'and', e.g. a < b and b < c"));
  compileError('a == b in [1]', at(7, 2, /cannot be chained/));
  compileError('s not "x"', at(2, 3, "unexpected 'not' after a value: did you mean 'not in'?"));
  compileError('and p', at(0, 3, "expected a value before 'and'"));
  compileError('p or or q', at(5, 2, "expected a value before 'or'"));
  compileError('s in [t]', at(6, 1, "list items must be literals (numbers, strings, true or false), found 't'"));
  compileError('s in ["a" "b"]', at(10, 3, `expected ',' or ']' in the list opened at line 1, column 6, but found '"b"'`));
  compileError('s in ["a"', at(9, 0, /^expected ',' or '\]'.* but found end of rule$/));
  compileError('s in [', at(6, 0, "expected ']' to close the '[' at line 1, column 6, but found end of rule"));
  compileError('p == not q', at(5, 3, "'not' cannot be used here: put the negated part in parentheses, e.g. a == (not b)"));
  compileError('len(s > 1', at(9, 0, "expected ',' or ')' in the call to len(), but found end of rule"));
  compileError('a > 1 and ()', at(11, 1, /^expected a value .* but found '\)'$/));
});

test('unknown features and functions, with suggestions', () => {
  compileError('velocity.crad.count_1h > 5', at(0, 22, 'unknown feature velocity.crad.count_1h — did you mean velocity.card.count_1h?'));
  compileError('amount.usd > 1 and velocity.card.count_1 > 5', at(19, 21, 'unknown feature velocity.card.count_1 — did you mean velocity.card.count_1h?'));
  compileError('velocity.card.count_2h > 5', at(0, 22, 'unknown feature velocity.card.count_2h — did you mean velocity.card.count_1h or velocity.card.count_24h?'));
  compileError('velocity.card.count > 5', at(0, 19, /did you mean velocity\.card\.count_1h\?$/));
  compileError('card.count_1h > 5', at(0, 13, 'unknown feature card.count_1h — did you mean velocity.card.count_1h?'));
  compileError('zzz > 1', at(0, 3, 'unknown feature zzz'));
  const sch = { 'vel.count_1h': 'number', 'vel.count_1m': 'number', 'vel.count_1d': 'number', 'vel.count_7d': 'number' } as const;
  compileError('vel.count_1x > 1', at(0, 12, 'unknown feature vel.count_1x — did you mean vel.count_1d, vel.count_1h or vel.count_1m?'), sch);
  compileError('device.id == null', at(13, 4, 'unknown feature null — there is no null value: use is_missing(feature) to test for a missing feature'));
  compileError('len > 1', at(0, 3, 'len is a function: call it as len(...)'));
  compileError('lowr(s) == "x"', at(0, 4, 'unknown function lowr() — did you mean lower?'));
  compileError('starts_wth(s, "x")', at(0, 10, 'unknown function starts_wth() — did you mean starts_with?'));
  compileError('sqrt(a) > 1', at(0, 4, 'unknown function sqrt()'));
  compileError('amount.usd(1) > 1', at(0, 10, 'amount.usd is a feature, not a function'));
  compileError('is_missing(devise.id)', at(11, 9, 'unknown feature devise.id — did you mean device.id?'));
});

test('type errors', () => {
  compileError('amount.usd == "x"', at(11, 2, 'cannot compare a number with a string: amount.usd is a number and "x" is a string'));
  compileError('email.disposable > 3', at(0, 16, "'>' compares numbers, but email.disposable is a boolean"));
  compileError('3 <= s', at(5, 1, "'<=' compares numbers, but s is a string"));
  compileError('amount.usd in 5', at(14, 1, `'in' needs a list on the right, but 5 is a number (a list literal like ["a", "b"] or a list feature)`));
  compileError('s in "abc"', at(5, 5, `'in' needs a list on the right, but "abc" is a string: to search inside a string use contains(s, sub)`));
  compileError('list in list', at(0, 4, "the left side of 'in' must be a single value, but list is a list of strings"));
  compileError('a in ["x"]', at(2, 2, 'cannot look for a number in a list of strings: a is a number and ["x"] is a list of strings'));
  compileError('a not in list', at(2, 6, 'cannot look for a number in a list of strings: a is a number and list is a list of strings'));
  compileError('1 and a > 1', at(0, 1, "'and' combines conditions (true/false), but 1 is a number"));
  compileError('p or (a + 1)', at(5, 7, "'or' combines conditions (true/false), but (a + 1) is a number"));
  compileError('not a', at(4, 1, "'not' needs a condition (true/false), but a is a number"));
  compileError('-s == 1', at(1, 1, "unary '-' needs a number, but s is a string"));
  compileError('a + "x" > 1', at(4, 3, `'+' (addition) needs numbers, but "x" is a string`));
  compileError('p * 2 > 1', at(0, 1, "'*' (multiplication) needs numbers, but p is a boolean"));
  compileError('list == list', at(0, 4, "'==' compares single values, but list is a list of strings: use 'in', 'not in' or len()"));
  compileError('a in [1, "2"]', at(9, 3, 'list items must all have the same type: the list starts with a number, but "2" is a string'));
  compileError('a + 1', at(0, 5, 'a rule must be a condition (true/false), but a + 1 is a number'));
  compileError('s', at(0, 1, 'a rule must be a condition (true/false), but s is a string'));
  compileError('lower(a) == "x"', at(6, 1, 'argument 1 of lower() must be a string, but a is a number'));
  compileError('starts_with(s, 1)', at(15, 1, 'argument 2 of starts_with() must be a string, but 1 is a number'));
  compileError('lower() == "x"', at(0, 7, 'lower() takes 1 argument, got 0: lower(string)'));
  compileError('min(a) > 1', at(0, 6, 'min() takes at least 2 arguments, got 1: min(a, b, ...)'));
  compileError('contains(s) ', at(0, 11, /^contains\(\) takes 2 arguments, got 1/));
  compileError('contains(a, "x")', at(9, 1, 'argument 1 of contains() must be a string or a list of strings, but a is a number'));
  compileError('len(a) > 1', at(4, 1, 'argument 1 of len() must be a string or a list, but a is a number'));
  compileError('is_missing(a + 1)', at(11, 5, 'is_missing() takes a feature name, e.g. is_missing(device.id), not a + 1'));
  compileError('is_missing("a")', at(11, 3, /^is_missing\(\) takes a feature name/));
  compileError('a / 0 > 1', at(4, 1, 'division by zero: a / 0 can never be evaluated'));
  compileError('a / (2 - 2) > 1', at(4, 7, 'division by zero: a / (2 - 2) can never be evaluated'));
});

test('multi-line rules report line and column', () => {
  const src = 'velocity.card.count_1h > 5\n  and amount.usd < 2\n  and merchant.mcc == 7995';
  compileError(src, { message: 'cannot compare a string with a number: merchant.mcc is a string and 7995 is a number', position: 67, line: 3, column: 20, length: 2 });
  compileError('a > 1\r\nand zzz > 1', { message: 'unknown feature zzz', position: 11, line: 2, column: 5, length: 3 });
  compileError('(a > 1\n\tand b > 1', { message: /^expected '\)' to close/, position: 17, line: 2, column: 11, length: 0 });
  compileError('a > 1 and\n\n  s == "x\n"', { message: /^unterminated string/, position: 18, line: 3, column: 8, length: 2 });
  compileError('s in [\n  "a",\n  b\n]', { message: /^list items must be literals/, position: 16, line: 3, column: 3, length: 1 });
  compileError('(p\n or q', { message: "expected ')' to close the '(' at line 1, column 1, but found end of rule", position: 8, line: 2, column: 6, length: 0 });
  compileError('s in [\n"a" 1]', { message: "expected ',' or ']' in the list opened at line 1, column 6, but found '1'", position: 11, line: 2, column: 5, length: 1 });
});

test('limits: length, nesting depth, list size', () => {
  assert.deepEqual(LIMITS, { maxSourceLength: 2000, maxDepth: 32, maxListItems: 500 });
  // length
  const longOk = ('p' + ' or p'.repeat(399)).padEnd(2000, ' ');
  assert.equal(longOk.length, 2000);
  assert.equal(compile(longOk, schema).evaluate({ p: true }).result, true);
  const tooLong = longOk + ' ';
  compileError(tooLong, at(2000, 1, 'rule is 2,001 characters long; the limit is 2,000'));
  compileError('p'.repeat(100_000), at(2000, 98_000, 'rule is 100,000 characters long; the limit is 2,000'));
  // depth: parentheses
  assert.equal(compile('('.repeat(32) + 'p' + ')'.repeat(32), schema).evaluate({ p: true }).result, true);
  compileError('('.repeat(33) + 'p' + ')'.repeat(33), at(32, 1, 'rule is nested too deeply (more than 32 levels)'));
  // depth: prefix operators
  assert.equal(compile('not '.repeat(32) + 'p', schema).evaluate({ p: false }).result, false);
  compileError('not '.repeat(33) + 'p', at(128, 3, 'rule is nested too deeply (more than 32 levels)'));
  compileError('!'.repeat(33) + 'p', at(32, 1, /nested too deeply/));
  assert.equal(compile('-'.repeat(32) + 'a == a', schema).evaluate({ a: 1 }).result, true);
  compileError('-'.repeat(33) + 'a == 1', at(32, 1, /nested too deeply/));
  // depth: calls and lists count as levels
  compileError('abs('.repeat(33) + 'a' + ')'.repeat(33) + ' > 1', at(131, 1, /nested too deeply/));
  compileError('('.repeat(32) + 's in ["a"]' + ')'.repeat(32), at(37, 1, /nested too deeply/));
  // list size: 500 items compile, the 501st is refused where it starts
  const items = (n: number) => Array.from({ length: n }, () => '0').join(',');
  assert.equal(compile(`a in [${items(500)}]`, schema).evaluate({ a: 0 }).result, true);
  compileError(`a in [${items(501)}]`, at(1006, 1, 'list has more than 500 items'));
  // long flat chains are fine (no recursion problem in checking, folding or evaluating)
  const chain = 'a' + ' + a'.repeat(450) + ' > 0';
  assert.ok(chain.length <= 2000);
  assert.equal(compile(chain, schema).evaluate({ a: 1 }).result, true);
});

test('RuleCompileError is an Error with a location, and check() returns the same as a value', () => {
  const err = compileError('amount.usd == "x"', at(11, 2, /cannot compare/));
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'RuleCompileError');
  assert.deepEqual(check('amount.usd == "x"', schema), { ok: false, error: { message: err.message, position: 11, line: 1, column: 12, length: 2 } });
  assert.deepEqual(check('velocity.card.count_1h > 5 and amount.usd < 2', schema), { ok: true, references: ['velocity.card.count_1h', 'amount.usd'] });
  assert.ok(new RuleCompileError('x', 'abc', 99, 5).position === 3, 'clamped into the source');
});
