import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launch, skipBrowser as skip } from './browser.ts';

let t: TestApp;
let browser: Browser;
// The storefront as a new user gets it: the risk engine on (its default), a normal browser.
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
before(async () => { if (skip) return; t = await startTestApp({ RISK: 'true' }); browser = await launch(); });
after(async () => { await browser?.close(); await t?.close(); });

async function openProduct(page: Page, sku: string) {
  await page.goto(`${t.url}/`);
  const card = page.locator(`[data-testid=product-card][data-sku="${sku}"]`);
  await card.waitFor();
  await card.getByTestId('buy-button').click();
  await page.getByTestId('checkout-form').waitFor();
}

test('storefront (phone size): a top-up — the user id is checked as it is typed, pay on the gateway page, the order page turns to delivered by itself', { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, userAgent: CHROME });
  await openProduct(page, 'demo-coins-1200-api');
  const uid = page.getByTestId('platform-user-id-input');
  await uid.fill('nobody.here');
  await page.locator('[data-testid=user-id-status][data-state=not_found]').waitFor();
  assert.equal(await page.getByTestId('pay-button').isDisabled(), true, 'cannot pay for an unknown user');
  await uid.fill('alice.gamer');
  await page.locator('[data-testid=user-id-status][data-state=found]').waitFor();
  assert.match(await page.getByTestId('platform-display-name').innerText(), /\w/);
  await page.getByTestId('email-input').fill('alice@example.com');
  await page.getByTestId('pay-button').click();
  await page.waitForURL(/\/sandbox\/checkout\//);
  await page.locator('#pay').click();
  await page.waitForURL(/\/orders\/ord_/);
  await page.locator('[data-testid=order-status][data-status=fulfilled]').waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('delivered-coins').innerText(), /1,?200/);
  await page.close();
});

test('storefront: a game key — delivered code shown on the order page', { skip }, async () => {
  const page = await browser.newPage({ userAgent: CHROME });
  await openProduct(page, 'starfall-odyssey-key');
  await page.getByTestId('email-input').fill('keys@example.com');
  await page.getByTestId('pay-button').click();
  await page.waitForURL(/\/sandbox\/checkout\//);
  await page.locator('#pay').click();
  await page.locator('[data-testid=order-status][data-status=fulfilled]').waitFor({ timeout: 30_000 });
  const code = await page.getByTestId('delivered-code').first().innerText();
  assert.match(code, /[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}/);
  const orderId = new URL(page.url()).pathname.split('/').pop()!;
  const admin = await t.request('GET', `/v1/admin/orders/${orderId}`, { token: t.adminToken });
  assert.equal(admin.body.fulfilments[0].delivered.codes[0], code.trim());
  // the risk engine saw the checkout as the storefront described it
  const decisions = await t.request('GET', '/v1/admin/risk/decisions?kind=checkout', { token: t.adminToken });
  const d = decisions.body.data.find((x: any) => x.subjectId === orderId);
  assert.equal(d.decision, 'allow');
  assert.match(d.features['device.id'], /^dev_/);
  assert.ok(d.features['checkout.duration_ms'] > 0);
  assert.equal(d.features['user_agent.is_bot'], false);
  await page.close();
});

test('storefront: the server refuses what the page would not send (validation on both sides)', { skip }, async () => {
  const page = await browser.newPage({ userAgent: CHROME });
  await openProduct(page, 'starfall-odyssey-key');
  await page.getByTestId('email-input').fill('not-an-email');
  await page.getByTestId('pay-button').click();
  await page.getByTestId('email-error').waitFor();
  assert.equal(new URL(page.url()).pathname, '/', 'stays on the storefront');
  await page.close();
});
