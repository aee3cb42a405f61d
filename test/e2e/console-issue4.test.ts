import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startCustomersApp, type CustomersTestApp } from '../../src/modules/customers/customers.testing.ts';
import { launch, openConsole, skipBrowser as skip } from './browser.ts';

// The staff console of issue 4 in a real browser: a customer who signed up through the API is found by e-mail,
// blocked (their token stops working) and unblocked; their wallet opens from their page and takes a reviewed
// correction (a refused one leaves nothing); the trial balance is balanced; an IP block is refused for a bad
// CIDR with the API's reason, added, listed and lifted; the SMS outbox shows the sign-up code; the feedback
// inbox answers a customer, who reads the reply through the API.
const PASSWORD = 'correct horse battery staple 4';

let t: CustomersTestApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;

before(async () => {
  if (skip) return;
  t = await startCustomersApp();
  browser = await launch();
  ({ context, page } = await openConsole(browser, t.url));
});
after(async () => { await context?.close(); await browser?.close(); await t?.close(); });

test('console: find a customer, block and unblock them, trial balance, IP blocks, SMS outbox, feedback reply', { skip }, async () => {
  const email = `amara.${Date.now()}@example.com`;
  const phone = '+33612345678';

  // --- a customer signs up through the API; the code texted to them is in the dev outbox ---
  const s = await t.request('POST', '/v1/auth/signup', { body: { email, phone, password: PASSWORD } });
  assert.equal(s.status, 201, JSON.stringify(s.body));
  const signupCode = await t.smsCode(phone);
  const v = await t.request('POST', `/v1/auth/challenges/${s.body.challengeId}/verify`, { body: { code: signupCode } });
  assert.equal(v.status, 200, JSON.stringify(v.body));
  const customerId: string = s.body.customerId;
  const token: string = v.body.token;
  assert.equal((await t.request('GET', '/v1/me', { token })).status, 200);

  // --- find them by e-mail ---
  await page.getByTestId('nav-customers').click();
  await page.getByTestId('customers-q').fill(email);
  await page.getByTestId('customers-search').click();
  const row = page.locator(`[data-testid=customer-row][data-id="${customerId}"]`);
  await row.waitFor();
  assert.equal(await page.getByTestId('customer-row').count(), 1, 'an exact search finds one customer');
  assert.equal(await row.getAttribute('data-status'), 'active');
  await row.getByTestId('customer-link').click();
  const detail = page.locator(`[data-testid=customer-detail][data-customer-id="${customerId}"]`);
  await detail.waitFor();
  assert.equal(await page.getByTestId('customer-email').innerText(), email);
  assert.match(await page.getByTestId('customer-factors').innerText(), /SMS/);
  assert.equal(await page.getByTestId('customer-sessions').innerText(), '1');

  // --- block with a reason: the session ends, the token is refused ---
  await page.getByTestId('customer-block').click();
  await page.getByTestId('customer-block-reason').fill('card testing reported by the acquirer');
  await page.getByTestId('customer-block-confirm').click();
  await page.locator('[data-testid=customer-status][data-status=blocked]').waitFor();
  assert.equal(await page.getByTestId('customer-sessions').innerText(), '0');
  assert.match(await page.getByTestId('customer-history').innerText(), /card testing reported by the acquirer/);
  const refused = await t.request('GET', '/v1/me', { token });
  assert.ok(refused.status === 401 || refused.status === 403, `a blocked customer's token is refused (got ${refused.status})`);
  const blockedLogin = await t.request('POST', '/v1/auth/login', { body: { login: email, password: PASSWORD } });
  assert.equal(blockedLogin.status, 403, JSON.stringify(blockedLogin.body));

  // --- unblock: they can log in again ---
  await page.getByTestId('customer-unblock').click();
  await page.getByTestId('customer-unblock-reason').fill('acquirer confirmed a false alarm');
  await page.getByTestId('customer-unblock-confirm').click();
  await page.locator('[data-testid=customer-status][data-status=active]').waitFor();
  const token2 = await t.loginSms(email, PASSWORD, phone);
  assert.equal((await t.request('GET', '/v1/me', { token: token2 })).status, 200);
  const audit = await t.request('GET', '/v1/admin/audit', { token: t.adminToken });
  const actions = (audit.body.data as Array<{ action: string; subjectId: string | null }>).filter((a) => a.subjectId === customerId).map((a) => a.action);
  assert.ok(actions.includes('customer.blocked') && actions.includes('customer.unblocked'), `block and unblock are audited: ${actions.join(', ')}`);

  // --- their wallet: from their page to the account page ---
  const wallet = page.getByTestId('customer-account-row').first();
  await wallet.waitFor();
  const accountId = (await wallet.getAttribute('data-id'))!;
  await wallet.locator('a').click();
  await page.locator(`[data-testid=account-detail][data-account-id="${accountId}"]`).waitFor();
  assert.equal(await page.getByTestId('account-posted').getAttribute('data-amount'), '0');
  await page.getByTestId('transfers-empty').waitFor();

  // --- a correction from the page (reviewed, then ticked): debiting the empty wallet is refused, crediting it posts ---
  const currency = (await t.request('GET', `/v1/admin/ledger/accounts/${accountId}`, { token: t.adminToken })).body.currency as string;
  const suspense = await t.tg.services.ledger.systemAccount('suspense', currency);
  await page.getByTestId('correction-open').click();
  await page.getByTestId('correction-side').selectOption('debit');
  await page.getByTestId('correction-other').fill(suspense.id);
  await page.getByTestId('correction-amount').fill('12.50');
  await page.getByTestId('correction-description').fill('Goodwill credit for a delayed top-up');
  await page.getByTestId('correction-reason').fill('support ticket 4711');
  await page.getByTestId('correction-review-btn').click();
  assert.equal(await page.getByTestId('correction-review-debit').innerText(), `${accountId} (this account)`);
  assert.equal(await page.getByTestId('correction-confirm').isDisabled(), true, 'posting needs the tick');
  await page.getByTestId('correction-check').check();
  await page.getByTestId('correction-confirm').click();
  assert.match(await page.getByTestId('correction-error').innerText(), /insufficient funds/);
  await page.getByRole('button', { name: 'Back to edit' }).click();
  await page.getByTestId('correction-side').selectOption('credit');
  await page.getByTestId('correction-review-btn').click();
  assert.equal(await page.getByTestId('correction-review-credit').innerText(), `${accountId} (this account)`);
  await page.getByTestId('correction-check').check();
  await page.getByTestId('correction-confirm').click();
  await page.getByTestId('correction-done').waitFor();
  await page.locator('[data-testid=account-posted][data-amount="1250"]').waitFor();
  const corrRow = page.locator('[data-testid=transfer-row][data-direction=credit]');
  await corrRow.waitFor();
  assert.equal(await page.getByTestId('transfer-row').count(), 1, 'the refused attempt left nothing behind');
  assert.match(await corrRow.innerText(), /Goodwill credit for a delayed top-up/);
  await corrRow.getByTestId('transfer-link').click();
  await page.getByTestId('transfer-detail').waitFor();
  assert.equal(await page.getByTestId('transfer-debit').innerText(), suspense.id);
  assert.equal(await page.getByTestId('transfer-credit').innerText(), accountId);

  // --- the trial balance is balanced, with the correction in it ---
  await page.getByTestId('nav-trial-balance').click();
  const tb = page.getByTestId('tb-status');
  await tb.waitFor();
  assert.equal(await tb.getAttribute('data-balanced'), 'true');
  assert.match(await tb.innerText(), /Balanced/);
  const tbRow = page.locator(`[data-testid=tb-row][data-currency="${currency}"]`);
  assert.equal(await tbRow.getAttribute('data-balanced'), 'true');
  const api = (await t.request('GET', '/v1/admin/ledger/trial-balance', { token: t.adminToken })).body;
  const cur = (api.currencies as Array<{ currency: string; debits: number; credits: number }>).find((c) => c.currency === currency)!;
  assert.deepEqual([api.balanced, cur.debits, cur.credits], [true, 1250, 1250]);

  // --- IP blocks: a bad CIDR is refused with the API's reason; a good one is listed, then lifted ---
  await page.getByTestId('nav-ip-blocks').click();
  await page.getByTestId('ipblock-form').waitFor();
  await page.getByTestId('ipblock-cidr').fill('198.51.100.0/33');
  await page.getByTestId('ipblock-reason').fill('scanner seen in the security events');
  await page.getByTestId('ipblock-submit').click();
  assert.match(await page.getByTestId('ipblock-error').innerText(), /at most \/32/);
  await page.getByTestId('ipblock-cidr').fill('198.51.100.0/24');
  await page.getByTestId('ipblock-expires').fill('2');
  await page.getByTestId('ipblock-submit').click();
  const blockRow = page.locator('[data-testid=ipblock-row][data-cidr="198.51.100.0/24"]');
  await blockRow.waitFor();
  assert.equal(await blockRow.getAttribute('data-status'), 'active');
  assert.equal(await page.getByTestId('ipblock-error').count(), 0, 'the error is gone once the block is added');
  const listed = await t.request('GET', '/v1/admin/security/ip-blocks', { token: t.adminToken });
  const stored = (listed.body.data as Array<{ id: string; cidr: string; expiresAt: string | null }>).find((b) => b.cidr === '198.51.100.0/24');
  assert.ok(stored?.expiresAt, 'the block expires');
  const hours = (Date.parse(stored!.expiresAt!) - Date.now()) / 3_600_000;
  assert.ok(hours > 1.9 && hours <= 2, `it expires in 2 hours (${hours.toFixed(2)})`);
  await blockRow.getByTestId('ipblock-remove').click();
  await blockRow.getByTestId('ipblock-remove-confirm').click();
  await blockRow.waitFor({ state: 'detached' });
  const after = await t.request('GET', '/v1/admin/security/ip-blocks', { token: t.adminToken });
  assert.equal((after.body.data as Array<{ cidr: string }>).filter((b) => b.cidr === '198.51.100.0/24').length, 0, 'no active block is left');

  // --- the SMS outbox shows the sign-up code ---
  await page.getByTestId('nav-sms-outbox').click();
  await page.locator(`[data-testid=sms-row][data-to="${phone}"]`).first().waitFor();
  const codes = await page.locator(`[data-testid=sms-row][data-to="${phone}"] [data-testid=sms-code]`).allInnerTexts();
  assert.ok(codes.includes(signupCode), `the sign-up code ${signupCode} is shown (${codes.join(', ')})`);

  // --- feedback: the customer writes, staff reply from the inbox, the customer reads the reply ---
  const fb = await t.request('POST', '/v1/me/feedback', { token: token2, body: { subject: 'Top-up not showing', text: 'I paid 50 000 but my balance is still 0.' } });
  assert.equal(fb.status, 201, JSON.stringify(fb.body));
  const threadId: string = fb.body.id;
  await page.getByTestId('nav-feedback').click();
  await page.getByTestId('feedback-tab-open').click();
  const threadRow = page.locator(`[data-testid=thread-row][data-id="${threadId}"]`);
  await threadRow.waitFor();
  await threadRow.getByTestId('thread-link').click();
  await page.locator('[data-testid=thread-status][data-status=open]').waitFor();
  assert.match(await page.locator('[data-testid=thread-message][data-from=customer]').innerText(), /balance is still 0/);
  const reply = 'Thanks, Amara: the payment is still with the gateway and will arrive within the hour.';
  await page.getByTestId('reply-text').fill(reply);
  await page.getByTestId('reply-send').click();
  await page.locator('[data-testid=thread-status][data-status=answered]').waitFor();
  assert.match(await page.locator('[data-testid=thread-message][data-from=staff]').innerText(), /within the hour/);
  const seen = await t.request('GET', `/v1/me/feedback/${threadId}`, { token: token2 });
  assert.equal(seen.status, 200, JSON.stringify(seen.body));
  assert.equal(seen.body.status, 'answered');
  assert.deepEqual((seen.body.messages as Array<{ from: string; text: string }>).map((m) => [m.from, m.text]), [['customer', 'I paid 50 000 but my balance is still 0.'], ['staff', reply]]);
  // closing moves it to the closed tab
  await page.getByTestId('thread-close').click();
  await page.getByTestId('thread-close-confirm').click();
  await page.locator('[data-testid=thread-status][data-status=closed]').waitFor();
  assert.equal((await t.request('GET', `/v1/me/feedback/${threadId}`, { token: token2 })).body.status, 'closed');
  // the customer's page lists their threads
  await page.goto(`${t.url}/console/customers/${customerId}`);
  await page.locator(`[data-testid=customer-thread][data-id="${threadId}"]`).waitFor();
});

test('console: an analyst sees customers, the ledger and security read-only; no SMS outbox, feedback or actions', { skip }, async () => {
  const created = await t.request('POST', '/v1/admin/staff', { token: t.adminToken, body: { email: 'nia.analyst@test.local', name: 'Nia Analyst', role: 'analyst', password: 'analyst-password-1' } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { customerId } = await t.signup({ email: `kofi.${Date.now()}@example.com`, phone: '+33698765401', password: PASSWORD });
  const wallet = (await t.request('GET', `/v1/admin/ledger/accounts?ownerId=${customerId}`, { token: t.adminToken })).body.data[0].id as string;

  const { context: ctx, page: p } = await openConsole(browser, t.url, { creds: { email: 'nia.analyst@test.local', password: 'analyst-password-1' } });
  try {
    const nav = p.getByTestId('console-nav');
    for (const id of ['nav-customers', 'nav-trial-balance', 'nav-ledger-accounts', 'nav-security-events', 'nav-ip-blocks', 'nav-gateway', 'nav-bill-postings']) {
      assert.equal(await nav.getByTestId(id).count(), 1, `${id} is listed`);
    }
    for (const id of ['nav-sms-outbox', 'nav-feedback']) assert.equal(await nav.getByTestId(id).count(), 0, `${id} is hidden`);

    await p.goto(`${t.url}/console/customers/${customerId}`);
    await p.getByTestId('customer-accounts').waitFor();
    assert.equal(await p.getByTestId('customer-actions').count(), 0, 'no block/unblock/reset without customers:write');
    assert.equal(await p.getByTestId('customer-feedback').count(), 0, 'no feedback without feedback:read');

    await p.goto(`${t.url}/console/ledger-accounts/${wallet}`);
    await p.getByTestId('account-transfers').waitFor();
    assert.equal(await p.getByTestId('correction-open').count(), 0, 'no corrections without ledger:write');

    await p.getByTestId('nav-ip-blocks').click();
    await p.locator('[data-testid=ipblocks-empty], [data-testid=ipblocks-table]').first().waitFor();
    assert.equal(await p.getByTestId('ipblock-form').count(), 0, 'no blocking without security:write');

    await p.goto(`${t.url}/console/sms-outbox`);
    await p.getByTestId('not-found').waitFor();
  } finally {
    await ctx.close();
  }
});
