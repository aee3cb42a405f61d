import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launch, loginToConsole, skipBrowser as skip } from './browser.ts';

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

test('console: order filters live in the URL; a blacklist entry with a past expiry is refused, then added and removed; the audit log shows the newest entry', { skip }, async () => {
  const p = await t.product('gift-card-50k');
  const email = `filtered.${Date.now()}@example.com`;
  const o = await t.createOrder({ email, items: [{ productId: p.id, quantity: 1 }] });
  assert.equal(o.status, 201, JSON.stringify(o.body));

  const page = await browser.newPage();
  try {
    await loginToConsole(page, t.url);
    await page.getByTestId('nav-orders').click();
    // the search box reaches the URL after a pause; an exact e-mail finds the one order
    await page.getByTestId('orders-search').fill(email);
    await page.waitForURL((u) => u.searchParams.get('q') === email);
    await page.locator(`[data-testid=order-row][data-order-id="${o.body.id}"]`).waitFor();
    assert.equal(await page.getByTestId('order-row').count(), 1);
    // a status it does not have: nothing matches, and both filters are in the URL
    await page.getByTestId('orders-status-filter').selectOption('fulfilled');
    await page.waitForURL((u) => u.searchParams.get('status') === 'fulfilled' && u.searchParams.get('q') === email);
    await page.getByTestId('orders-empty').waitFor();
    assert.equal(await page.getByTestId('order-row').count(), 0);

    await page.getByTestId('nav-blacklist').click();
    const value = `spammer.${Date.now()}@example.com`;
    await page.getByTestId('blacklist-kind').selectOption('email');
    await page.getByTestId('blacklist-value').fill(value);
    await page.getByTestId('blacklist-reason').fill('e2e abuse');
    await page.getByTestId('blacklist-expires').fill('2020-01-01T10:00');
    await page.getByTestId('blacklist-add').click();
    assert.equal(await page.getByTestId('blacklist-form').getByTestId('error').innerText(), 'The expiry must be in the future.');
    assert.equal(await page.locator(`[data-testid=blacklist-row][data-value="${value}"]`).count(), 0);
    await page.getByTestId('blacklist-expires').fill('');
    await page.getByTestId('blacklist-add').click();
    const row = page.locator(`[data-testid=blacklist-row][data-value="${value}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-kind'), 'email');
    await row.getByTestId('blacklist-remove').click();
    await row.getByTestId('blacklist-remove-confirm').click();
    await row.waitFor({ state: 'detached' });

    const audit = await t.request('GET', '/v1/admin/audit', { token: t.adminToken });
    assert.equal(audit.status, 200);
    await page.getByTestId('nav-audit').click();
    const first = page.getByTestId('audit-row').first();
    await first.waitFor();
    assert.equal(await first.getAttribute('data-action'), audit.body.data[0].action, 'the newest entry comes first');
  } finally {
    await page.close();
  }
});
