import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, checkCard, checkControls, effectiveControls, looksLikePan, validateControls, withinHours, localMinutes } from './cards.controls.ts';
import { canTransition } from '../../platform/states.ts';
import { CARD_TRANSITIONS, AUTHORIZATION_TRANSITIONS } from './cards.states.ts';

const at = new Date('2026-03-10T10:30:00Z'); // 12:30 in Johannesburg
const auth = (amount: number, merchant: Partial<{ name: string; mcc: string; country: string }> = {}) => ({
  amount: { amount, currency: 'ZAR' }, merchant: { name: 'Makro Woodmead', mcc: '5411', country: 'ZA', ...merchant },
});
const none = { day: 0, month: 0 };

test('every control declines with a clear reason, in the documented order', () => {
  const r = (c: object, a = auth(10_000), spend = none) => checkControls(c, 'ZAR', a, spend, at);
  assert.deepEqual(r({}), { ok: true });
  assert.deepEqual(r({ perTransaction: 5_000 }), { ok: false, control: 'perTransaction', reason: 'per-transaction limit 5000 ZAR exceeded (amount 10000)' });
  assert.deepEqual(r({ daily: 200_000 }, auth(60_000), { day: 150_000, month: 150_000 }), { ok: false, control: 'daily', reason: 'daily limit 200000 ZAR exceeded (spent 150000 today + 60000)' });
  assert.deepEqual(r({ daily: 200_000 }, auth(50_000), { day: 150_000, month: 150_000 }), { ok: true }, 'exactly at the limit is allowed');
  assert.deepEqual(r({ monthly: 1_000_000 }, auth(60_000), { day: 0, month: 990_000 }), { ok: false, control: 'monthly', reason: 'monthly limit 1000000 ZAR exceeded (spent 990000 this month + 60000)' });
  assert.deepEqual(r({ blockedMcc: ['5921'] }, auth(100, { mcc: '5921' })), { ok: false, control: 'blockedMcc', reason: 'merchant category 5921 is blocked' });
  assert.deepEqual(r({ allowedMcc: ['5411', '5499'] }, auth(100, { mcc: '5812' })), { ok: false, control: 'allowedMcc', reason: 'merchant category 5812 is not allowed' });
  assert.deepEqual(r({ allowedMerchants: ['makro', 'Pick n Pay'] }, auth(100, { name: 'THE FRIDGE WINE & SPIRI' })), { ok: false, control: 'allowedMerchants', reason: 'merchant "THE FRIDGE WINE & SPIRI" is not allowed' });
  assert.deepEqual(r({ allowedMerchants: ['makro'] }, auth(100, { name: 'MAKRO  WOODMEAD' })), { ok: true });
  assert.deepEqual(r({ countries: ['ZA'] }, auth(100, { country: 'us' })), { ok: false, control: 'countries', reason: 'merchant country US is not allowed' });
  assert.deepEqual(r({ hours: { from: '14:00', to: '18:00', tz: 'Africa/Johannesburg' } }), { ok: false, control: 'hours', reason: 'outside active hours 14:00–18:00 Africa/Johannesburg' });
  assert.deepEqual(r({ hours: { from: '08:00', to: '13:00' }, timezone: 'Africa/Johannesburg' }), { ok: true });
  assert.deepEqual(checkControls({}, 'ZAR', { ...auth(100), amount: { amount: 100, currency: 'USD' } }, none, at), { ok: false, control: 'currency', reason: 'currency USD does not match the card\'s currency ZAR' });
  // order: the per-transaction limit is reported before a blocked category
  assert.equal((r({ perTransaction: 10, blockedMcc: ['5411'] }) as { control: string }).control, 'perTransaction');
});

test('active hours: same-day and overnight windows, local time zones', () => {
  assert.equal(localMinutes(at, 'Africa/Johannesburg'), 12 * 60 + 30);
  assert.equal(localMinutes(at, 'UTC'), 10 * 60 + 30);
  assert.ok(withinHours({ from: '08:00', to: '17:00' }, 8 * 60));
  assert.ok(!withinHours({ from: '08:00', to: '17:00' }, 17 * 60));
  assert.ok(withinHours({ from: '22:00', to: '06:00' }, 23 * 60));
  assert.ok(withinHours({ from: '22:00', to: '06:00' }, 5 * 60 + 59));
  assert.ok(!withinHours({ from: '22:00', to: '06:00' }, 12 * 60));
});

test('effective controls: the card overrides the program key by key; a patch null removes the card\'s own value', () => {
  const program = { daily: 200_000, blockedMcc: ['5921', '7995'], timezone: 'Africa/Johannesburg' };
  assert.deepEqual(effectiveControls(program, { daily: 500_000 }), { daily: 500_000, blockedMcc: ['5921', '7995'], timezone: 'Africa/Johannesburg' });
  assert.deepEqual(effectiveControls(null, { perTransaction: 1 }), { perTransaction: 1 });
  assert.deepEqual(applyPatch({ daily: 1, monthly: 2 }, { daily: null, perTransaction: 3 }), { monthly: 2, perTransaction: 3 });
});

test('controls that cannot work are refused', () => {
  assert.throws(() => validateControls({ timezone: 'Mars/Olympus' }), /unknown time zone/);
  assert.throws(() => validateControls({ allowedMcc: ['5411'], blockedMcc: ['5411'] }), /both allowed and blocked/);
  assert.throws(() => validateControls({ hours: { from: '08:00', to: '08:00' } }), /must differ/);
  assert.deepEqual(validateControls({ hours: { from: '08:00', to: '18:00', tz: 'Africa/Johannesburg' } }), { hours: { from: '08:00', to: '18:00', tz: 'Africa/Johannesburg' } });
});

test('card state: frozen, closed and expired cards decline', () => {
  assert.deepEqual(checkCard({ status: 'active', expMonth: 3, expYear: 2026 }, at), { ok: true });
  assert.deepEqual(checkCard({ status: 'frozen', expMonth: 3, expYear: 2030 }, at), { ok: false, control: 'status', reason: 'card is frozen' });
  assert.deepEqual(checkCard({ status: 'closed', expMonth: 3, expYear: 2030 }, at), { ok: false, control: 'status', reason: 'card is closed' });
  assert.deepEqual(checkCard({ status: 'active', expMonth: 2, expYear: 2026 }, at), { ok: false, control: 'expiry', reason: 'card expired 02/2026' });
});

test('anything that looks like a full card number is recognised (Luhn, 13–19 digits, spaces or dashes)', () => {
  for (const pan of ['4111111111111111', '4111 1111 1111 1111', '4111-1111-1111-1111', 'card 5555555555554444 here', '378282246310005']) assert.ok(looksLikePan(pan), pan);
  for (const ok of ['pc_123', '4111111111111112', '412752', 'ic_1PXyz', '1234567890', 'crd_01jq8v5d3k7m9n2p4r6s8t0w1x', '0000000000000000']) assert.ok(!looksLikePan(ok), ok);
});

test('status tables: frozen ↔ active, closed is final; declined and reversed authorizations are final', () => {
  assert.ok(canTransition(CARD_TRANSITIONS, 'active', 'frozen'));
  assert.ok(canTransition(CARD_TRANSITIONS, 'frozen', 'active'));
  assert.ok(!canTransition(CARD_TRANSITIONS, 'closed', 'active'));
  assert.ok(canTransition(AUTHORIZATION_TRANSITIONS, 'approved', 'cleared'));
  assert.ok(!canTransition(AUTHORIZATION_TRANSITIONS, 'declined', 'cleared'));
  assert.ok(!canTransition(AUTHORIZATION_TRANSITIONS, 'reversed', 'cleared'));
});
