import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { PROCESSOR_SECRET, newCard } from './cards.testing.ts';

/** The Investec-style card script in docs/card-processor.md, run as a card runtime would run it, against a real Tollgate. */
const DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'card-processor.md');

function loadScript(env: Record<string, string>, logs: string[]) {
  const md = readFileSync(DOC, 'utf8');
  const m = /<!-- investec-script[^>]*-->\s*```js\n([\s\S]*?)```/.exec(md);
  assert.ok(m, 'the script block is in the docs');
  const context = vm.createContext({
    process: { env }, fetch, crypto: globalThis.crypto, TextEncoder, setTimeout, clearTimeout, console: { log: (s: string) => logs.push(String(s)) },
  });
  return vm.runInContext(`${m[1]}\n;({ beforeTransaction, afterTransaction })`, context) as { beforeTransaction: (a: unknown) => Promise<boolean> };
}

function investecAuthorization(cardId: string, cents: number, merchant = { code: '5411', name: 'Makro Woodmead' }) {
  return {
    accountNumber: '10012345678', dateTime: new Date().toISOString(), centsAmount: cents, currencyCode: 'zar', type: 'card', reference: 'simulation',
    card: { id: cardId },
    merchant: { category: { code: merchant.code, key: 'grocery_stores_supermarkets', name: 'Grocery Stores' }, name: merchant.name, city: 'Johannesburg', country: { code: 'ZA', alpha3: 'ZAF', name: 'South Africa' } },
  };
}

let t: TestApp;
let silent: Server;
let silentUrl = '';
before(async () => {
  t = await startTestApp({ RISK: 'true', CARD_PROCESSOR_SECRET: PROCESSOR_SECRET });
  silent = createServer(() => { /* never answers */ });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
});
after(async () => {
  silent?.closeAllConnections();
  await new Promise((r) => silent?.close(r));
  await t?.close();
});

test('the documented beforeTransaction script signs its call, gets Tollgate\'s decision, and a retry gets the same answer', async () => {
  const investecCardId = '4208ae29d5beb36a991938486547b74db61a517616cd6eeb53a7ee68418b992c';
  const holder = (await t.request('POST', '/v1/admin/cardholders', { token: t.adminToken, body: { name: 'Investec shopper' } })).body.id;
  const card = await t.request('POST', '/v1/admin/cards', { token: t.adminToken, body: { cardholderId: holder, processorCardId: investecCardId, bin: '412752', last4: '7072', expMonth: 12, expYear: 2031, currency: 'ZAR', controls: { perTransaction: 100_000 } } });
  assert.equal(card.status, 201);
  const logs: string[] = [];
  const script = loadScript({ tollgateUrl: t.url, tollgateSecret: PROCESSOR_SECRET, fallback: 'decline' }, logs);

  const small = investecAuthorization(investecCardId, 19_190);
  assert.equal(await script.beforeTransaction(small), true);
  assert.equal(await script.beforeTransaction(small), true, 'called twice');
  const rows = await t.tg.ctx.db.query<{ id: string }>(`SELECT id FROM card_authorizations WHERE card_ref = $1`, [investecCardId]);
  assert.equal(rows.length, 1, 'the second call is the same authorization');
  assert.match(rows[0].id, /^inv_[0-9a-f]{40}$/);

  assert.equal(await script.beforeTransaction(investecAuthorization(investecCardId, 150_000)), false);
  assert.ok(logs.some((l) => l.includes('per-transaction limit 100000 ZAR exceeded')), logs.join('\n'));
});

test('the script answers its fallback after 1.5 s when Tollgate does not answer, and at once when it cannot be reached', async () => {
  const { processorCardId } = await newCard(t);
  const logs: string[] = [];
  const slow = loadScript({ tollgateUrl: silentUrl, tollgateSecret: PROCESSOR_SECRET, fallback: 'approve' }, logs);
  const started = Date.now();
  assert.equal(await slow.beforeTransaction(investecAuthorization(processorCardId, 1_000)), true);
  const took = Date.now() - started;
  assert.ok(took >= 1400 && took < 1900, `fallback after ~1.5 s (${took} ms)`);
  const down = loadScript({ tollgateUrl: 'http://127.0.0.1:9', tollgateSecret: PROCESSOR_SECRET, fallback: 'decline' }, logs);
  assert.equal(await down.beforeTransaction(investecAuthorization(processorCardId, 1_000)), false);
  const wrongSecret = loadScript({ tollgateUrl: t.url, tollgateSecret: 'not-the-secret-000000', fallback: 'decline' }, logs);
  assert.equal(await wrongSecret.beforeTransaction(investecAuthorization(processorCardId, 1_000)), false);
  assert.ok(logs.some((l) => l.includes('Tollgate answered 400')));
});
