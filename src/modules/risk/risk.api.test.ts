import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t?.close(); });

const HUMAN_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
let n = 0;
const uniq = () => `${Date.now().toString(36)}${(n++).toString(36)}`;
// a fresh residential US address (Comcast, AS7922) for each call, so IP velocity stays out of the way
let ipn = 0;
const homeIp = () => `73.${10 + Math.floor(ipn / 250)}.${(ipn++ % 250) + 1}.9`;
async function evaluate(body: Record<string, unknown>) {
  const r = await t.request('POST', '/v1/risk/evaluate', { token: t.adminToken, body: { kind: 'checkout', userAgent: HUMAN_UA, checkoutDurationMs: 40_000, ...body } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as { id: string; decision: string; score: number; reasons: Array<{ rule: string; message: string }> };
}
const rulesOf = (d: { reasons: Array<{ rule: string }> }) => d.reasons.map((r) => r.rule);

test('the built-in rule pack is installed and listed', async () => {
  const r = await t.request('GET', '/v1/admin/risk/rules', { token: t.adminToken });
  const names = r.body.data.map((x: any) => x.name);
  for (const n of ['IP velocity (auto-block)', 'Card velocity', 'E-mail velocity', 'Disposable e-mail', 'Bot user agent', 'Card country ≠ IP country', 'Data-centre IP', 'Micro-transactions (card testing)', 'Payment-method switching', 'Checkout faster than a human', 'Block list hit']) {
    assert.ok(names.includes(n), `missing built-in rule ${n}`);
  }
  assert.ok(r.body.rulesetVersion >= 1);
});

test('normal traffic is allowed with score 0 and no reasons', async () => {
  const d = await evaluate({ email: `shopper${uniq()}@gmail.com`, ip: homeIp(), amount: { amount: 2500, currency: 'USD' }, card: { bin: '412752', last4: '1234', fingerprint: `fp_${uniq()}` } });
  assert.equal(d.decision, 'allow');
  assert.equal(d.score, 0);
  assert.deepEqual(d.reasons, []);
});

test('bot user agent → block with the rule as reason; a headless browser too', async () => {
  const d = await evaluate({ email: `b${uniq()}@gmail.com`, ip: homeIp(), userAgent: 'python-requests/2.31', amount: { amount: 500, currency: 'USD' } });
  assert.equal(d.decision, 'block');
  assert.ok(rulesOf(d).includes('Bot user agent'));
  const h = await evaluate({ email: `h${uniq()}@gmail.com`, ip: homeIp(), userAgent: 'Mozilla/5.0 HeadlessChrome/120.0', amount: { amount: 500, currency: 'USD' } });
  assert.equal(h.decision, 'block');
});

test('scores add up to the thresholds: disposable e-mail alone is allowed (40), with a data-centre IP it is blocked (85)', async () => {
  const alone = await evaluate({ email: `x${uniq()}@mailinator.com`, ip: homeIp(), amount: { amount: 500, currency: 'USD' } });
  assert.equal(alone.decision, 'allow');
  assert.equal(alone.score, 40);
  assert.ok(rulesOf(alone).includes('Disposable e-mail'));
  // 3.5.140.2 is an Amazon (AS16509) address
  const both = await evaluate({ email: `y${uniq()}@mailinator.com`, ip: '3.5.140.2', amount: { amount: 500, currency: 'USD' } });
  assert.equal(both.score, 85);
  assert.equal(both.decision, 'block');
  assert.ok(rulesOf(both).includes('score_threshold'));
});

test('IP velocity auto-blocks the IP: the 10th checkout in an hour is blocked and the IP lands on the block list', async () => {
  const ip = '100.24.1.7';
  let last;
  for (let i = 0; i < 10; i++) last = await evaluate({ email: `v${uniq()}@gmail.com`, ip, amount: { amount: 300, currency: 'USD' }, checkoutDurationMs: 30_000 });
  assert.equal(last!.decision, 'block');
  assert.ok(rulesOf(last!).includes('IP velocity (auto-block)'));
  const lists = await t.request('GET', '/v1/admin/risk/lists?list=block&kind=ip', { token: t.adminToken });
  assert.ok(lists.body.data.some((e: any) => e.value === ip && e.source === 'rule'));
  const later = await evaluate({ email: `later${uniq()}@gmail.com`, ip, amount: { amount: 300, currency: 'USD' } });
  assert.equal(later.decision, 'block');
  assert.ok(rulesOf(later).includes('Block list hit'));
  const alerts = await t.request('GET', '/v1/admin/alerts?open=true', { token: t.adminToken });
  assert.ok(alerts.body.data.some((a: any) => a.kind === 'risk.block'));
});

test('micro-transactions on one card (card testing) are blocked after 5', async () => {
  const fp = `fp_${uniq()}`;
  const results = [];
  for (let i = 0; i < 7; i++) results.push(await evaluate({ email: `m${uniq()}@gmail.com`, ip: homeIp(), amount: { amount: 100, currency: 'USD' }, card: { bin: '412752', last4: '9999', fingerprint: fp } }));
  assert.deepEqual(results.slice(0, 5).map((r) => r.decision), ['allow', 'allow', 'allow', 'allow', 'allow']);
  assert.equal(results[5].decision, 'block');
  assert.ok(rulesOf(results[5]).includes('Micro-transactions (card testing)'));
});

test('card country ≠ IP country for a large amount → review; a small one passes', async () => {
  // 409675 is an Indonesian card; 73.x a US IP
  const big = await evaluate({ email: `c${uniq()}@gmail.com`, ip: homeIp(), amount: { amount: 15_000, currency: 'USD' }, card: { bin: '409675', last4: '1111', fingerprint: `fp_${uniq()}` } });
  assert.equal(big.decision, 'review');
  assert.ok(rulesOf(big).includes('Card country ≠ IP country'));
  const small = await evaluate({ email: `d${uniq()}@gmail.com`, ip: homeIp(), amount: { amount: 5_000, currency: 'USD' }, card: { bin: '409675', last4: '1111', fingerprint: `fp_${uniq()}` } });
  assert.equal(small.decision, 'allow');
});

test('payment-method switching: a third card for one customer in a day → review', async () => {
  const email = `switch${uniq()}@gmail.com`;
  const r = [];
  for (let i = 0; i < 3; i++) r.push(await evaluate({ email, ip: homeIp(), amount: { amount: 1000, currency: 'USD' }, card: { bin: '412752', last4: `000${i}`, fingerprint: `fp_${uniq()}` } }));
  assert.equal(r[1].decision, 'allow');
  assert.equal(r[2].decision, 'review');
  assert.ok(rulesOf(r[2]).includes('Payment-method switching'));
});

test('checkout faster than a human adds its score', async () => {
  const d = await evaluate({ email: `f${uniq()}@gmail.com`, ip: homeIp(), amount: { amount: 1000, currency: 'USD' }, checkoutDurationMs: 900 });
  assert.equal(d.score, 40);
  assert.ok(rulesOf(d).includes('Checkout faster than a human'));
});

test('a rule that does not compile is refused with its position; a good one is saved as version 1 and edits make new versions', async () => {
  const bad = await t.request('POST', '/v1/admin/risk/rules', { token: t.adminToken, body: { name: 'Broken', expression: 'velocity.crad.count_1h > 5', events: ['checkout'], action: 'review' } });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.code, 'invalid_rule');
  assert.match(bad.body.error.message, /line 1, column 1/);
  assert.match(bad.body.error.message, /did you mean velocity\.card\.count_1h/);
  const ok = await t.request('POST', '/v1/admin/risk/rules', { token: t.adminToken, body: { name: 'Big USD', expression: 'amount.usd > 5000', events: ['checkout'], action: 'review' } });
  assert.equal(ok.status, 201);
  assert.equal(ok.body.version, 1);
  const edited = await t.request('PATCH', `/v1/admin/risk/rules/${ok.body.id}`, { token: t.adminToken, body: { expression: 'amount.usd > 4000' } });
  assert.equal(edited.body.version, 2);
  const one = await t.request('GET', `/v1/admin/risk/rules/${ok.body.id}`, { token: t.adminToken });
  assert.equal(one.body.expression, 'amount.usd > 4000');
  const versions = await t.request('GET', `/v1/admin/risk/rules/${ok.body.id}/versions`, { token: t.adminToken });
  assert.deepEqual(versions.body.data.map((v: any) => v.expression), ['amount.usd > 4000', 'amount.usd > 5000']);
  const d = await evaluate({ email: `big${uniq()}@gmail.com`, ip: homeIp(), amount: { amount: 450_000, currency: 'USD' } });
  assert.equal(d.decision, 'review');
  await t.request('DELETE', `/v1/admin/risk/rules/${ok.body.id}`, { token: t.adminToken });
});

test('shadow rules are evaluated and recorded but never act', async () => {
  const r = await t.request('POST', '/v1/admin/risk/rules', { token: t.adminToken, body: { name: 'Shadow gmail', expression: 'email.domain == "gmail.com"', events: ['checkout'], action: 'block', mode: 'shadow' } });
  assert.equal(r.status, 201);
  const d = await evaluate({ email: `s${uniq()}@gmail.com`, ip: homeIp(), amount: { amount: 500, currency: 'USD' } });
  assert.equal(d.decision, 'allow');
  const stored = await t.request('GET', `/v1/admin/risk/decisions/${d.id}`, { token: t.adminToken });
  assert.deepEqual(stored.body.shadow, [{ rule: 'Shadow gmail', action: 'block', score: 100 }]);
  await t.request('DELETE', `/v1/admin/risk/rules/${r.body.id}`, { token: t.adminToken });
});

test('precedence: the allow list outranks a blocking rule; a rule snoozed for one customer does not act for them', async () => {
  const email = `vip${uniq()}@gmail.com`;
  await t.request('POST', '/v1/admin/risk/lists', { token: t.adminToken, body: { list: 'allow', kind: 'email', value: email, reason: 'known VIP' } });
  const d = await evaluate({ email, ip: homeIp(), userAgent: 'curl/8.0', amount: { amount: 500, currency: 'USD' } });
  assert.equal(d.decision, 'allow');
  assert.deepEqual(rulesOf(d), ['allow_list']);

  const rules = (await t.request('GET', '/v1/admin/risk/rules', { token: t.adminToken })).body.data;
  const fast = rules.find((r: any) => r.name === 'Checkout faster than a human');
  const holiday = `holiday${uniq()}@gmail.com`;
  const sn = await t.request('POST', '/v1/admin/risk/snoozes', { token: t.adminToken, body: { ruleId: fast.id, kind: 'email', value: holiday, until: new Date(Date.now() + 86_400_000).toISOString(), reason: 'customer on holiday, uses a password manager' } });
  assert.equal(sn.status, 201);
  const s = await evaluate({ email: holiday, ip: homeIp(), amount: { amount: 500, currency: 'USD' }, checkoutDurationMs: 500 });
  assert.equal(s.score, 0);
  const other = await evaluate({ email: `other${uniq()}@gmail.com`, ip: homeIp(), amount: { amount: 500, currency: 'USD' }, checkoutDurationMs: 500 });
  assert.equal(other.score, 40);
});

test('missing features are explicit: a rule that needs them is recorded as not judged', async () => {
  const d = await evaluate({ email: `nocard${uniq()}@gmail.com`, ip: homeIp(), amount: { amount: 50_000, currency: 'USD' } });
  const stored = await t.request('GET', `/v1/admin/risk/decisions/${d.id}`, { token: t.adminToken });
  const skipped = stored.body.reasons.filter((r: any) => r.effect === 'skipped').map((r: any) => r.rule);
  assert.ok(skipped.includes('Card country ≠ IP country'), JSON.stringify(stored.body.reasons));
  assert.equal(stored.body.features['card.bin_country'], undefined);
});

test('dry run stores nothing; the decision list filters by rule and decision; CSV report downloads', async () => {
  const dry = await t.request('POST', '/v1/risk/evaluate', { token: t.adminToken, body: { kind: 'checkout', userAgent: 'curl/8', dryRun: true } });
  assert.equal(dry.body.decision, 'block');
  const got = await t.request('GET', `/v1/admin/risk/decisions/${dry.body.id}`, { token: t.adminToken });
  assert.equal(got.status, 404);
  const blocked = await t.request('GET', '/v1/admin/risk/decisions?decision=block&rule=Bot%20user%20agent', { token: t.adminToken });
  assert.ok(blocked.body.data.length >= 2);
  assert.ok(blocked.body.data.every((x: any) => x.decision === 'block'));
  const csv = await fetch(`${t.url}/v1/admin/risk/report.csv?decision=block`, { headers: { authorization: `Bearer ${t.adminToken}` } });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
  const text = await csv.text();
  assert.match(text.split('\r\n')[0], /^decision_id,created_at,kind/);
  assert.ok(text.includes('Bot user agent'));
  const top = await t.request('GET', '/v1/admin/risk/top-rules', { token: t.adminToken });
  assert.ok(top.body.data.length > 0);
});
