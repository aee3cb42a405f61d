import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { startTestApp, freePort, type TestApp } from '../../../test/support/app.ts';

// A real SMTP server on loopback: Tollgate's nodemailer transport speaks SMTP to it.
const received: Array<{ from: string; to: string[]; data: string }> = [];
let smtp: SMTPServer;
let t: TestApp;

before(async () => {
  const port = await freePort();
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, done) {
      let data = '';
      stream.on('data', (c) => (data += c));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data });
        done();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(port, '127.0.0.1', r));
  t = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_FROM: 'Shop <shop@example.com>' });
});
after(async () => { await t?.close(); await new Promise<void>((r) => smtp.close(() => r())); });

test('with SMTP_URL the order e-mail goes out over SMTP with the delivered codes and a link to the order page', async () => {
  const p = await t.product('starfall-odyssey-key');
  const o = await t.createOrder({ email: 'mailme@example.com', items: [{ productId: p.id, quantity: 1 }] });
  await t.pay(o.body.payment.checkoutUrl);
  const done = await t.waitForOrder(o.body.id, o.body.clientSecret, 'fulfilled');
  for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(received.length, 1);
  const mail = received[0];
  assert.deepEqual(mail.to, ['mailme@example.com']);
  assert.equal(mail.from, 'shop@example.com');
  const body = mail.data.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))); // quoted-printable
  assert.ok(body.includes(done.fulfilments[0].delivered.codes[0]), 'the code is in the e-mail');
  const link = new RegExp(`/orders/${o.body.id}#secret=([^\\s]+)`).exec(body);
  assert.ok(link, 'links to the order page with its secret');
  assert.equal(decodeURIComponent(link[1]), o.body.clientSecret);
  const outbox = await t.request('GET', '/v1/admin/outbox', { token: t.adminToken });
  assert.equal(outbox.body.data.find((m: any) => m.subjectId === o.body.id).status, 'sent');
});
