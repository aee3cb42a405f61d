import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile } from '../lang/index.ts';
import { FEATURE_SCHEMA, MemoryVelocityStore, extractFeatures, flattenSnapshot, velocitySchema, warmFeatures } from './index.ts';

describe('extractFeatures', () => {
  it('produces the documented paths for a full checkout', async () => {
    await warmFeatures();
    const f = extractFeatures({ ip: '8.8.8.8', bin: '4571 0516 1234 5678', email: 'J.Doe+x@GoogleMail.com', userAgent: 'curl/8.5.0', amount: { amount: 2500, currency: 'EUR' } });
    assert.deepEqual(Object.keys(f).sort(), Object.keys(FEATURE_SCHEMA).sort());
    assert.equal(f['ip.country'], 'US');
    assert.equal(f['ip.asn'], 15169);
    assert.equal(f['ip.as_org'], 'Google LLC');
    assert.equal(f['ip.is_hosting'], true);
    assert.equal(f['ip.is_private'], false);
    assert.equal(f['card.bin'], '457105');
    assert.equal(f['card.bin_country'], 'DK');
    assert.equal(f['card.brand'], 'Visa/Dankort');
    assert.equal(f['card.type'], 'debit');
    assert.equal(f['card.prepaid'], false);
    assert.equal(f['card.scheme'], 'visa');
    assert.equal(f['card.bank'], 'Sparekassen Sjælland');
    assert.equal(f['email.domain'], 'googlemail.com');
    assert.equal(f['email.normalized'], 'jdoe@gmail.com');
    assert.equal(f['email.disposable'], false);
    assert.equal(f['user_agent.is_bot'], true);
    assert.ok((f['amount.usd'] as number) > 25 && (f['amount.usd'] as number) < 35);
    for (const [k, v] of Object.entries(f)) assert.equal(typeof v, FEATURE_SCHEMA[k as keyof typeof FEATURE_SCHEMA], k);
  });

  it('leaves out what is unknown (MISSING in rules)', () => {
    assert.deepEqual(extractFeatures({}), {});
    assert.deepEqual(extractFeatures({ ip: 'garbage', bin: '12', email: '  ' }), {});
    assert.deepEqual(extractFeatures({ ip: '10.0.0.1' }), { 'ip.is_private': true, 'ip.is_hosting': false });
    assert.deepEqual(extractFeatures({ bin: '999999' }), { 'card.bin': '999999' });
    assert.deepEqual(extractFeatures({ userAgent: null }), { 'user_agent.is_bot': true });
    assert.deepEqual(extractFeatures({ amount: { amount: 1, currency: 'XXX' } }), {});
  });

  it('feeds the rule language: every path type-checks and evaluates', async () => {
    const schema = { ...FEATURE_SCHEMA, ...velocitySchema(['card', 'ip'], { ip: ['card'], card: ['ip'] }) };
    const rule = compile(
      'ip.country != card.bin_country and velocity.ip.distinct_card_1h >= 2 and velocity.card.sum_usd_24h > 20 and not email.disposable and user_agent.is_bot',
      schema,
    );
    const store = new MemoryVelocityStore({ clock: { now: () => 0 } });
    const input = extractFeatures({ ip: '8.8.8.8', bin: '45710516', email: 'a@example.com', userAgent: '', amount: { amount: 1500, currency: 'USD' } });
    let snap = await store.observe({ dims: [{ dim: 'card', key: 'fpA' }, { dim: 'ip', key: '8.8.8.8' }], at: 1000, amountUsd: 15, distinct: { card: 'fpA', ip: '8.8.8.8' } });
    assert.equal(rule.evaluate(flattenSnapshot(snap, 'velocity', { ...input })).result, false);
    snap = await store.observe({ dims: [{ dim: 'card', key: 'fpA' }, { dim: 'ip', key: '8.8.8.8' }], at: 2000, amountUsd: 15, distinct: { card: 'fpA', ip: '8.8.8.8' } });
    snap = await store.observe({ dims: [{ dim: 'card', key: 'fpB' }, { dim: 'ip', key: '8.8.8.8' }], at: 3000, amountUsd: 15, distinct: { card: 'fpB', ip: '8.8.8.8' } });
    const both = flattenSnapshot({ ...snap, card: (await store.peek([{ dim: 'card', key: 'fpA' }], 3000)).card }, 'velocity', { ...input });
    assert.equal(rule.evaluate(both).result, true);
  });
});
