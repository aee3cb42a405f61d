// Test helpers shared by the *.test.ts files of the rule language.
import assert from 'node:assert/strict';
import { compile, RuleCompileError, MISSING, type Evaluation, type Schema } from './index.ts';

export const schema: Schema = {
  'velocity.card.count_1h': 'number',
  'velocity.card.count_24h': 'number',
  'velocity.device.count_24h': 'number',
  'amount.usd': 'number',
  'amount.minor': 'number',
  'ip.country': 'string',
  'card.bin_country': 'string',
  'merchant.mcc': 'string',
  'email.disposable': 'boolean',
  'email.domain': 'string',
  'user_agent.is_bot': 'boolean',
  'device.id': 'string',
  'user.tags': 'string[]',
  // generic features for semantics tests
  p: 'boolean',
  q: 'boolean',
  r: 'boolean',
  a: 'number',
  b: 'number',
  c: 'number',
  s: 'string',
  t: 'string',
  list: 'string[]',
};

/** The result of `source` on `input`: true, false or MISSING. */
export function run(source: string, input: Record<string, unknown> = {}, sch: Schema = schema): Evaluation['result'] {
  return compile(source, sch).evaluate(input).result;
}

export function evaluate(source: string, input: Record<string, unknown> = {}, sch: Schema = schema): Evaluation {
  return compile(source, sch).evaluate(input);
}

export interface ExpectedError {
  message: string | RegExp;
  position: number;
  line: number;
  column: number;
  length: number;
}

/** Compiling `source` fails with exactly this error. */
export function compileError(source: string, expected: ExpectedError, sch: Schema = schema): RuleCompileError {
  let err: unknown;
  try {
    compile(source, sch);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof RuleCompileError, `expected a RuleCompileError for ${JSON.stringify(source)}, got ${String(err)}`);
  const { message, ...where } = expected;
  if (typeof message === 'string') assert.equal(err.message, message);
  else assert.match(err.message, message);
  assert.deepEqual({ position: err.position, line: err.line, column: err.column, length: err.length }, where, `error location for ${JSON.stringify(source)}: ${err.message}`);
  return err;
}

export { MISSING };
