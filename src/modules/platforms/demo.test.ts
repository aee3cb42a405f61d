import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDemoPlatform, type RunningDemoPlatform } from '../demo-platform/demo-platform.testing.ts';
import { DEMO_USER_ID_PATTERN as PLATFORM_PATTERN } from '../demo-platform/index.ts';
import { DEMO_USER_ID_PATTERN, DemoPlatformApiTransfers, DemoPlatformDirectory } from './demo.ts';
import { PlatformRefused, PlatformUnavailable } from './directory.ts';

let dp: RunningDemoPlatform;
let stub: Server;
let stubUrl: string;
before(async () => {
  dp = await startDemoPlatform();
  // A misbehaving platform: /slow never answers, everything else is a 502.
  stub = createServer((req, res) => {
    if (req.url?.includes('slow')) return;
    res.writeHead(502).end('bad gateway');
  });
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
});
after(async () => {
  stub?.closeAllConnections();
  await new Promise((r) => stub?.close(r));
  await dp?.close();
});

test('the adapter validates ids with the same rule as the platform', () => {
  assert.equal(DEMO_USER_ID_PATTERN.source, PLATFORM_PATTERN.source);
});

test('directory: found (input normalized), not found, malformed without a call', async () => {
  let calls = 0;
  const counting: typeof fetch = (input, init) => {
    calls++;
    return fetch(input, init);
  };
  const dir = new DemoPlatformDirectory({ baseUrl: `${dp.baseUrl}/`, fetch: counting });
  assert.equal(dir.platform, 'demo');
  assert.deepEqual(await dir.lookup('alice.gamer'), { status: 'found', user: { userId: 'alice.gamer', displayName: 'Alice Moreau' } });
  assert.deepEqual(await dir.lookup('  @Hiro.Tanaka '), { status: 'found', user: { userId: 'hiro.tanaka', displayName: 'Hiro Tanaka' } });
  assert.deepEqual(await dir.lookup('nobody.here'), { status: 'not_found' });
  assert.equal(calls, 3);
  for (const bad of ['', 'ab', 'no spaces allowed', 'alice!', '_alice', 'x'.repeat(33), '../seller']) {
    assert.equal((await dir.lookup(bad)).status, 'malformed', bad);
  }
  assert.equal(calls, 3);
});

test('directory: unreachable, 5xx and timeout are PlatformUnavailable', async () => {
  const down = new DemoPlatformDirectory({ baseUrl: 'http://127.0.0.1:1/demo-platform' });
  await assert.rejects(down.lookup('alice.gamer'), PlatformUnavailable);
  await assert.rejects(new DemoPlatformDirectory({ baseUrl: stubUrl }).lookup('alice.gamer'), PlatformUnavailable);
  // A server that is not the demo platform (wrong base URL): its 404 must not read as "user not found".
  const wrongPrefix = new DemoPlatformDirectory({ baseUrl: dp.baseUrl.replace('/demo-platform', '/elsewhere') });
  await assert.rejects(wrongPrefix.lookup('alice.gamer'), /did not answer as the demo platform/);
  const t0 = Date.now();
  await assert.rejects(new DemoPlatformDirectory({ baseUrl: `${stubUrl}/slow`, timeoutMs: 200 }).lookup('alice.gamer'), /timed out/);
  assert.ok(Date.now() - t0 < 2_000);
});

test('API transfers: sends once per reference, replays, refuses business errors', async () => {
  const api = new DemoPlatformApiTransfers({ baseUrl: dp.baseUrl, partnerKey: dp.partnerKey });
  const [seller0, emma0] = [await dp.coins('seller'), await dp.coins('emma.plays')];
  const first = await api.sendCoins({ toUserId: 'emma.plays', coins: 1_000, reference: 'ord_adapter_1' });
  assert.match(first.transferId, /^dpt_/);
  assert.equal(first.replayed, false);
  const again = await Promise.all([1, 2, 3].map(() => api.sendCoins({ toUserId: 'emma.plays', coins: 1_000, reference: 'ord_adapter_1' })));
  assert.deepEqual(again, [1, 2, 3].map(() => ({ transferId: first.transferId, replayed: true })));
  assert.equal(await dp.coins('emma.plays'), emma0 + 1_000);
  assert.equal(await dp.coins('seller'), seller0 - 1_000);

  await assert.rejects(api.sendCoins({ toUserId: 'emma.plays', coins: 999_999_999, reference: 'ord_adapter_2' }), (e: Error) => e instanceof PlatformRefused && /insufficient_balance/.test(e.message));
  await assert.rejects(api.sendCoins({ toUserId: 'nobody.here', coins: 1, reference: 'ord_adapter_3' }), PlatformRefused);
  await assert.rejects(api.sendCoins({ toUserId: 'emma.plays', coins: 2, reference: 'ord_adapter_1' }), /idempotency_key_reused/);
  assert.equal(await dp.coins('emma.plays'), emma0 + 1_000);

  const wrongKey = new DemoPlatformApiTransfers({ baseUrl: dp.baseUrl, partnerKey: 'wrong' });
  await assert.rejects(wrongKey.sendCoins({ toUserId: 'emma.plays', coins: 1, reference: 'ord_adapter_4' }), PlatformUnavailable);
  await assert.rejects(new DemoPlatformApiTransfers({ baseUrl: stubUrl, partnerKey: 'k' }).sendCoins({ toUserId: 'emma.plays', coins: 1, reference: 'r' }), PlatformUnavailable);
});
