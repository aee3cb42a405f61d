import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { runAgent } from '../../agent.ts';

// Real Chromium drives the demo platform's seller pages: the seed's platform without a transfer API.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = !existsSync(chromium) && !process.env.CI ? `no Chromium at ${chromium} (apt-get install -y chromium)` : false;

let t: TestApp;
before(async () => { if (!skip) t = await startTestApp({ CHROMIUM_PATH: chromium }); });
after(async () => { await t?.close(); });

const coinsOf = async (userId: string) => (await t.request('GET', `/demo-platform/api/users/${userId}`)).body.coins as number;

test('browser driver in-process: paid top-up → coins sent through the seller web page → fulfilled, with the transfer as proof', { skip }, async () => {
  const p = await t.product('demo-coins-100');
  const before = await coinsOf('alice.gamer');
  const o = await t.createOrder({ email: 'alice@example.com', items: [{ productId: p.id, quantity: 3 }], platformUserId: 'Alice.Gamer' });
  assert.equal(o.status, 201, JSON.stringify(o.body));
  await t.pay(o.body.payment.checkoutUrl);
  const done = await t.waitForOrder(o.body.id, o.body.clientSecret, 'fulfilled', 60_000);
  assert.equal(done.platformUserId, 'alice.gamer');
  assert.equal(await coinsOf('alice.gamer') - before, 300);
  const admin = await t.request('GET', `/v1/admin/orders/${o.body.id}`, { token: t.adminToken });
  const f = admin.body.fulfilments[0];
  assert.equal(f.driver, 'demo-platform-browser');
  assert.ok(f.proof.transferId);
  // the platform's own history shows the transfer under the fulfilment's reference
  const partner = await fetch(`${t.url}/demo-platform/api/transfers?reference=${f.reference}`, { headers: { authorization: `Bearer ${t.tg.ctx.secrets.demoPlatformPartnerKey}` } });
  const transfers = (await partner.json()).data;
  assert.equal(transfers.length, 1);
  assert.equal(transfers[0].coins, 300);
});

test('agent mode: `tollgate agent` claims the job over the API, sends through the browser, completes; completing twice is harmless', { skip }, async () => {
  const agent = await t.request('POST', '/v1/admin/agents', { token: t.adminToken, body: { name: 'ui-bot', queues: ['fulfilment.demo-platform-browser'] } });
  // Stop the in-process claim of the browser queue by pausing the worker; the agent does the work.
  await t.tg.ctx.worker.stop();
  const p = await t.product('demo-coins-550');
  const before = await coinsOf('bob_builds');
  const o = await t.createOrder({ email: 'bob@example.com', items: [{ productId: p.id, quantity: 1 }], platformUserId: 'bob_builds' });
  await t.pay(o.body.payment.checkoutUrl);
  // process the webhook without the browser queue: run only the payments/orders queues in-process
  for (let i = 0; i < 100; i++) {
    const [{ n }] = await t.tg.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_inbox w JOIN payments p ON p.id = w.payload->>'paymentId' WHERE p.order_id = $1`, [o.body.id]);
    if (n > 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const [{ inbox_id }] = await t.tg.ctx.db.query<{ inbox_id: string }>(`SELECT w.id AS inbox_id FROM webhook_inbox w WHERE w.payload->>'paymentId' = $1`, [o.body.payment.id]);
  await t.tg.services.payments.processEvent(inbox_id);
  assert.equal((await t.order(o.body.id, o.body.clientSecret)).status, 'fulfilling');

  const r = await runAgent({ url: t.url, token: agent.body.token, queue: 'fulfilment.demo-platform-browser', platformUrl: `${t.url}/demo-platform`, sellerPassword: t.tg.ctx.secrets.demoSellerPassword, once: true, chromiumPath: chromium, log: () => undefined });
  assert.deepEqual(r, { completed: 1, failed: 0 });
  const done = await t.order(o.body.id, o.body.clientSecret);
  assert.equal(done.status, 'fulfilled');
  assert.equal(await coinsOf('bob_builds') - before, 550);
  const jobId = (await t.request('GET', `/v1/admin/orders/${o.body.id}`, { token: t.adminToken })).body.fulfilments[0].jobId;
  const again = await t.request('POST', `/v1/agent/jobs/${jobId}/complete`, { token: agent.body.token, body: { proof: { transferId: 'dup' } } });
  assert.equal(again.status, 200);
  assert.equal(again.body.status, 'already_done');
  assert.equal(await coinsOf('bob_builds') - before, 550);
  t.tg.ctx.worker.start();
});

test('agent lease: an expired lease returns the job to the queue; the next claim re-checks the platform history and never sends twice', { skip }, async () => {
  const agent = await t.request('POST', '/v1/admin/agents', { token: t.adminToken, body: { name: 'flaky-bot', queues: ['fulfilment.demo-platform-browser'] } });
  await t.tg.ctx.worker.stop();
  const p = await t.product('demo-coins-100');
  const before = await coinsOf('jamal.dance');
  const o = await t.createOrder({ email: 'j@example.com', items: [{ productId: p.id, quantity: 1 }], platformUserId: 'jamal.dance' });
  await t.pay(o.body.payment.checkoutUrl);
  for (let i = 0; i < 100; i++) {
    const rows = await t.tg.ctx.db.query<{ id: string }>(`SELECT id FROM webhook_inbox WHERE payload->>'paymentId' = $1`, [o.body.payment.id]);
    if (rows.length) { await t.tg.services.payments.processEvent(rows[0].id); break; }
    await new Promise((r) => setTimeout(r, 50));
  }
  // The first agent claims, sends the coins through the platform, then "crashes" before completing.
  const claim = await t.request('POST', '/v1/agent/jobs/claim', { token: agent.body.token, body: { leaseSeconds: 10 } });
  assert.equal(claim.body.data.length, 1);
  const job = claim.body.data[0];
  const { DemoPlatformBrowserTransfers } = await import('../platforms/demo-browser.ts');
  const drv = new DemoPlatformBrowserTransfers({ baseUrl: `${t.url}/demo-platform`, sellerPassword: t.tg.ctx.secrets.demoSellerPassword, chromiumPath: chromium });
  const first = await drv.sendCoins({ toUserId: job.payload.platformUserId, coins: job.payload.coins, reference: job.payload.reference });
  await drv.close();
  assert.equal(first.replayed, false);
  // A second claim while the lease holds gets nothing.
  assert.equal((await t.request('POST', '/v1/agent/jobs/claim', { token: agent.body.token, body: {} })).body.data.length, 0);
  await t.tg.ctx.db.query(`UPDATE jobs SET lease_until = now() - interval '1 second' WHERE id = $1`, [job.id]);
  // The stale holder can no longer complete it…
  const late = await t.request('POST', `/v1/agent/jobs/${job.id}/heartbeat`, { token: agent.body.token, body: {} });
  assert.equal(late.status, 200, 'same agent id still holds it until someone else claims');
  await t.tg.ctx.db.query(`UPDATE jobs SET lease_until = now() - interval '1 second' WHERE id = $1`, [job.id]);
  // …and the next run finds the transfer in the platform's history and completes without sending again.
  const r = await runAgent({ url: t.url, token: agent.body.token, queue: 'fulfilment.demo-platform-browser', platformUrl: `${t.url}/demo-platform`, sellerPassword: t.tg.ctx.secrets.demoSellerPassword, once: true, chromiumPath: chromium, log: () => undefined });
  assert.equal(r.completed, 1);
  assert.equal(await coinsOf('jamal.dance') - before, 100, 'sent once');
  const admin = await t.request('GET', `/v1/admin/orders/${o.body.id}`, { token: t.adminToken });
  assert.equal(admin.body.status, 'fulfilled');
  assert.equal(admin.body.fulfilments[0].proof.replayed, true);
  t.tg.ctx.worker.start();
});
