import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { PROCESSOR_SECRET, authBody, authorize, newCard, newCardholder, uniq, waitFor } from './cards.testing.ts';

/**
 * The risk engine on card authorizations: rules with side actions freeze the card (later authorizations
 * declined, the cardholder told), blocks and `alert` rules reach Slack through the job queue — a local
 * receiver speaking the incoming-webhook protocol, which fails first and is retried.
 */
let t: TestApp;
let slack: Server;
const received: Array<{ at: number; body: any; status: number }> = [];
const seen = new Map<string, number>(); // the first POST of every message fails

before(async () => {
  slack = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      let body: any = null;
      try { body = JSON.parse(raw); } catch { /* recorded as null */ }
      // Slack's incoming webhooks answer 200 "ok"; an outage answers 500
      const text = String(body?.text ?? '');
      const n = (seen.get(text) ?? 0) + 1;
      seen.set(text, n);
      const status = req.method === 'POST' && req.headers['content-type']?.startsWith('application/json') && text && n > 1 ? 200 : 500;
      received.push({ at: Date.now(), body, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'internal_error');
    });
  });
  await new Promise<void>((r) => slack.listen(0, '127.0.0.1', () => r()));
  const { port } = slack.address() as { port: number };
  t = await startTestApp({ RISK: 'true', CARD_PROCESSOR_SECRET: PROCESSOR_SECRET, SLACK_WEBHOOK_URL: `http://127.0.0.1:${port}/services/T000/B000/XXXX` });
});
after(async () => {
  await t?.close();
  await new Promise((r) => slack?.close(r));
});

test('risk rule "Alcohol or gambling merchant" (MCC 5921 > 500.00) declines, freezes the card at once and tells the cardholder', async () => {
  const holder = await newCardholder(t, { email: 'sipho@example.com', phone: '+27825550199' });
  const { id } = await newCard(t, { cardholderId: holder, last4: '7072' });
  assert.equal((await authorize(t, authBody(id, 18_300, { name: 'THE FRIDGE WINE & SPIRI', mcc: '5921' }))).approved, true, 'below 500.00 the rule does not fire');

  const r = await authorize(t, authBody(id, 60_000, { name: 'THE FRIDGE WINE & SPIRI', mcc: '5921' }));
  assert.equal(r.approved, false);
  assert.equal(r.reason, 'declined by risk rules: Alcohol or gambling merchant');
  assert.equal(r.score, 100);
  assert.ok(r.decisionId?.startsWith('dec_'));

  const card = await t.request('GET', `/v1/admin/cards/${id}`, { token: t.adminToken });
  assert.equal(card.body.status, 'frozen');
  const last = card.body.history.at(-1);
  assert.deepEqual([last.from, last.to, last.actor], ['active', 'frozen', 'rule:Alcohol or gambling merchant']);
  assert.match(last.reason, new RegExp(`decision ${r.decisionId}`));

  const later = await authorize(t, authBody(id, 1_000, { name: 'Makro Woodmead', mcc: '5411' }));
  assert.deepEqual([later.approved, later.reason], [false, 'card is frozen']);

  const notes = await t.tg.ctx.db.query<{ channel: string; recipient: string; subject: string; status: string }>(`SELECT channel, recipient, subject, status FROM notifications WHERE subject_id = $1 ORDER BY channel`, [id]);
  assert.deepEqual(notes.map((n) => [n.channel, n.recipient, n.status]), [['email', 'sipho@example.com', 'outbox'], ['sms', '+27825550199', 'outbox']]);
  assert.ok(notes.every((n) => n.subject === 'Your card 412752XXXXXX7072 is frozen'));

  // unfreeze from the console, audited; approved again
  const un = await t.request('POST', `/v1/admin/cards/${id}/unfreeze`, { token: t.adminToken, body: { reason: 'shopper explained: customer asked for wine' } });
  assert.equal(un.body.status, 'active');
  const audit = await t.tg.ctx.db.query<{ actor: string; action: string }>(`SELECT actor, action FROM audit_log WHERE subject_id = $1 AND action = 'card.unfrozen'`, [id]);
  assert.equal(audit.length, 1);
  assert.match(audit[0].actor, /^staff:/);
  assert.equal((await authorize(t, authBody(id, 1_000))).approved, true);
});

test('micro-transactions (card testing) on a card: blocked and frozen by the built-in rule', async () => {
  const { id } = await newCard(t, { last4: '7049' });
  const answers = [];
  for (let i = 0; i < 6; i++) answers.push(await authorize(t, authBody(id, 1_000, { name: `Vending ${i}`, mcc: '5814' }))); // ZAR 10.00 ≈ USD 0.60
  assert.deepEqual(answers.slice(0, 5).map((a) => a.approved), [true, true, true, true, true]);
  assert.equal(answers[5].approved, false);
  assert.match(answers[5].reason, /Micro-transactions \(card testing\)/);
  const card = await t.request('GET', `/v1/admin/cards/${id}`, { token: t.adminToken });
  assert.equal(card.body.status, 'frozen');
  assert.equal((await authorize(t, authBody(id, 50_000))).reason, 'card is frozen');
  // the rule's blacklist side action found no card fingerprint to list: unfreezing really gives the card back
  await t.request('POST', `/v1/admin/cards/${id}/unfreeze`, { token: t.adminToken, body: { reason: 'checked with the shopper' } });
  const after = await authorize(t, authBody(id, 50_000, { name: 'Makro Woodmead', mcc: '5411' }));
  assert.equal(after.approved, true, after.reason);
});

test('the alert reaches Slack with the masked card, merchant and amount; a failing receiver is retried until it succeeds', async () => {
  const { id } = await newCard(t, { last4: '7072' });
  const merchant = `Liquor City ${uniq()}`;
  const started = Date.now();
  const r = await authorize(t, authBody(id, 75_000, { name: merchant, mcc: '5921' }));
  assert.equal(r.approved, false);
  assert.ok(Date.now() - started < 1000, 'the decision does not wait for Slack');

  const delivered = await waitFor('Slack delivery', async () => received.find((x) => x.status === 200 && x.body?.text?.includes(merchant)), 20_000);
  const attempts = received.filter((x) => x.body?.text?.includes(merchant));
  assert.ok(attempts.length >= 2, `the first POST failed (500) and was retried: ${attempts.map((a) => a.status).join(', ')}`);
  assert.equal(attempts[0].status, 500);
  const text: string = delivered.body.text;
  assert.match(text, /\*Card:\* 412752XXXXXX7072/);
  assert.match(text, new RegExp(`Merchant: ${merchant}`));
  assert.match(text, /Amount: ZAR 750\.00/);
  assert.ok(!/\d{13,19}/.test(text.replace(/\s/g, '')), 'no full card number in the message');

  // the worker marks the job done right after the receiver's 200
  const job = await waitFor('the Slack job done', async () => (await t.tg.ctx.db.query<{ status: string; attempts: number }>(
    `SELECT status, attempts FROM jobs WHERE kind = 'notify.slack' AND payload->>'alertId' IN (SELECT id FROM alerts WHERE message LIKE $1)`, [`%${merchant}%`])).find((j) => j.status === 'done'), 5_000);
  assert.ok(job.attempts >= 2);
  const alerts = await t.request('GET', '/v1/admin/alerts?open=true', { token: t.adminToken });
  assert.ok(alerts.body.data.some((a: any) => a.message.includes(merchant) && a.details.card === '412752XXXXXX7072'), 'the alert is listed in the console');
});
