import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoPlatform, type RunningDemoPlatform } from './demo-platform.testing.ts';
import { DEMO_SELLER_COINS, DEMO_USERS, seedDemoPlatform } from './seed.ts';

let dp: RunningDemoPlatform;
before(async () => {
  dp = await startDemoPlatform();
});
after(async () => {
  await dp?.close();
});

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual' as const,
});

/** Logs in over HTTP like a browser would and returns the session cookie. */
async function loginCookie(password = dp.sellerPassword): Promise<string | undefined> {
  const res = await fetch(`${dp.baseUrl}/login`, form({ userId: 'seller', password }));
  const setCookie = res.headers.get('set-cookie');
  return setCookie ? setCookie.split(';')[0] : undefined;
}

const attr = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

async function sellerPage(cookie: string, query = ''): Promise<string> {
  const res = await fetch(`${dp.baseUrl}/seller${query}`, { headers: { cookie }, redirect: 'manual' });
  assert.equal(res.status, 200);
  return res.text();
}

async function postTransfer(cookie: string, fields: { toUserId: string; coins: string; note: string; formToken?: string }) {
  const page = await sellerPage(cookie, `?to=${fields.toUserId}`);
  const body = { csrf: attr(page, 'csrf'), formToken: fields.formToken ?? attr(page, 'formToken'), toUserId: fields.toUserId, coins: fields.coins, note: fields.note };
  const res = await fetch(`${dp.baseUrl}/seller/transfers`, { ...form(body), headers: { ...form(body).headers, cookie } });
  return { res, html: await res.text(), formToken: body.formToken };
}

test('seed: seller and fixed users exist; seeding again changes nothing', async () => {
  assert.equal(await dp.coins('seller'), DEMO_SELLER_COINS);
  assert.ok(DEMO_USERS.length >= 10);
  const before = await dp.db.query(`SELECT user_id, coins, password_hash FROM demo_platform_users ORDER BY user_id`);
  const hash = (before.find((r) => r.user_id === 'seller') as { password_hash: string }).password_hash;
  await dp.db.tx((trx) => seedDemoPlatform(trx, hash));
  assert.deepEqual(await dp.db.query(`SELECT user_id, coins, password_hash FROM demo_platform_users ORDER BY user_id`), before);
});

test('user API: found, not found, malformed, search', async () => {
  let res = await fetch(`${dp.baseUrl}/api/users/alice.gamer`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { userId: 'alice.gamer', displayName: 'Alice Moreau', coins: 120 });

  res = await fetch(`${dp.baseUrl}/api/users/nobody.here`);
  assert.equal(res.status, 404);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'not_found');

  for (const bad of ['ab', 'Alice.Gamer', 'has space', '.alice', 'x'.repeat(33)]) {
    res = await fetch(`${dp.baseUrl}/api/users/${encodeURIComponent(bad)}`);
    assert.equal(res.status, 400, bad);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'malformed_user_id');
  }

  res = await fetch(`${dp.baseUrl}/api/users?q=ali`);
  const { data } = (await res.json()) as { data: Array<{ userId: string }> };
  assert.deepEqual(data.map((u) => u.userId), ['alice.gamer']);
  res = await fetch(`${dp.baseUrl}/api/users?q=a`);
  const all = ((await res.json()) as { data: Array<{ userId: string }> }).data;
  assert.ok(all.length > 1 && all.length <= 20);
  assert.ok(!all.some((u) => u.userId === 'seller'));
  res = await fetch(`${dp.baseUrl}/api/users?q=${encodeURIComponent('%')}`);
  assert.deepEqual(((await res.json()) as { data: unknown[] }).data, []);
});

test('seller UI: login required, wrong password refused', async () => {
  const res = await fetch(`${dp.baseUrl}/seller`, { redirect: 'manual' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/demo-platform/login');
  const bad = await fetch(`${dp.baseUrl}/login`, form({ userId: 'seller', password: 'wrong' }));
  assert.equal(bad.status, 401);
  assert.match(await bad.text(), /data-code="invalid_credentials"/);
  assert.equal(await loginCookie('wrong'), undefined);
});

test('seller UI: a form transfer debits the seller, credits the recipient, shows a confirmation; double submit sends once', async () => {
  const cookie = (await loginCookie())!;
  const [seller0, bob0] = [await dp.coins('seller'), await dp.coins('bob_builds')];
  const page = await sellerPage(cookie, '?to=bob_builds');
  assert.match(page, /id="recipient"[^>]*data-user-id="bob_builds"/);

  const { res, formToken } = await postTransfer(cookie, { toUserId: 'bob_builds', coins: '250', note: 'ORDER ord_form_1' });
  assert.equal(res.status, 303);
  const location = res.headers.get('location')!;
  assert.match(location, /^\/demo-platform\/seller\/transfers\/dpt_/);
  const confirmation = await (await fetch(new URL(location, dp.baseUrl), { headers: { cookie } })).text();
  assert.match(confirmation, /id="confirmation"/);
  const transferId = /data-testid="transfer-id">([^<]+)</.exec(confirmation)![1];
  assert.equal(location.endsWith(transferId), true);
  assert.match(confirmation, /data-testid="transfer-recipient" data-user-id="bob_builds"/);
  assert.match(confirmation, /data-testid="transfer-coins" data-coins="250"/);
  assert.match(confirmation, /data-testid="transfer-note">ORDER ord_form_1</);

  // The same form submitted twice (double click, refresh) is the same transfer.
  const again = await postTransfer(cookie, { toUserId: 'bob_builds', coins: '250', note: 'ORDER ord_form_1', formToken });
  assert.equal(again.res.headers.get('location'), location);
  assert.equal(await dp.coins('seller'), seller0 - 250);
  assert.equal(await dp.coins('bob_builds'), bob0 + 250);

  // History lists it and filters by note.
  assert.match(await sellerPage(cookie, '?q=ord_form_1'), new RegExp(`data-transfer-id="${transferId}" data-note="ORDER ord_form_1"`));
  assert.doesNotMatch(await sellerPage(cookie, '?q=no-such-note'), /data-testid="transfer-row"/);
});

test('seller UI: insufficient balance and unknown recipient are visible errors and change nothing', async () => {
  const cookie = (await loginCookie())!;
  const [seller0, alice0, n0] = [await dp.coins('seller'), await dp.coins('alice.gamer'), await dp.transferCount()];

  const poor = await postTransfer(cookie, { toUserId: 'alice.gamer', coins: String(seller0 + 1), note: 'too much' });
  assert.equal(poor.res.status, 422);
  assert.match(poor.html, /id="error"[^>]*data-code="insufficient_balance"/);

  const unknown = await postTransfer(cookie, { toUserId: 'nobody.here', coins: '5', note: 'x' });
  assert.equal(unknown.res.status, 422);
  assert.match(unknown.html, /data-code="unknown_recipient"/);

  const zero = await postTransfer(cookie, { toUserId: 'alice.gamer', coins: '0', note: 'x' });
  assert.equal(zero.res.status, 400);
  assert.match(zero.html, /data-code="invalid_amount"/);

  assert.equal(await dp.coins('seller'), seller0);
  assert.equal(await dp.coins('alice.gamer'), alice0);
  assert.equal(await dp.transferCount(), n0);

  const search = await sellerPage(cookie, '?to=nobody.here');
  assert.match(search, /data-code="unknown_recipient"/);
  assert.doesNotMatch(search, /id="send-form"/);
});

test('seller UI: a POST without the CSRF token is rejected', async () => {
  const cookie = (await loginCookie())!;
  const body = form({ toUserId: 'alice.gamer', coins: '1', note: 'csrf' });
  const res = await fetch(`${dp.baseUrl}/seller/transfers`, { ...body, headers: { ...body.headers, cookie } });
  assert.equal(res.status, 403);
});

test('partner API: auth, validation, idempotency under concurrency, listing by reference', async () => {
  const post = (key: string | null, body: unknown, auth = `Bearer ${dp.partnerKey}`) =>
    fetch(`${dp.baseUrl}/api/transfers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth, ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(body),
    });
  const body = { toUserId: 'carla.streams', coins: 700, reference: 'ord_api_1' };

  assert.equal((await post('k1', body, 'Bearer nope')).status, 401);
  const noKey = await post(null, body);
  assert.equal(noKey.status, 400);
  assert.equal(((await noKey.json()) as { error: { code: string } }).error.code, 'missing_idempotency_key');
  const extra = await post('k1', { ...body, extra: 1 });
  assert.equal(extra.status, 400);
  assert.equal(((await extra.json()) as { error: { code: string } }).error.code, 'validation_failed');

  const [seller0, carla0] = [await dp.coins('seller'), await dp.coins('carla.streams')];
  const results = await Promise.all(Array.from({ length: 5 }, () => post('ord_api_1', body)));
  const statuses = results.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 200, 200, 200, 201]);
  const bodies = (await Promise.all(results.map((r) => r.json()))) as Array<{ transferId: string; toUserId: string; coins: number; reference: string }>;
  assert.equal(new Set(bodies.map((b) => b.transferId)).size, 1);
  assert.deepEqual({ ...bodies[0], transferId: undefined, createdAt: undefined }, { ...body, transferId: undefined, createdAt: undefined });
  assert.equal(await dp.coins('carla.streams'), carla0 + 700);
  assert.equal(await dp.coins('seller'), seller0 - 700);

  const reused = await post('ord_api_1', { ...body, coins: 701 });
  assert.equal(reused.status, 422);
  assert.equal(((await reused.json()) as { error: { code: string } }).error.code, 'idempotency_key_reused');

  const poor = await post('ord_api_2', { ...body, coins: 999_999_999, reference: 'ord_api_2' });
  assert.equal(poor.status, 422);
  assert.equal(((await poor.json()) as { error: { code: string } }).error.code, 'insufficient_balance');
  const unknown = await post('ord_api_3', { ...body, toUserId: 'nobody.here' });
  assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'unknown_recipient');
  const malformed = await post('ord_api_4', { ...body, toUserId: 'NO SUCH' });
  assert.equal(malformed.status, 400);
  assert.equal(((await malformed.json()) as { error: { code: string } }).error.code, 'malformed_user_id');

  const list = await fetch(`${dp.baseUrl}/api/transfers?reference=ord_api_1`, { headers: { authorization: `Bearer ${dp.partnerKey}` } });
  const { data } = (await list.json()) as { data: Array<{ transferId: string }> };
  assert.deepEqual(data.map((t) => t.transferId), [bodies[0].transferId]);
  assert.equal((await fetch(`${dp.baseUrl}/api/transfers?reference=x`)).status, 401);
});
