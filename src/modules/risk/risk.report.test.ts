import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { newId } from '../../platform/ids.ts';
import type { DecisionFilter, DecisionRow } from './risk.repo.ts';
import { fraudReportCsv } from './risk.report.ts';

/** The analyst's listings: decisions by subject and "unlabelled", the streamed fraud report, rule versions, top rules with shadow hits apart. */
let t: TestApp;
before(async () => { t = await startTestApp({ RISK: 'true' }); });
after(async () => { await t?.close(); });

const HUMAN_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
let n = 0;
const uniq = () => `${Date.now().toString(36)}${(n++).toString(36)}`;
let ipn = 0;
const homeIp = () => `73.${40 + Math.floor(ipn / 250)}.${(ipn++ % 250) + 1}.9`;
async function evaluate(body: Record<string, unknown>) {
  const r = await t.request('POST', '/v1/risk/evaluate', { token: t.adminToken, body: { kind: 'checkout', userAgent: HUMAN_UA, checkoutDurationMs: 40_000, ip: homeIp(), amount: { amount: 500, currency: 'USD' }, ...body } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as { id: string; decision: string };
}
const get = async (path: string) => {
  const r = await t.request('GET', path, { token: t.adminToken });
  assert.equal(r.status, 200, `GET ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

test('the report generator pages lazily: never more than a page asked at once, the next page only when the consumer pulls', async () => {
  const rows: DecisionRow[] = Array.from({ length: 23 }, (_, i) => ({
    id: `dec_${String(100 - i).padStart(26, '0')}`, kind: 'checkout', subjectId: `ord_${i}`, decision: 'allow', score: i, reasons: [], actions: [], shadow: [],
    features: { 'email.address': i === 0 ? '=HYPERLINK("x")' : `s${i}@example.com` }, rulesetVersion: 1, label: null, labelReason: null, labelledBy: null, labelledAt: null,
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, 100 - i)),
  }));
  const calls: DecisionFilter[] = [];
  const list = async (f: DecisionFilter) => {
    calls.push(f);
    return rows.filter((r) => !f.before || r.id < f.before).slice(0, f.limit);
  };
  const gen = fraudReportCsv(list, { decision: 'allow' }, { pageSize: 5 });
  assert.match((await gen.next()).value as string, /^decision_id,created_at,/);
  const first = (await gen.next()).value as string;
  assert.equal(first.split('\r\n').filter(Boolean).length, 5);
  assert.match(first, /"'=HYPERLINK\(""x""\)"/, 'a formula is neutralised');
  assert.equal(calls.length, 1, 'one page fetched so far');
  let rest = '';
  for await (const chunk of gen) rest += chunk;
  const all = (first + rest).split('\r\n').filter(Boolean).map((l) => l.split(',')[0]);
  assert.deepEqual(all, rows.map((r) => r.id));
  assert.ok(calls.every((c) => c.limit <= 5 && c.decision === 'allow'));
  assert.equal(calls.length, 5);

  const capped: string[] = [];
  for await (const chunk of fraudReportCsv(list, {}, { pageSize: 5, max: 7 })) capped.push(chunk);
  assert.equal(capped.join('').split('\r\n').filter(Boolean).length, 1 + 7);
});

test('the CSV report holds every decision of a large range (beyond one page), newest first', async () => {
  const subject = `ord_bulk_${uniq()}`;
  const ids = Array.from({ length: 1234 }, () => newId('dec'));
  await t.tg.ctx.db.query(
    `INSERT INTO risk_decisions (id, kind, subject_id, decision, score, reasons, features, ruleset_version)
     SELECT id, 'checkout', $2, 'review', 55, '[{"rule":"Bulk","message":"bulk","effect":"review"}]'::jsonb, '{"ip.address":"73.1.1.1"}'::jsonb, 1 FROM unnest($1::text[]) AS id`,
    [ids, subject]);
  const res = await fetch(`${t.url}/v1/admin/risk/report.csv?subjectId=${subject}`, { headers: { authorization: `Bearer ${t.adminToken}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
  assert.match(res.headers.get('content-disposition') ?? '', /fraud-report\.csv/);
  const lines = (await res.text()).split('\r\n').filter(Boolean);
  assert.equal(lines[0].split(',')[0], 'decision_id');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), [...ids].sort().reverse());
  assert.ok(lines.slice(1).every((l) => l.includes(',review,55,Bulk,')));

  const capped = await fetch(`${t.url}/v1/admin/risk/report.csv?subjectId=${subject}&limit=10`, { headers: { authorization: `Bearer ${t.adminToken}` } });
  assert.equal((await capped.text()).split('\r\n').filter(Boolean).length, 11);
  const bad = await fetch(`${t.url}/v1/admin/risk/report.csv?label=maybe`, { headers: { authorization: `Bearer ${t.adminToken}` } });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as any).error.code, 'validation_failed');
});

test('decisions filter by subject id and by "unlabelled"', async () => {
  const subject = `ord_${uniq()}`;
  const a = await evaluate({ subjectId: subject, email: `a${uniq()}@gmail.com` });
  const b = await evaluate({ subjectId: subject, email: `b${uniq()}@gmail.com` });
  await evaluate({ subjectId: `ord_${uniq()}`, email: `c${uniq()}@gmail.com` });
  assert.deepEqual((await get(`/v1/admin/risk/decisions?subjectId=${subject}`)).data.map((d: any) => d.id), [b.id, a.id]);

  const l = await t.request('POST', `/v1/admin/risk/decisions/${a.id}/label`, { token: t.adminToken, body: { label: 'fraud', reason: 'chargeback' } });
  assert.equal(l.status, 204);
  const unlabelled = (await get(`/v1/admin/risk/decisions?subjectId=${subject}&label=unlabelled`)).data;
  assert.deepEqual(unlabelled.map((d: any) => d.id), [b.id]);
  assert.deepEqual((await get(`/v1/admin/risk/decisions?subjectId=${subject}&label=fraud`)).data.map((d: any) => d.id), [a.id]);
  const all = (await get('/v1/admin/risk/decisions?label=unlabelled&limit=500')).data;
  assert.ok(all.length > 0 && all.every((d: any) => d.label === null));
});

test('rule versions come in camelCase like the rest of the API', async () => {
  const created = await t.request('POST', '/v1/admin/risk/rules', { token: t.adminToken, body: { name: `Versions ${uniq()}`, expression: 'amount.usd > 9000', events: ['checkout'], action: 'review', sideActions: ['alert'] } });
  assert.equal(created.status, 201);
  await t.request('PATCH', `/v1/admin/risk/rules/${created.body.id}`, { token: t.adminToken, body: { mode: 'shadow' } });
  const v = (await get(`/v1/admin/risk/rules/${created.body.id}/versions`)).data;
  assert.deepEqual(v.map((x: any) => [x.version, x.mode, x.sideActions]), [[2, 'shadow', ['alert']], [1, 'active', ['alert']]]);
  assert.ok(v.every((x: any) => /^staff:stf_/.test(x.changedBy)), 'the staff member who saved it');
  assert.ok(!Number.isNaN(Date.parse(v[0].changedAt)));
  for (const x of v) for (const k of Object.keys(x)) assert.doesNotMatch(k, /_/, `no snake_case key: ${k}`);
  await t.request('DELETE', `/v1/admin/risk/rules/${created.body.id}`, { token: t.adminToken });
});

test('top rules counts shadow-mode hits apart from active hits', async () => {
  const from = new Date(Date.now() - 1000).toISOString();
  const tag = uniq();
  const shadowName = `Shadow top ${tag}`;
  const activeName = `Active top ${tag}`;
  const s = await t.request('POST', '/v1/admin/risk/rules', { token: t.adminToken, body: { name: shadowName, expression: 'amount.usd > 30', events: ['checkout'], action: 'block', mode: 'shadow' } });
  const a = await t.request('POST', '/v1/admin/risk/rules', { token: t.adminToken, body: { name: activeName, expression: 'amount.usd > 60', events: ['checkout'], action: 'score', score: 5 } });
  assert.equal(s.status, 201);
  assert.equal(a.status, 201);
  await evaluate({ email: `t1${tag}@gmail.com`, amount: { amount: 4000, currency: 'USD' } }); // shadow only
  await evaluate({ email: `t2${tag}@gmail.com`, amount: { amount: 7000, currency: 'USD' } }); // both
  await evaluate({ email: `t3${tag}@gmail.com`, amount: { amount: 8000, currency: 'USD' } }); // both
  const top = await get(`/v1/admin/risk/top-rules?from=${encodeURIComponent(from)}`);
  assert.deepEqual(top.shadow.filter((r: any) => r.rule === shadowName), [{ rule: shadowName, action: 'block', n: 3 }]);
  assert.deepEqual(top.data.filter((r: any) => r.rule === activeName), [{ rule: activeName, effect: 'score +5', n: 2 }]);
  assert.equal(top.data.filter((r: any) => r.rule === shadowName).length, 0, 'a shadow hit is never counted as an active one');
  assert.equal(top.shadow.filter((r: any) => r.rule === activeName).length, 0);
  for (const id of [s.body.id, a.body.id]) await t.request('DELETE', `/v1/admin/risk/rules/${id}`, { token: t.adminToken });
});
