// The five rules from the requirements, verbatim: they compile and mean what they say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, MISSING } from './index.ts';
import { schema } from './testing.ts';

const rule = (src: string) => {
  const r = compile(src, schema);
  return (input: Record<string, unknown>) => r.evaluate(input);
};

test('velocity.card.count_1h > 5 and amount.usd < 2', () => {
  const src = 'velocity.card.count_1h > 5 and amount.usd < 2';
  assert.deepEqual(compile(src, schema).references, ['velocity.card.count_1h', 'amount.usd']);
  const ev = rule(src);
  assert.equal(ev({ 'velocity.card.count_1h': 7, 'amount.usd': 1.5 }).result, true);
  assert.equal(ev({ 'velocity.card.count_1h': 6, 'amount.usd': 1.99 }).result, true);
  assert.equal(ev({ 'velocity.card.count_1h': 5, 'amount.usd': 1 }).result, false, '5 is not > 5');
  assert.equal(ev({ 'velocity.card.count_1h': 6, 'amount.usd': 2 }).result, false, '2 is not < 2');
  assert.equal(ev({ 'velocity.card.count_1h': 6, 'amount.usd': 0 }).result, true);
  assert.equal(ev({ 'velocity.card.count_1h': 6, 'amount.usd': -1 }).result, true);
  // missing amount: MISSING when the count alone would fire, false when the count already says no
  assert.deepEqual(ev({ 'velocity.card.count_1h': 6 }), { result: MISSING, missing: ['amount.usd'], reasons: [] });
  assert.deepEqual(ev({ 'velocity.card.count_1h': 5 }), { result: false, missing: [], reasons: [] });
  assert.deepEqual(ev({ 'velocity.card.count_1h': 6, 'amount.usd': null }), { result: MISSING, missing: ['amount.usd'], reasons: [] });
  assert.deepEqual(ev({ 'velocity.card.count_1h': 6, 'amount.usd': undefined }).missing, ['amount.usd']);
  assert.deepEqual(ev({}), { result: MISSING, missing: ['velocity.card.count_1h', 'amount.usd'], reasons: [] });
  assert.equal(ev({ 'amount.usd': 5 }).result, false, 'MISSING and false = false');
  // the decision can say why: a wrongly typed value is MISSING with a reason, never an exception
  assert.deepEqual(ev({ 'velocity.card.count_1h': 6, 'amount.usd': '1.5' }), {
    result: MISSING,
    missing: ['amount.usd'],
    reasons: ['amount.usd: expected a finite number, got string'],
  });
});

test('ip.country != card.bin_country and amount.usd > 100', () => {
  const src = 'ip.country != card.bin_country and amount.usd > 100';
  assert.deepEqual(compile(src, schema).references, ['ip.country', 'card.bin_country', 'amount.usd']);
  const ev = rule(src);
  assert.equal(ev({ 'ip.country': 'US', 'card.bin_country': 'DE', 'amount.usd': 100.01 }).result, true);
  assert.equal(ev({ 'ip.country': 'US', 'card.bin_country': 'DE', 'amount.usd': 100 }).result, false, '100 is not > 100');
  assert.equal(ev({ 'ip.country': 'US', 'card.bin_country': 'US', 'amount.usd': 5000 }).result, false);
  assert.equal(ev({ 'ip.country': 'us', 'card.bin_country': 'US', 'amount.usd': 5000 }).result, true, 'string comparison is exact (use lower())');
  assert.deepEqual(ev({ 'ip.country': 'US', 'amount.usd': 500 }), { result: MISSING, missing: ['card.bin_country'], reasons: [] });
  assert.equal(ev({ 'ip.country': 'US', 'amount.usd': 50 }).result, false);
  assert.deepEqual(ev({ 'amount.usd': 500 }).missing, ['ip.country', 'card.bin_country']);
});

test('merchant.mcc in ["5921", "7995"] and amount.minor > 50000', () => {
  const src = 'merchant.mcc in ["5921", "7995"] and amount.minor > 50000';
  assert.deepEqual(compile(src, schema).references, ['merchant.mcc', 'amount.minor']);
  const ev = rule(src);
  assert.equal(ev({ 'merchant.mcc': '5921', 'amount.minor': 50001 }).result, true);
  assert.equal(ev({ 'merchant.mcc': '7995', 'amount.minor': 1_000_000 }).result, true);
  assert.equal(ev({ 'merchant.mcc': '5921', 'amount.minor': 50000 }).result, false, '50000 is not > 50000');
  assert.equal(ev({ 'merchant.mcc': '5922', 'amount.minor': 60000 }).result, false);
  assert.equal(ev({ 'merchant.mcc': '', 'amount.minor': 60000 }).result, false);
  assert.deepEqual(ev({ 'amount.minor': 60000 }), { result: MISSING, missing: ['merchant.mcc'], reasons: [] });
  assert.equal(ev({ 'amount.minor': 100 }).result, false);
  // an MCC sent as a number is not silently "not in the list": it is MISSING, with the reason
  assert.deepEqual(ev({ 'merchant.mcc': 5921, 'amount.minor': 60000 }), {
    result: MISSING,
    missing: ['merchant.mcc'],
    reasons: ['merchant.mcc: expected a string, got 5921'],
  });
});

test('email.disposable or user_agent.is_bot', () => {
  const ev = rule('email.disposable or user_agent.is_bot');
  const cases: [unknown, unknown, unknown][] = [
    [true, true, true], [true, false, true], [false, true, true], [false, false, false],
    [true, undefined, true], [undefined, true, true], [false, undefined, MISSING], [undefined, false, MISSING], [undefined, undefined, MISSING],
  ];
  for (const [d, b, want] of cases) {
    const input: Record<string, unknown> = {};
    if (d !== undefined) input['email.disposable'] = d;
    if (b !== undefined) input['user_agent.is_bot'] = b;
    assert.equal(ev(input).result, want, JSON.stringify(input));
  }
  assert.deepEqual(ev({}).missing, ['email.disposable', 'user_agent.is_bot']);
  assert.deepEqual(ev({ 'email.disposable': false }).missing, ['user_agent.is_bot']);
  assert.equal(ev({ 'email.disposable': 'true', 'user_agent.is_bot': false }).result, MISSING, "'true' is not a boolean");
});

test('not is_missing(device.id) and velocity.device.count_24h >= 3', () => {
  const src = 'not is_missing(device.id) and velocity.device.count_24h >= 3';
  assert.deepEqual(compile(src, schema).references, ['device.id', 'velocity.device.count_24h']);
  const ev = rule(src);
  assert.equal(ev({ 'device.id': 'dev_1', 'velocity.device.count_24h': 3 }).result, true, '3 >= 3');
  assert.equal(ev({ 'device.id': 'dev_1', 'velocity.device.count_24h': 2 }).result, false);
  assert.equal(ev({ 'device.id': '', 'velocity.device.count_24h': 10 }).result, true, 'an empty string is present');
  assert.equal(ev({ 'velocity.device.count_24h': 10 }).result, false, 'no device id: the rule explicitly does not fire');
  assert.equal(ev({ 'device.id': null, 'velocity.device.count_24h': 10 }).result, false);
  assert.equal(ev({ 'device.id': 42, 'velocity.device.count_24h': 10 }).result, false, 'a wrongly typed id is as good as missing');
  assert.deepEqual(ev({ 'device.id': 'dev_1' }), { result: MISSING, missing: ['velocity.device.count_24h'], reasons: [] });
  assert.equal(ev({}).result, false);
});
