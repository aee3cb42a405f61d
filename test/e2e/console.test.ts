import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launch, skipBrowser as skip } from './browser.ts';

let t: TestApp;
let browser: Browser;
before(async () => { if (skip) return; t = await startTestApp(); browser = await launch(); });
after(async () => { await browser?.close(); await t?.close(); });

test('console: log in, pause and resume the automation, read an order\'s timeline', { skip }, async () => {
  // an order that went all the way, to have a timeline to read
  const p = await t.product('gift-card-50k');
  const o = await t.createOrder({ email: 'timeline@example.com', items: [{ productId: p.id, quantity: 1 }] });
  await t.pay(o.body.payment.checkoutUrl);
  await t.waitForOrder(o.body.id, o.body.clientSecret, 'fulfilled');

  const page = await browser.newPage();
  await page.goto(`${t.url}/console`);
  await page.getByTestId('login-email').fill('admin@test.local');
  await page.getByTestId('login-password').fill('wrong-password');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('login-error').waitFor();
  await page.getByTestId('login-password').fill('admin-password-1');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('console-header').waitFor();

  // pause
  await page.getByTestId('automation-toggle').click();
  await page.getByTestId('automation-reason').fill('e2e check');
  await page.getByTestId('automation-confirm').click();
  await page.getByTestId('automation-banner').waitFor();
  assert.equal((await t.request('GET', '/v1/admin/automation', { token: t.adminToken })).body.paused, true);
  // resume
  await page.getByTestId('automation-toggle').click();
  await page.getByTestId('automation-confirm').click();
  await page.getByTestId('automation-banner').waitFor({ state: 'detached' });
  assert.equal((await t.request('GET', '/v1/admin/automation', { token: t.adminToken })).body.paused, false);

  // orders → the order → its timeline
  await page.getByTestId('nav-orders').click();
  await page.locator(`[data-testid=order-row][data-order-id="${o.body.id}"]`).click();
  await page.getByTestId('timeline').waitFor();
  const entries = page.getByTestId('timeline-entry');
  const tos = await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-to')));
  assert.deepEqual([...tos].sort(), ['fulfilled', 'fulfilling', 'paid', 'pending_payment'].sort());
  assert.match(await page.getByTestId('admin-order-status').innerText(), /fulfilled/i);
  await page.close();
});
