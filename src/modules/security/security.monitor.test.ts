import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { testDb } from '../../../test/support/db.ts';
import { createLogger } from '../../platform/logger.ts';
import type { Db } from '../../platform/db/db.ts';
import type { SecuritySignal } from '../../platform/security.ts';
import { createSecurityMonitor, createIpBlocks, type SecurityMonitor, type SecurityMonitorOptions } from './index.ts';

/**
 * The monitor driven directly: signals go in with an injected clock, flush() writes, the database is read
 * back. Each detector fires on its pattern (event + alert + Slack job), stays quiet on normal use, and a
 * continuing pattern is one event.
 */
const log = createLogger('silent');
let db: Db;
let nowMs: number;
const clock = { now: () => new Date(nowMs) };
let m: SecurityMonitor;

const T0 = Date.parse('2026-03-02T10:00:00Z');
function monitor(opts: Partial<SecurityMonitorOptions> = {}) {
  return createSecurityMonitor({ db, log, clock, ...opts });
}
/** Sends signals `stepMs` apart, moving the clock with them. */
function send(mon: SecurityMonitor, signals: SecuritySignal[], stepMs = 1000) {
  for (const s of signals) {
    mon.record(s);
    nowMs += stepMs;
  }
}
const times = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));

interface EventRow { id: string; kind: string; severity: string; source: string; ip: string | null; subnet: string | null; customer_id: string | null; subject: string | null; count: number; evidence: any; alert_id: string | null; block_id: string | null }
const events = () => db.query<EventRow>(`SELECT * FROM security_events ORDER BY created_at, id`);
const alerts = () => db.query<{ id: string; kind: string; severity: string; message: string; subject_id: string }>(`SELECT * FROM alerts ORDER BY created_at, id`);
const slackJobs = () => db.query<{ payload: { alertId: string }; dedupe_key: string; max_attempts: number }>(`SELECT payload, dedupe_key, max_attempts FROM jobs WHERE kind = 'notify.slack'`);

beforeEach(async () => {
  db = await testDb();
  nowMs = T0;
  m = monitor();
});
afterEach(async () => {
  await m.stop();
  await db.close();
});

async function onlyEvent(kind: string): Promise<EventRow> {
  await m.flush();
  const evs = await events();
  assert.deepEqual(evs.map((e) => e.kind), [kind], `expected one ${kind} event, got ${JSON.stringify(evs.map((e) => [e.kind, e.source]))}`);
  const [a] = await alerts();
  assert.equal(a.kind, `security.${kind}`);
  assert.equal(a.subject_id, evs[0].id);
  assert.equal(evs[0].alert_id, a.id);
  const jobs = await slackJobs();
  assert.deepEqual(jobs.map((j) => [j.payload.alertId, j.dedupe_key, j.max_attempts]), [[a.id, `slack:${a.id}`, 8]]);
  return evs[0];
}

test('login failures: ten from one IP against different logins → one login_burst event, alert and Slack job', async () => {
  send(m, times(9, (i) => ({ kind: 'login_failed', ip: '203.0.113.5', subject: `lh_${i}`, details: { password: 'hunter2', route: '/v1/auth/login' } })), 10_000);
  await m.flush();
  assert.equal((await events()).length, 0, 'nine failures in 90 s are below the line');
  send(m, [{ kind: 'login_failed', ip: '203.0.113.5', subject: 'lh_9', details: { password: 'hunter2', route: '/v1/auth/login' } }]);
  const e = await onlyEvent('login_burst');
  assert.equal(e.source, 'ip:203.0.113.5');
  assert.equal(e.ip, '203.0.113.5');
  assert.equal(e.subnet, '203.0.113.0/24');
  assert.equal(e.severity, 'warning');
  assert.equal(e.count, 10);
  assert.equal(e.evidence.distinctSubjects, 10, 'credential stuffing shows as many targets');
  assert.equal(e.evidence.threshold, 10);
  assert.equal(e.evidence.windowSeconds, 300);
  assert.equal(e.evidence.firstSeenAt, new Date(T0).toISOString());
  const text = JSON.stringify(e.evidence);
  assert.ok(!text.includes('hunter2'), 'no secrets in the evidence');
  assert.ok(e.evidence.samples.some((s: any) => s.details?.route === '/v1/auth/login'), 'harmless details are kept');
  const [a] = await alerts();
  assert.match(a.message, /failed logins from IP 203\.0\.113\.5 — 10/);
});

test('login failures against one login from many IPs → login_burst by target (no per-IP event)', async () => {
  send(m, times(6, (i) => ({ kind: 'login_failed', ip: `198.51.100.${i + 1}`, subject: 'lh_victim' })), 30_000);
  const e = await onlyEvent('login_burst');
  assert.equal(e.source, 'subject:lh_victim');
  assert.equal(e.subject, 'lh_victim');
  assert.equal(e.evidence.distinctIps, 6);
});

test('wrong one-time codes: five for one customer → code_bruteforce; ten from one IP across customers → code_bruteforce by IP', async () => {
  send(m, times(5, () => ({ kind: 'code_failed', ip: '203.0.113.9', customerId: 'cus_a', subject: 'chl_1' })), 20_000);
  const e = await onlyEvent('code_bruteforce');
  assert.equal(e.source, 'customer:cus_a');
  assert.equal(e.customer_id, 'cus_a');

  // the same IP, one wrong code each for ten customers (below the per-customer line)
  send(m, times(5, (i) => ({ kind: 'code_failed', ip: '203.0.113.9', customerId: `cus_${i}`, subject: `chl_${i}` })), 20_000);
  await m.flush();
  const evs = await events();
  assert.deepEqual(evs.map((x) => x.source), ['customer:cus_a', 'ip:203.0.113.9']);
  assert.equal(evs[1].count, 10);
});

test('a challenge without a known customer is counted by its id', async () => {
  send(m, times(5, () => ({ kind: 'code_failed', subject: 'chl_2' })));
  const e = await onlyEvent('code_bruteforce');
  assert.equal(e.source, 'subject:chl_2');
});

test('id enumeration: twenty foreign ids from one customer → enumeration', async () => {
  send(m, times(20, (i) => ({ kind: 'not_found_foreign', ip: '192.0.2.44', customerId: 'cus_nosy', subject: `rct_${i}` })), 2_000);
  const e = await onlyEvent('enumeration');
  assert.equal(e.source, 'customer:cus_nosy');
  assert.equal(e.evidence.distinctSubjects, 20);
});

test('forged tokens: twenty invalid tokens from one IP → token_forgery', async () => {
  send(m, times(20, () => ({ kind: 'token_invalid', ip: '2001:db8:0:0::7' })), 3_000);
  const e = await onlyEvent('token_forgery');
  assert.equal(e.source, 'ip:2001:db8::7', 'IPv6 in its canonical form');
  assert.equal(e.subnet, '2001:db8::/64');
});

test('one replayed (revoked) token is already an event (warning)', async () => {
  send(m, [{ kind: 'token_revoked', ip: '203.0.113.77', customerId: 'cus_b', subject: 'cse_old' }]);
  const e = await onlyEvent('token_replay');
  assert.equal(e.severity, 'warning');
  assert.equal(e.customer_id, 'cus_b');
});

test('one IP locking three accounts → lockouts', async () => {
  send(m, times(3, (i) => ({ kind: 'account_locked', ip: '203.0.113.50', customerId: `cus_l${i}` })), 60_000);
  const e = await onlyEvent('lockouts');
  assert.equal(e.count, 3);
});

test('a flood from one IP: critical event, alert, and an automatic 15-minute block of that address on the public surface', async () => {
  send(m, times(300, () => ({ kind: 'request', ip: '::ffff:198.51.100.20' })), 20); // 300 in 6 s
  const e = await onlyEvent('flood');
  assert.equal(e.severity, 'critical');
  assert.equal(e.source, 'ip:198.51.100.20', 'IPv4-mapped addresses count as IPv4');
  assert.ok(e.block_id?.startsWith('ipb_'));
  const [b] = await db.query<{ id: string; cidr: string; scope: string; created_by: string; event_id: string; expires_at: Date; created_at: Date }>(`SELECT * FROM ip_blocks`);
  assert.deepEqual([b.id, b.cidr, b.scope, b.created_by, b.event_id], [e.block_id, '198.51.100.20/32', 'public', 'system:security-monitor', e.id]);
  assert.equal(b.expires_at.getTime() - b.created_at.getTime(), 15 * 60_000);
  assert.equal(m.blocks.isBlocked('198.51.100.20', 'public'), true);
  assert.equal(m.blocks.isBlocked('198.51.100.20', 'staff'), false, 'staff routes stay reachable');
  assert.equal(m.blocks.isBlocked('198.51.100.21', 'public'), false);
  const [a] = await alerts();
  assert.match(a.message, /198\.51\.100\.20\/32 blocked for 15 min/);
  const audit = await db.query<{ actor: string; action: string }>(`SELECT actor, action FROM audit_log WHERE subject_id = $1`, [b.id]);
  assert.deepEqual(audit.map((x) => [x.actor, x.action]), [['system:security-monitor', 'security.ip_block.created']]);

  nowMs += 16 * 60_000;
  assert.equal(m.blocks.isBlocked('198.51.100.20', 'public'), false, 'the automatic block expires');
});

test('a flood spread over a /24 (each address below its own line) blocks the subnet', async () => {
  send(m, times(1000, (i) => ({ kind: 'request', ip: `203.0.113.${i % 250}` })), 5); // 4 requests per address, 1000 in 5 s
  const e = await onlyEvent('flood');
  assert.equal(e.source, 'subnet:203.0.113.0/24');
  assert.equal(e.ip, null);
  const [b] = await db.query<{ cidr: string }>(`SELECT cidr FROM ip_blocks`);
  assert.equal(b.cidr, '203.0.113.0/24');
  assert.equal(m.blocks.isBlocked('203.0.113.200', 'public'), true);
});

test('automatic blocks can be turned off (the event is still raised); loopback is never blocked automatically', async () => {
  const off = monitor({ autoBlock: { enabled: false } });
  send(off, times(300, () => ({ kind: 'request', ip: '198.51.100.30' })), 10);
  send(m, times(300, () => ({ kind: 'request', ip: '127.0.0.1' })), 10);
  await off.flush();
  await m.flush();
  assert.equal((await events()).length, 2);
  assert.equal((await db.query(`SELECT 1 FROM ip_blocks`)).length, 0);
  await off.stop();
});

test('dedup: a continuing flood updates one event; after a quiet window a new burst is a new event', async () => {
  m = monitor({ autoBlock: { enabled: false } });
  send(m, times(300, () => ({ kind: 'request', ip: '198.51.100.40' })), 20);
  await m.flush();
  // it goes on for another minute, flushed as it goes
  for (let s = 0; s < 6; s++) {
    send(m, times(500, () => ({ kind: 'request', ip: '198.51.100.40' })), 20);
    await m.flush();
  }
  let evs = await events();
  assert.equal(evs.length, 1);
  assert.equal(evs[0].count, 300 + 6 * 500);
  assert.equal(evs[0].evidence.count, 3300);
  assert.ok(evs[0].evidence.samples.length <= 10, 'bounded sample');
  assert.equal((await alerts()).length, 1, 'one alert for one continuing flood');
  assert.equal((await slackJobs()).length, 1);

  nowMs += 60_000; // quiet
  await m.flush();
  send(m, times(300, () => ({ kind: 'request', ip: '198.51.100.40' })), 20);
  await m.flush();
  evs = await events();
  assert.equal(evs.length, 2);
  assert.deepEqual(evs.map((e) => e.count), [3300, 300]);
  assert.equal((await alerts()).length, 2);
});

test('dedup across nodes: two monitors seeing one pattern write one event with both counts', async () => {
  const other = monitor({ autoBlock: { enabled: false } });
  m = monitor({ autoBlock: { enabled: false } });
  send(m, times(20, () => ({ kind: 'token_invalid', ip: '192.0.2.9' })), 100);
  await m.flush();
  send(other, times(25, () => ({ kind: 'token_invalid', ip: '192.0.2.9' })), 100);
  await other.flush();
  send(m, times(5, () => ({ kind: 'token_invalid', ip: '192.0.2.9' })), 100);
  await m.flush();
  const evs = await events();
  assert.equal(evs.length, 1);
  assert.equal(evs[0].count, 50);
  assert.equal((await alerts()).length, 1);
  await other.stop();
});

test('normal use raises nothing', async () => {
  const people = times(20, (i) => `203.0.113.${i + 1}`);
  for (let minute = 0; minute < 30; minute++) {
    for (const [i, ip] of people.entries()) {
      // a person browsing their own pages: ~20 requests a minute
      send(m, times(20, () => ({ kind: 'request', ip })), 50);
      if (minute === 3) send(m, times(2, () => ({ kind: 'login_failed', ip, subject: `lh_${i}` }))); // mistyped twice
      if (minute === 4) send(m, [{ kind: 'code_failed', ip, customerId: `cus_${i}`, subject: `chl_${i}` }]); // one wrong code
      if (minute === 5) send(m, times(2, () => ({ kind: 'token_invalid', ip }))); // an expired session retried
      if (minute === 6) send(m, [{ kind: 'not_found_foreign', ip, customerId: `cus_${i}`, subject: 'rct_stale' }]); // a stale link
    }
    nowMs += 30_000;
  }
  // an office behind one NAT address: 20 people, some mistyping
  send(m, times(8, (i) => ({ kind: 'login_failed', ip: '198.51.100.99', subject: `lh_office_${i}` })), 40_000);
  await m.flush();
  assert.deepEqual(await events(), []);
  assert.deepEqual(await alerts(), []);
  assert.equal(m.stats().signals > 12_000, true);
});

test('record() never throws, ignores junk, and memory stays bounded', () => {
  const small = monitor({ maxKeysPerDetector: 100 });
  assert.doesNotThrow(() => {
    small.record(null as never);
    small.record({} as never);
    small.record({ kind: 'nonsense' } as never);
    small.record({ kind: 'request', ip: 'not-an-ip' });
    small.record({ kind: 'request', ip: '198.51.100.1', at: new Date('garbage') });
    small.record({ kind: 'login_failed', subject: { toString: () => { throw new Error('boom'); } } as never });
  });
  for (let i = 0; i < 5000; i++) small.record({ kind: 'request', ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
  const s = small.stats();
  assert.ok(s.counters <= 200, `counters ${s.counters}`); // two request detectors × 100
  assert.ok(s.evictedCounters > 0);
});

test('blocks: expiry by the clock; another node sees a new block after its refresh', async () => {
  const a = createIpBlocks({ db, clock, log });
  const b = createIpBlocks({ db, clock, log });
  await b.refresh(true);
  const blk = await a.create('staff:stf_x', { cidr: '2001:DB8:aa::5/48', reason: 'scanner', expiresInMinutes: 15 }, '198.51.100.1');
  assert.equal(blk.cidr, '2001:db8:aa::/48');
  assert.equal(a.isBlocked('2001:db8:aa:ffff::1', 'public'), true);
  assert.equal(b.isBlocked('2001:db8:aa:ffff::1', 'public'), false, 'not yet refreshed');
  await b.refresh();
  assert.equal(b.isBlocked('2001:db8:aa:ffff::1', 'public'), true);
  nowMs += 15 * 60_000;
  assert.equal(a.isBlocked('2001:db8:aa:ffff::1', 'public'), false);
  assert.equal(b.isBlocked('2001:db8:aa:ffff::1', 'public'), false);
  assert.deepEqual(await a.list(), []);
  const all = await a.list({ active: false });
  assert.deepEqual(all.map((x) => a.statusOf(x)), ['expired']);
  // a new one can be made for the same range once the old one expired
  await a.create('staff:stf_x', { cidr: '2001:db8:aa::/48', reason: 'again' });
});
