import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { FieldCipher } from '../crypto.ts';
import type { Db } from '../db/db.ts';
import type { Job } from '../jobs/queue.ts';
import { JobFailure } from '../jobs/worker.ts';
import { testDb } from '../../../test/support/db.ts';
import { freePort } from '../../../test/support/app.ts';
import { createSmsSender, listSmsOutbox, OutboxSmsSender, queueSms, smsJobHandler, SmsError, TwilioSmsSender } from './sms.ts';

// A local server that speaks Twilio's Messages API: form-encoded To/From/Body, basic auth sid:token,
// 201 + { sid, status } on success, Twilio's JSON error body otherwise.
const SID = 'AC' + 'a'.repeat(32);
const TOKEN = 'twilio-auth-token';
const received: Array<{ path: string; contentType: string; auth: string; form: Record<string, string> }> = [];
let mode: 'ok' | 'bad-number' | 'overloaded' | 'not-json' = 'ok';
let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(raw));
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', auth: req.headers.authorization ?? '', form });
      const expectedAuth = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;
      const json = (status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
      if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${SID}/Messages.json`) return json(404, { code: 20404, message: 'The requested resource was not found', more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 });
      if (req.headers.authorization !== expectedAuth) return json(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
      if (mode === 'bad-number') return json(400, { code: 21211, message: `The 'To' number ${form.To} is not a valid phone number.`, more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 });
      if (mode === 'overloaded') return json(503, { code: 20503, message: 'Service unavailable', more_info: 'https://www.twilio.com/docs/errors/20503', status: 503 });
      if (mode === 'not-json') { res.writeHead(502, { 'content-type': 'text/html' }); return res.end('<html>Bad gateway</html>'); }
      json(201, { sid: 'SM' + randomBytes(16).toString('hex'), status: 'queued', to: form.To, from: form.From, body: form.Body });
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  base = `http://127.0.0.1:${port}`;
});
after(async () => { await new Promise<void>((r) => server.close(() => r())); });

const twilio = (o: Partial<{ authToken: string; baseUrl: string }> = {}) =>
  new TwilioSmsSender({ baseUrl: o.baseUrl ?? base, accountSid: SID, authToken: o.authToken ?? TOKEN, from: '+15005550006', timeoutMs: 2000 });

test('Twilio adapter: form-encoded To/From/Body to the Messages resource with basic auth; returns the message sid', async () => {
  mode = 'ok';
  received.length = 0;
  const r = await twilio().send({ to: '+4915123456789', body: '123456 is your code. Ünïcode & symbols = fine' });
  assert.match(r.id, /^SM[0-9a-f]{32}$/);
  assert.equal(received.length, 1);
  const m = received[0];
  assert.equal(m.path, `/2010-04-01/Accounts/${SID}/Messages.json`);
  assert.equal(m.contentType, 'application/x-www-form-urlencoded');
  assert.equal(m.auth, `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
  assert.deepEqual(m.form, { To: '+4915123456789', From: '+15005550006', Body: '123456 is your code. Ünïcode & symbols = fine' });
});

test('Twilio adapter: error bodies become SmsError (final for 4xx, retryable for 5xx/network) without the number in the message', async () => {
  mode = 'bad-number';
  const e1 = await twilio().send({ to: '+4915123456789', body: 'x' }).catch((e) => e);
  assert.ok(e1 instanceof SmsError);
  assert.equal(e1.status, 400);
  assert.equal(e1.providerCode, 21211);
  assert.equal(e1.retryable, false);
  assert.ok(!e1.message.includes('4915123456789'), e1.message);
  assert.ok(e1.message.includes('21211'));

  mode = 'ok';
  const e2 = await twilio({ authToken: 'wrong' }).send({ to: '+4915123456789', body: 'x' }).catch((e) => e);
  assert.equal(e2.status, 401);
  assert.equal(e2.providerCode, 20003);
  assert.equal(e2.retryable, false);

  mode = 'overloaded';
  const e3 = await twilio().send({ to: '+4915123456789', body: 'x' }).catch((e) => e);
  assert.equal(e3.status, 503);
  assert.equal(e3.retryable, true);

  mode = 'not-json';
  const e4 = await twilio().send({ to: '+4915123456789', body: 'x' }).catch((e) => e);
  assert.equal(e4.status, 502);
  assert.equal(e4.providerCode, null);
  assert.equal(e4.retryable, true);

  const port = await freePort(); // nothing listens there
  const e5 = await twilio({ baseUrl: `http://127.0.0.1:${port}` }).send({ to: '+4915123456789', body: 'x' }).catch((e) => e);
  assert.ok(e5 instanceof SmsError);
  assert.equal(e5.status, null);
  assert.equal(e5.retryable, true);
});

let db: Db;
const cipher = new FieldCipher([{ id: 'k1', key: randomBytes(32) }]);
before(async () => { db = await testDb(); });
after(async () => { await db?.close(); });

const asJob = (payload: Record<string, unknown>) => ({ id: 'job_x', queue: 'notify', kind: 'sms.send', payload, attempts: 1 }) as unknown as Job;
const runJob = (h: ReturnType<typeof smsJobHandler>, job: Job) => h(job, { heartbeat: async () => undefined, signal: new AbortController().signal });

test('the sms.send job: queued in a transaction with the number and text encrypted, sent by the handler after commit', async () => {
  await db.tx((trx) => queueSms(trx, cipher, { to: '+4915123456789', body: '654321 is your code', dedupeKey: 'sms:test:1' }));
  await db.tx((trx) => queueSms(trx, cipher, { to: '+4915123456789', body: '654321 is your code', dedupeKey: 'sms:test:1' }));
  const jobs = await db.query<{ payload: Record<string, string>; kind: string }>(`SELECT payload, kind FROM jobs WHERE kind = 'sms.send'`);
  assert.equal(jobs.length, 1, 'the dedupe key queues it once');
  assert.ok(!JSON.stringify(jobs[0].payload).includes('4915123456789') && !JSON.stringify(jobs[0].payload).includes('654321'));

  // through Twilio
  mode = 'ok';
  received.length = 0;
  const viaTwilio = await runJob(smsJobHandler(twilio(), cipher), asJob(jobs[0].payload));
  assert.equal((viaTwilio as { via: string }).via, 'twilio');
  assert.deepEqual(received[0].form.To, '+4915123456789');
  mode = 'bad-number';
  const final = await runJob(smsJobHandler(twilio(), cipher), asJob(jobs[0].payload)).catch((e) => e);
  assert.ok(final instanceof JobFailure);
  assert.equal(final.retryable, false);
  mode = 'overloaded';
  const again = await runJob(smsJobHandler(twilio(), cipher), asJob(jobs[0].payload)).catch((e: JobFailure) => e) as JobFailure;
  assert.equal(again.retryable, true);

  // through the dev outbox: stored encrypted, listed decrypted for the console
  const outbox = createSmsSender({ provider: 'outbox', apiBaseUrl: base, from: 'Tollgate' }, db, cipher);
  assert.ok(outbox instanceof OutboxSmsSender);
  await runJob(smsJobHandler(outbox, cipher), asJob(jobs[0].payload));
  const [row] = await db.query<{ to_enc: string; body_enc: string }>(`SELECT to_enc, body_enc FROM sms_outbox`);
  assert.ok(!row.to_enc.includes('4915123456789') && !row.body_enc.includes('654321'));
  const listed = await listSmsOutbox(db, cipher);
  assert.deepEqual(listed.map((m) => [m.to, m.body]), [['+4915123456789', '654321 is your code']]);

  const malformed = await runJob(smsJobHandler(outbox, cipher), asJob({})).catch((e: JobFailure) => e) as JobFailure;
  assert.equal(malformed.retryable, false);
});

test('createSmsSender: twilio needs its credentials', () => {
  assert.ok(createSmsSender({ provider: 'twilio', apiBaseUrl: base, accountSid: SID, authToken: TOKEN, from: 'X' }, db, cipher) instanceof TwilioSmsSender);
  assert.throws(() => createSmsSender({ provider: 'twilio', apiBaseUrl: base, from: 'X' }, db, cipher), /TWILIO_ACCOUNT_SID/);
});
