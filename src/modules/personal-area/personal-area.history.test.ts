import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPersonalAreaApp, type Customer, type PaTestApp } from './personal-area.testing.ts';

let t: PaTestApp;
let c: Customer;
let all: any[]; // the customer's whole history, newest first
let usdWallet: string;
let eurWallet: string;

before(async () => {
  t = await startPersonalAreaApp();
  c = await t.customer('history');
  const ledger = t.tg.services.ledger;
  usdWallet = (await ledger.walletOf(c.customerId, 'USD'))!.id;
  eurWallet = (await ledger.openAccount({ ownerType: 'customer', ownerId: c.customerId, currency: 'EUR' })).id;
  const clearingUsd = (await ledger.systemAccount('gateway_clearing', 'USD')).id;
  const clearingEur = (await ledger.systemAccount('gateway_clearing', 'EUR')).id;
  const fees = (await ledger.systemAccount('fees', 'USD')).id;
  // 30 operations over two accounts: money in (top-ups of 1000..3900, refunds) and out (fees)
  for (let i = 0; i < 30; i++) {
    const eur = i % 5 === 4;
    const out = !eur && i % 3 === 2;
    await ledger.transferOne({
      id: `hist:${c.customerId}:${i}`,
      debitAccountId: eur ? clearingEur : out ? usdWallet : clearingUsd,
      creditAccountId: eur ? eurWallet : out ? fees : usdWallet,
      amount: out ? 100 + i : 1000 + i * 100, currency: eur ? 'EUR' : 'USD',
      kind: out ? 'fee' : i % 4 === 1 ? 'refund' : 'topup', description: `operation ${i}`,
    });
  }
  const r = await t.request('GET', '/v1/me/transactions?limit=100', { token: c.token });
  assert.equal(r.status, 200);
  all = r.body.data;
});
after(async () => { await t?.close(); });

const get = (q: string, token = c.token) => t.request('GET', `/v1/me/transactions${q}`, { token });
async function pages(q: string, limit: number): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const r = await get(`?${q}${q ? '&' : ''}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.data.length <= limit);
    out.push(...r.body.data);
    cursor = r.body.nextCursor;
    if (!cursor) return out;
  }
  throw new Error('paging did not end');
}

test('the history covers every account of the customer, newest first, seen from the customer\'s side', async () => {
  assert.equal(all.length, 30);
  const times = all.map((x) => Date.parse(x.createdAt));
  assert.deepEqual(times, [...times].sort((a, b) => b - a));
  const fee = all.find((x) => x.description === 'operation 2');
  assert.deepEqual({ kind: fee.kind, direction: fee.direction, amount: fee.amount, status: fee.status }, { kind: 'fee', direction: 'out', amount: { amount: 102, currency: 'USD' }, status: 'posted' });
  const eur = all.find((x) => x.description === 'operation 4');
  assert.deepEqual({ direction: eur.direction, amount: eur.amount }, { direction: 'in', amount: { amount: 1400, currency: 'EUR' } });
  for (const x of all) assert.deepEqual(Object.keys(x).sort(), ['amount', 'commentsCount', 'createdAt', 'description', 'direction', 'id', 'kind', 'receiptAvailable', 'reference', 'status']);
  const accounts = await t.request('GET', '/v1/me/accounts', { token: c.token });
  assert.deepEqual(accounts.body.data.map((a: any) => a.currency).sort(), ['EUR', 'USD']);
});

test('cursor paging is stable: every operation exactly once, in order, whatever the page size', async () => {
  for (const size of [1, 7, 30]) {
    const paged = await pages('', size);
    assert.deepEqual(paged.map((x) => x.id), all.map((x) => x.id), `page size ${size}`);
  }
  // a new operation arriving while paging does not shift the pages already handed out
  const first = await get('?limit=10');
  await t.tg.services.ledger.transferOne({
    id: `hist:${c.customerId}:late`, debitAccountId: (await t.tg.services.ledger.systemAccount('gateway_clearing', 'USD')).id, creditAccountId: usdWallet,
    amount: 5, currency: 'USD', kind: 'topup', description: 'late arrival',
  });
  const second = await get(`?limit=10&cursor=${encodeURIComponent(first.body.nextCursor)}`);
  assert.deepEqual(second.body.data.map((x: any) => x.id), all.slice(10, 20).map((x) => x.id));
  all = (await get('?limit=100')).body.data;
  assert.equal(all[0].description, 'late arrival');
});

test('filters: kind, direction, amount range, dates — each page of a filter holds only matches and all of them', async () => {
  const check = async (q: string, pred: (x: any) => boolean, size = 4) => {
    const want = all.filter(pred).map((x) => x.id);
    assert.ok(want.length > 0, `${q} matches something`);
    const got = await pages(q, size);
    assert.deepEqual(got.map((x) => x.id), want, q);
  };
  await check('kind=fee', (x) => x.kind === 'fee');
  await check('kind=topup,refund', (x) => x.kind === 'topup' || x.kind === 'refund');
  await check('direction=out', (x) => x.direction === 'out', 2);
  await check('direction=in', (x) => x.direction === 'in', 5);
  await check('minAmount=1500&maxAmount=2500', (x) => x.amount.amount >= 1500 && x.amount.amount <= 2500);
  await check('direction=in&kind=refund&minAmount=2000', (x) => x.direction === 'in' && x.kind === 'refund' && x.amount.amount >= 2000, 1);
  const from = all[20].createdAt;
  const to = all[5].createdAt;
  await check(`from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, (x) => Date.parse(x.createdAt) >= Date.parse(from) && Date.parse(x.createdAt) < Date.parse(to));
  const none = await get('?kind=chargeback');
  assert.deepEqual(none.body, { data: [], nextCursor: null });
});

test('bad filters answer 400 with the error body', async () => {
  const cursorOfOther = Buffer.from('1700000000000|not-a-transfer').toString('base64url');
  for (const q of ['?kind=bogus', '?kind=topup,', '?direction=sideways', '?minAmount=-1', '?minAmount=abc', '?minAmount=500&maxAmount=100', '?from=yesterday',
    `?from=${encodeURIComponent('2026-02-01T00:00:00Z')}&to=${encodeURIComponent('2026-01-01T00:00:00Z')}`, '?cursor=%%%', `?cursor=${cursorOfOther}`, '?limit=0', '?limit=101', '?sort=asc']) {
    const r = await get(q);
    assert.equal(r.status, 400, `${q} → ${r.status} ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, 'validation_failed', q);
    assert.equal(typeof r.body.error.message, 'string');
  }
});

test('one transaction with its comments; a hold shows pending, then voided, and has no receipt', async () => {
  const one = await t.request('GET', `/v1/me/transactions/${all[3].id}`, { token: c.token });
  assert.equal(one.status, 200);
  assert.deepEqual({ ...one.body, comments: undefined }, { ...all[3], comments: undefined });
  assert.deepEqual(one.body.comments, []);

  const ledger = t.tg.services.ledger;
  const card = (await ledger.systemAccount('card_settlement', 'USD')).id;
  const [hold] = await ledger.transfer([{ id: `hold:${c.customerId}`, type: 'pending', debitAccountId: usdWallet, creditAccountId: card, amount: 300, currency: 'USD', kind: 'card_hold', description: 'Card: Coffee Shop', timeoutSeconds: 3600 }]);
  const h = await t.request('GET', `/v1/me/transactions/${hold.id}`, { token: c.token });
  assert.deepEqual({ status: h.body.status, direction: h.body.direction, receiptAvailable: h.body.receiptAvailable }, { status: 'pending', direction: 'out', receiptAvailable: false });
  const acc = (await t.request('GET', '/v1/me/accounts', { token: c.token })).body.data.find((a: any) => a.currency === 'USD');
  assert.equal(acc.pending.amount, 300);
  assert.equal(acc.available.amount, acc.balance.amount - 300);
  const noReceipt = await t.request('GET', `/v1/me/transactions/${hold.id}/receipt.pdf`, { token: c.token });
  assert.equal(noReceipt.status, 409);
  assert.match(noReceipt.body.error.message, /pending/);
  const [voided] = await ledger.transfer([{ id: `void:${c.customerId}`, type: 'void_pending', pendingId: hold.id }]);
  const v = await t.request('GET', `/v1/me/transactions/${hold.id}`, { token: c.token });
  assert.equal(v.body.status, 'voided');
  // the transfer that resolved the hold is not a line of its own
  assert.equal((await t.request('GET', `/v1/me/transactions/${voided.id}`, { token: c.token })).status, 404);
  const list = (await get('?limit=100')).body.data;
  assert.equal(list.filter((x: any) => x.id === hold.id).length, 1);
  assert.equal(list.filter((x: any) => x.id === voided.id).length, 0);
  all = list;
  await t.assertBalanced();
});

test('receipts: printable HTML and a real PDF with the company, masked customer, amounts and a code the public check accepts', async () => {
  const topup = all.find((x) => x.kind === 'topup' && x.amount.currency === 'USD');
  const html = await t.request('GET', `/v1/me/transactions/${topup.id}/receipt`, { token: c.token });
  assert.equal(html.status, 200);
  assert.match(html.headers.get('content-type')!, /^text\/html/);
  const page: string = html.body;
  assert.ok(page.includes('Tollgate Demo Ltd'));
  assert.ok(page.includes('1 Demo Street'));
  assert.ok(page.includes(topup.reference));
  assert.ok(!page.includes(c.email), 'the customer is masked');
  assert.ok(page.includes(`@example.com`));
  const code = /class="code">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</.exec(page)?.[1];
  assert.ok(code, 'the page shows the verification code');
  assert.ok(page.includes(`/v1/receipts/verify?code=${code}`));

  const pdf = await fetch(`${t.url}/v1/me/transactions/${topup.id}/receipt.pdf`, { headers: { authorization: `Bearer ${c.token}` } });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(pdf.headers.get('content-disposition'), `attachment; filename="receipt-${topup.reference}.pdf"`);
  const bytes = Buffer.from(await pdf.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  assert.ok(bytes.subarray(-6).toString().includes('%%EOF'));

  const ok = await t.request('GET', `/v1/receipts/verify?code=${code}`);
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body.receipt.amount, topup.amount);
  assert.equal(ok.body.receipt.reference, topup.reference);
  assert.equal(ok.body.receipt.company, 'Tollgate Demo Ltd');
  assert.equal(ok.body.valid, true);
  assert.ok(!JSON.stringify(ok.body).includes(c.customerId) && !JSON.stringify(ok.body).includes('@'), 'no personal data');
  // typed by hand: lower case, no dashes
  assert.equal((await t.request('GET', `/v1/receipts/verify?code=${code!.toLowerCase().replace(/-/g, '')}`)).body.valid, true);
  // the same receipt keeps its code
  const again = await t.request('GET', `/v1/me/transactions/${topup.id}/receipt`, { token: c.token });
  assert.ok((again.body as string).includes(code!));
  // one character changed, or nonsense: not valid
  const last = code!.slice(-1);
  const tampered = code!.slice(0, -1) + (last === 'A' ? 'B' : 'A');
  assert.deepEqual((await t.request('GET', `/v1/receipts/verify?code=${tampered}`)).body, { valid: false });
  assert.deepEqual((await t.request('GET', '/v1/receipts/verify?code=hello')).body, { valid: false });
  // a stored receipt altered in the database no longer verifies (the code is an HMAC over its fields)
  const n = code!.replace(/-/g, '');
  await t.tg.ctx.db.query(`UPDATE pa_receipts SET amount = amount + 1 WHERE code = $1`, [n]);
  assert.deepEqual((await t.request('GET', `/v1/receipts/verify?code=${code}`)).body, { valid: false });
  await t.tg.ctx.db.query(`UPDATE pa_receipts SET amount = amount - 1 WHERE code = $1`, [n]);
  assert.equal((await t.request('GET', '/v1/receipts/verify')).status, 400);

  const fee = all.find((x) => x.kind === 'fee');
  const feePdf = await fetch(`${t.url}/v1/me/transactions/${fee.id}/receipt.pdf`, { headers: { authorization: `Bearer ${c.token}` } });
  assert.equal(feePdf.status, 200, 'money out has a receipt too');
  assert.equal((await t.request('GET', `/v1/me/transactions/${fee.id}/receipt`)).status, 401);
});

test('text is escaped in the HTML receipt', async () => {
  const ledger = t.tg.services.ledger;
  const [x] = await ledger.transfer([{ id: `xss:${c.customerId}`, debitAccountId: (await ledger.systemAccount('gateway_clearing', 'USD')).id, creditAccountId: usdWallet, amount: 1, currency: 'USD', kind: 'adjustment', description: '<script>alert(1)</script>' }]);
  const html = await t.request('GET', `/v1/me/transactions/${x.id}/receipt`, { token: c.token });
  assert.ok(!(html.body as string).includes('<script>'));
  assert.ok((html.body as string).includes('&lt;script&gt;'));
});

test('a reconnecting event stream with Last-Event-ID gets what it missed, then live ones', async () => {
  const ledger = t.tg.services.ledger;
  const clearing = (await ledger.systemAccount('gateway_clearing', 'USD')).id;
  const s1 = await t.sse(c);
  await s1.next((e) => e.event === 'balance');
  const [first] = await ledger.transfer([{ id: `live:${c.customerId}:1`, debitAccountId: clearing, creditAccountId: usdWallet, amount: 11, currency: 'USD', kind: 'topup', description: 'live 1' }]);
  const e1 = await s1.next((e) => e.event === 'transaction' && e.data.id === first.id);
  assert.equal(e1.id, first.id);
  s1.close();
  await s1.closed;
  // missed while disconnected
  const [m1] = await ledger.transfer([{ id: `live:${c.customerId}:2`, debitAccountId: clearing, creditAccountId: usdWallet, amount: 12, currency: 'USD', kind: 'topup', description: 'missed 1' }]);
  const [m2] = await ledger.transfer([{ id: `live:${c.customerId}:3`, debitAccountId: clearing, creditAccountId: usdWallet, amount: 13, currency: 'USD', kind: 'topup', description: 'missed 2' }]);
  const s2 = await t.sse(c, { 'last-event-id': e1.id! });
  const r1 = await s2.next((e) => e.event === 'transaction' && e.data.id === m1.id);
  const r2 = await s2.next((e) => e.event === 'transaction' && e.data.id === m2.id);
  assert.ok(s2.events.indexOf(r1) < s2.events.indexOf(r2), 'oldest first');
  assert.equal(s2.events.filter((e) => e.event === 'transaction' && e.data.id === first.id).length, 0, 'nothing before Last-Event-ID');
  assert.match(s2.raw(), /^retry: \d+/);
  const [after] = await ledger.transfer([{ id: `live:${c.customerId}:4`, debitAccountId: clearing, creditAccountId: usdWallet, amount: 14, currency: 'USD', kind: 'topup', description: 'live 2' }]);
  await s2.next((e) => e.event === 'transaction' && e.data.id === after.id);
  s2.close();
  // another customer's stream never sees these
  const other = await t.customer('other');
  const s3 = await t.sse(other);
  await s3.next((e) => e.event === 'balance');
  const [mine] = await ledger.transfer([{ id: `live:${c.customerId}:5`, debitAccountId: clearing, creditAccountId: usdWallet, amount: 15, currency: 'USD', kind: 'topup', description: 'not yours' }]);
  const s4 = await t.sse(c, { 'last-event-id': after.id });
  await s4.next((e) => e.event === 'transaction' && e.data.id === mine.id);
  s4.close();
  assert.equal(s3.events.filter((e) => e.event === 'transaction').length, 0);
  assert.ok(s3.events.every((e) => e.event !== 'balance' || e.data.id !== usdWallet));
  s3.close();
  await t.assertBalanced();
});

test('server shutdown ends open event streams cleanly (last: it stops this app\'s live updates)', async () => {
  const s = await t.sse(c);
  await s.next((e) => e.event === 'balance');
  assert.equal(t.tg.services.personalArea.live.subscribers, 1);
  await t.tg.services.personalArea.close();
  const ended = await Promise.race([s.closed.then(() => true), new Promise((r) => setTimeout(() => r(false), 5_000))]);
  assert.equal(ended, true, 'the stream ended');
  assert.equal(t.tg.services.personalArea.live.subscribers, 0);
});
