import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoPlatform, type RunningDemoPlatform } from '../demo-platform/demo-platform.testing.ts';
import { DemoPlatformBrowserTransfers } from './demo-browser.ts';
import { PlatformRefused, PlatformUnavailable } from './directory.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let dp: RunningDemoPlatform;
let driver: DemoPlatformBrowserTransfers;
before(async () => {
  dp = await startDemoPlatform();
  driver = new DemoPlatformBrowserTransfers({ baseUrl: dp.baseUrl, sellerPassword: dp.sellerPassword, chromiumPath: CHROMIUM });
});
after(async () => {
  await driver?.close();
  await dp?.close();
});

test('browser driver sends coins in Chromium, then replays the same reference without sending again', async () => {
  const [seller0, alice0] = [await dp.coins('seller'), await dp.coins('alice.gamer')];
  const first = await driver.sendCoins({ toUserId: 'alice.gamer', coins: 500, reference: 'ord_browser_1' });
  assert.match(first.transferId, /^dpt_/);
  assert.equal(first.replayed, false);
  assert.equal(await dp.coins('alice.gamer'), alice0 + 500);

  const second = await driver.sendCoins({ toUserId: 'alice.gamer', coins: 500, reference: 'ord_browser_1' });
  assert.deepEqual(second, { transferId: first.transferId, replayed: true });
  assert.equal(await dp.coins('alice.gamer'), alice0 + 500);
  assert.equal(await dp.coins('seller'), seller0 - 500);
  const rows = await dp.db.query(`SELECT id FROM demo_platform_transfers WHERE note = 'ord_browser_1'`);
  assert.equal(rows.length, 1);
});

test('browser driver: concurrent calls with one reference send once; a reference that is a prefix of another is distinct', async () => {
  const dmitri0 = await dp.coins('dmitri.k');
  const [a, b] = await Promise.all([
    driver.sendCoins({ toUserId: 'dmitri.k', coins: 7, reference: 'ord_browser_2' }),
    driver.sendCoins({ toUserId: 'dmitri.k', coins: 7, reference: 'ord_browser_2' }),
  ]);
  assert.equal(a.transferId, b.transferId);
  // "ord_browser_2" is a substring of this one: the history filter finds it, the exact match must not.
  const c = await driver.sendCoins({ toUserId: 'dmitri.k', coins: 3, reference: 'ord_browser_2x' });
  assert.notEqual(c.transferId, a.transferId);
  assert.equal(c.replayed, false);
  assert.equal(await dp.coins('dmitri.k'), dmitri0 + 10);
});

test('browser driver: visible business errors are PlatformRefused and change nothing', async () => {
  const [seller0, n0] = [await dp.coins('seller'), await dp.transferCount()];
  await assert.rejects(
    driver.sendCoins({ toUserId: 'alice.gamer', coins: seller0 + 1, reference: 'ord_browser_3' }),
    (e: Error) => e instanceof PlatformRefused && /insufficient_balance/.test(e.message),
  );
  await assert.rejects(
    driver.sendCoins({ toUserId: 'nobody.here', coins: 1, reference: 'ord_browser_4' }),
    (e: Error) => e instanceof PlatformRefused && /unknown_recipient/.test(e.message),
  );
  await assert.rejects(driver.sendCoins({ toUserId: 'alice.gamer', coins: 9, reference: 'ord_browser_1' }), /reference_conflict/);
  assert.equal(await dp.coins('seller'), seller0);
  assert.equal(await dp.transferCount(), n0);
});

test('browser driver: wrong seller password or unreachable platform is PlatformUnavailable', async () => {
  const launched = await (driver as unknown as { launch(): Promise<import('playwright-core').Browser> }).launch();
  const wrong = new DemoPlatformBrowserTransfers({ baseUrl: dp.baseUrl, sellerPassword: 'nope', browser: launched });
  await assert.rejects(wrong.sendCoins({ toUserId: 'alice.gamer', coins: 1, reference: 'ord_browser_5' }), (e: Error) => e instanceof PlatformUnavailable && /login failed/.test(e.message));
  const down = new DemoPlatformBrowserTransfers({ baseUrl: 'http://127.0.0.1:1/demo-platform', sellerPassword: 'x', browser: launched });
  await assert.rejects(down.sendCoins({ toUserId: 'alice.gamer', coins: 1, reference: 'ord_browser_6' }), PlatformUnavailable);
  await wrong.close();
  assert.equal(launched.isConnected(), true);
});
