import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.ts';
import { CHROME_UA as CHROME, launch, openConsole, skipBrowser as skip } from './browser.ts';

// The risk console: rule editor with live compile errors and a backtest; the review queue of held checkouts.
// The risk engine blocks HeadlessChrome as a bot, so the browser (and the API buyer) say they are Chrome.

let t: TestApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;

before(async () => {
  if (skip) return;
  // Auth-capture: the sandbox only authorizes; the risk check captures, or holds for review above 5 USD.
  t = await startTestApp({ RISK: 'true', SANDBOX_CAPTURE: 'manual', FRAUD_AUTO_CAPTURE_LIMIT_USD: '5' });
  browser = await launch();
  // One signed-in tab for the file (the console keeps its session in sessionStorage, per tab).
  ({ context, page } = await openConsole(browser, t.url));
});
after(async () => { await context?.close(); await browser?.close(); await t?.close(); });

/** Stores a checkout decision through the API (a residential US IP, a human pace) so a backtest has data. */
async function evaluate(email: string, usd: number, ip: string) {
  const r = await t.request('POST', '/v1/risk/evaluate', {
    token: t.adminToken,
    body: { kind: 'checkout', email, ip, userAgent: CHROME, checkoutDurationMs: 40_000, amount: { amount: usd * 100, currency: 'USD' } },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

test('rule editor: a compile error shows its line and column and is marked; fixed, the rule saves and is listed; a backtest counts matches', { skip }, async () => {
  await evaluate('first@mailinator.com', 200, '73.10.1.9');
  await evaluate('second@mailinator.com', 150, '73.10.2.9');
  await evaluate('third@gmail.com', 300, '73.10.3.9');

  await page.getByTestId('nav-risk-rules').click();
  await page.getByTestId('rules-table').waitFor();
  // the table frame renders before its rows arrive: wait for the row, then count it
  await page.locator('[data-testid=rule-row][data-name="Bot user agent"]').waitFor();
  assert.ok(await page.locator('[data-testid=rule-row][data-name="Bot user agent"]').count() === 1, 'the built-in pack is listed');
  await page.getByTestId('rule-new').click();
  await page.getByTestId('rule-editor').waitFor();

  await page.getByTestId('rule-name').fill('Big disposable checkout');
  const expr = page.getByTestId('rule-expression');
  await expr.fill('amount.usd > 100 and\n  email.domian == "mailinator.com"');
  const err = page.getByTestId('expr-error');
  await err.waitFor();
  assert.equal(await err.getAttribute('data-line'), '2');
  assert.equal(await err.getAttribute('data-column'), '3');
  assert.match(await page.getByTestId('expr-error-location').innerText(), /Line 2, column 3/);
  assert.match(await page.getByTestId('expr-error-message').innerText(), /email\.domain/, 'suggests the right feature');
  assert.equal(await page.getByTestId('expr-mark').innerText(), 'email.domian', 'the wrong path is marked in the editor');
  assert.equal(await expr.getAttribute('aria-invalid'), 'true');

  await expr.fill('amount.usd > 100 and\n  email.domain == "mailinator.com"');
  await page.getByTestId('expr-ok').waitFor();
  assert.equal(await err.count(), 0);
  assert.match(await page.getByTestId('expr-ok').innerText(), /amount\.usd/);

  await page.getByTestId('rule-action-select').selectOption('review');
  await page.getByTestId('rule-mode-shadow').check();
  await page.getByTestId('rule-save').click();

  await page.getByTestId('rule-saved').waitFor();
  const row = page.locator('[data-testid=rule-row][data-name="Big disposable checkout"]');
  await row.waitFor();
  assert.equal(await row.getAttribute('data-mode'), 'shadow');
  assert.equal(await row.locator('[data-testid=rule-action]').getAttribute('data-action'), 'review');
  const saved = (await t.request('GET', '/v1/admin/risk/rules', { token: t.adminToken })).body.data.find((r: any) => r.name === 'Big disposable checkout');
  assert.equal(saved.expression, 'amount.usd > 100 and\n  email.domain == "mailinator.com"');

  // quick toggle from the list: shadow → active
  await row.getByTestId('rule-mode-to-active').click();
  await page.locator('[data-testid=rule-row][data-name="Big disposable checkout"][data-mode=active]').waitFor();

  // open it again: version history, then backtest over the last 7 days (the default range)
  await row.getByTestId('rule-link').click();
  await page.locator('[data-testid=rule-version]').first().waitFor();
  assert.equal(await page.getByTestId('rule-version').count(), 2, 'created (v1) and switched to active (v2)');
  await page.getByTestId('backtest-run').click();
  const result = page.getByTestId('backtest-result');
  await result.waitFor();
  assert.ok(Number(await result.getAttribute('data-evaluated')) >= 3, 'every stored decision of the period is evaluated');
  assert.equal(await result.getAttribute('data-matched'), '2', 'the two large mailinator checkouts match');
  assert.equal((await page.getByTestId('bt-matched').innerText()).split(/\s/)[0], '2');
  assert.equal(await page.getByTestId('bt-allow').innerText(), '2');
});

test('review queue: a held checkout is approved from the console and the order is delivered', { skip }, async () => {
  const p = await t.product('starfall-odyssey-key'); // ≈ 14 USD, above the 5 USD auto-capture limit
  const o = await t.createOrder(
    { email: 'held.buyer@example.com', items: [{ productId: p.id, quantity: 1 }], deviceId: `dev_e2e_${Date.now()}`, checkoutDurationMs: 25_000 },
    { 'user-agent': CHROME },
  );
  assert.equal(o.status, 201, JSON.stringify(o.body));
  await t.pay(o.body.payment.checkoutUrl);
  const held = await t.waitForOrder(o.body.id, o.body.clientSecret, 'on_hold');
  assert.equal(held.holdReason, 'risk_review');

  await page.getByTestId('nav-risk-reviews').click();
  const item = page.locator(`[data-testid=review-item][data-order-id="${o.body.id}"]`);
  await item.waitFor();
  assert.match(await item.getByTestId('review-card').innerText(), /^\d{6}…\d{4}$/, 'card shown as BIN…last4');
  assert.match(await item.getByTestId('review-amount').innerText(), /225/);
  assert.ok(await item.getByTestId('score').count() === 1);
  assert.equal(await item.getByTestId('review-order-link').getAttribute('href'), `/console/orders/${o.body.id}`);

  await item.getByTestId('review-approve').click();
  await item.getByTestId('review-approve-reason').fill('known customer, e2e');
  await item.getByTestId('review-approve-confirm').click();
  await page.getByTestId('review-done').waitFor();

  const done = await t.waitForOrder(o.body.id, o.body.clientSecret, 'fulfilled');
  assert.deepEqual(done.history.map((h: any) => h.to), ['pending_payment', 'on_hold', 'paid', 'fulfilling', 'fulfilled']);
  await page.getByTestId('reviews-refresh').click();
  await item.waitFor({ state: 'detached' });

  // the decision is labelled legit; its drawer shows reasons, features and the label
  await page.getByTestId('nav-risk-decisions').click();
  const drow = page.locator(`[data-testid=decision-row][data-subject-id="${o.body.id}"]`);
  await drow.waitFor();
  await drow.getByTestId('decision-open').click();
  const drawer = page.getByTestId('decision-detail');
  await drawer.waitFor();
  assert.equal(await drawer.getByTestId('decision-label').getAttribute('data-label'), 'legit');
  assert.ok(await drawer.locator('[data-testid=detail-features] tr[data-feature="amount.usd"]').count() === 1);
  // relabel from the drawer (a chargeback came in after all)
  await drawer.getByTestId('label-reason').fill('chargeback received');
  await drawer.getByTestId('label-fraud').click();
  await drawer.locator('[data-testid=decision-label][data-label=fraud]').waitFor();
  const decisionId = await drawer.getAttribute('data-decision-id');
  const stored = await t.request('GET', `/v1/admin/risk/decisions/${decisionId}`, { token: t.adminToken });
  assert.equal(stored.body.label, 'fraud');
  assert.equal(stored.body.labelReason, 'chargeback received');
  await page.getByTestId('decision-drawer-close').click();
  await drawer.waitFor({ state: 'detached' });
  await drow.locator('[data-testid=decision-label][data-label=fraud]').waitFor();

  // the fraud report downloads as a CSV file (fetched with the staff token)
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('decisions-csv').click()]);
  assert.match(download.suggestedFilename(), /^fraud-report-\d{4}-\d{2}-\d{2}\.csv$/);
  const chunks: Buffer[] = [];
  for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
  const csv = Buffer.concat(chunks).toString('utf8');
  assert.match(csv.split('\r\n')[0], /^decision_id,created_at,kind/);
  assert.ok(csv.includes(o.body.id), 'the order is in the report');
});

test('decisions list: filters are kept in the URL and survive a reload; "Load more" pages past the first 50; a rule nobody fired shows the empty state; Clear filters', { skip }, async () => {
  for (let i = 0; i < 55; i++) await evaluate(`pager${i}@gmail.com`, 1, `73.40.${i}.9`);
  const all = await t.request('GET', '/v1/admin/risk/decisions?decision=allow&limit=500', { token: t.adminToken });
  const total: number = all.body.data.length;
  assert.ok(total > 50 && total <= 100, `two pages of allowed decisions (${total})`);

  await page.getByTestId('nav-risk-decisions').click();
  await page.getByTestId('decisions-decision').selectOption('allow');
  await page.waitForURL((u) => u.searchParams.get('decision') === 'allow');
  await page.reload();
  await page.getByTestId('decisions-load-more').waitFor();
  assert.equal(await page.getByTestId('decisions-decision').inputValue(), 'allow', 'the filter is read back from the URL');
  const rows = page.getByTestId('decision-row');
  assert.equal(await rows.count(), 50);

  await page.getByTestId('decisions-load-more').click();
  await rows.nth(50).waitFor();
  await page.getByTestId('decisions-load-more').waitFor({ state: 'detached' });
  assert.equal(await rows.count(), total, 'the second page is appended and there is no third');
  const shown = await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-decision-id'), e.getAttribute('data-decision')]));
  assert.ok(shown.every(([, d]) => d === 'allow'), 'only allowed decisions');
  assert.equal(new Set(shown.map(([id]) => id)).size, total, 'no decision twice');

  // a rule name typed into the filter reaches the URL after a pause; no decision fired it
  await page.getByTestId('decisions-rule').fill('no_such_rule');
  await page.waitForURL((u) => u.searchParams.get('rule') === 'no_such_rule');
  await page.getByTestId('decisions-empty').waitFor();
  assert.equal(await rows.count(), 0);

  await page.getByTestId('decisions-clear').click();
  await page.waitForURL((u) => u.search === '');
  assert.equal(await page.getByTestId('decisions-rule').inputValue(), '');
  assert.equal(await page.getByTestId('decisions-decision').inputValue(), '');
  await page.getByTestId('decisions-load-more').waitFor();
});

test('review queue: rejecting a held checkout needs a reason; with "also block" the order is cancelled and its e-mail is on the block list', { skip }, async () => {
  const p = await t.product('starfall-odyssey-key');
  const email = `rejected.${Date.now()}@example.com`;
  const o = await t.createOrder(
    { email, items: [{ productId: p.id, quantity: 1 }], deviceId: `dev_e2e_reject_${Date.now()}`, checkoutDurationMs: 25_000 },
    { 'user-agent': CHROME },
  );
  assert.equal(o.status, 201, JSON.stringify(o.body));
  await t.pay(o.body.payment.checkoutUrl);
  await t.waitForOrder(o.body.id, o.body.clientSecret, 'on_hold');

  await page.getByTestId('nav-risk-reviews').click();
  const item = page.locator(`[data-testid=review-item][data-order-id="${o.body.id}"]`);
  await item.waitFor();
  await item.getByTestId('review-reject').click();
  const confirm = item.getByTestId('review-reject-confirm');
  assert.equal(await confirm.isDisabled(), true, 'no rejection without a reason');
  await item.getByTestId('review-reject-reason').fill('stolen card, e2e');
  await item.getByTestId('review-reject-blacklist').check();
  await confirm.click();
  assert.match(await page.getByTestId('review-done').innerText(), /authorization is voided.*e-mail and card are blocked/);
  await t.waitForOrder(o.body.id, o.body.clientSecret, 'cancelled');

  // the risk lists, filtered through the URL-kept selects, show the blocked e-mail
  await page.getByTestId('nav-risk-lists').click();
  await page.getByTestId('lists-filter-list').selectOption('block');
  await page.getByTestId('lists-filter-kind').selectOption('email');
  await page.waitForURL((u) => u.searchParams.get('list') === 'block' && u.searchParams.get('kind') === 'email');
  await page.locator(`[data-testid=list-row][data-value="${email}"]`).waitFor();
  const listed = await page.getByTestId('list-row').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-list')}/${e.getAttribute('data-kind')}`));
  assert.ok(listed.every((k) => k === 'block/email'), listed.join(' '));
});
