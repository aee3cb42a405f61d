import { BlockList } from 'node:net';
import type { Db, Sql } from '../../platform/db/db.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getSetting, setSetting } from '../../platform/settings.ts';
import { audit } from '../staff/index.ts';
import { normalizeIp, parseCidr, familyOf } from './security.cidr.ts';
import * as repo from './security.repo.ts';
import type { IpBlock } from './security.repo.ts';

const VERSION_KEY = 'security.ip_blocks.version';

/** Which rule set a route is checked against: public routes see every block, staff routes only scope 'all'. */
export type RouteClass = 'public' | 'staff';

export type BlockStatus = 'active' | 'expired' | 'removed';
export const blockStatus = (b: IpBlock, now: Date): BlockStatus =>
  b.removedAt ? 'removed' : b.expiresAt && b.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';

export interface CreateBlockInput {
  cidr: string;
  reason: string;
  expiresInMinutes?: number;
  scope?: 'public' | 'all';
}

/**
 * IP/subnet blocks. The table is the truth; every node keeps the active blocks in two node:net
 * BlockLists (one per route class) for the request hook, reloaded when the version number in
 * platform_settings moves (checked every second by `refresh()`) and rebuilt in memory when a block expires.
 */
export function createIpBlocks(deps: { db: Db; clock: Clock; log: Logger }) {
  const { db, clock, log } = deps;
  let version = -1;
  let rows: IpBlock[] = [];
  let lists = { public: new BlockList(), staff: new BlockList() };
  let nextExpiry = Infinity;
  let loading: Promise<void> | null = null;

  function rebuild(nowMs: number) {
    const pub = new BlockList();
    const staff = new BlockList();
    let next = Infinity;
    const live: IpBlock[] = [];
    for (const b of rows) {
      const exp = b.expiresAt ? b.expiresAt.getTime() : Infinity;
      if (exp <= nowMs) continue;
      live.push(b);
      next = Math.min(next, exp);
      const [net, prefix] = b.cidr.split('/');
      const type = b.family === 6 ? 'ipv6' : 'ipv4';
      pub.addSubnet(net, Number(prefix), type);
      if (b.scope === 'all') staff.addSubnet(net, Number(prefix), type);
    }
    rows = live;
    lists = { public: pub, staff };
    nextExpiry = next;
  }

  async function load(v: number) {
    rows = await repo.activeBlocks(db, clock.now());
    version = v;
    rebuild(clock.now().getTime());
  }

  async function bump(trx: Sql) {
    const v = (await getSetting<number>(trx, VERSION_KEY)) ?? 0;
    await setSetting(trx, VERSION_KEY, v + 1);
  }

  const blocks = {
    /** Reloads the blocks if any node changed them since the last load (one small read). */
    async refresh(force = false): Promise<void> {
      const v = (await getSetting<number>(db, VERSION_KEY)) ?? 0;
      if (!force && v === version) return;
      loading ??= load(v).finally(() => { loading = null; });
      await loading;
    },

    /** Whether requests from `ip` to routes of this class are refused. In memory, no I/O. */
    isBlocked(ip: string, cls: RouteClass): boolean {
      if (rows.length === 0) return false;
      if (clock.now().getTime() >= nextExpiry) rebuild(clock.now().getTime());
      // BlockList matches IPv4-mapped IPv6 ('::ffff:203.0.113.9') against IPv4 rules itself: no parsing here
      if (!ip) return false;
      const addr = ip.includes('%') ? ip.slice(0, ip.indexOf('%')) : ip;
      const family = familyOf(addr);
      return family !== null && lists[cls].check(addr, family === 6 ? 'ipv6' : 'ipv4');
    },

    /** How many blocks this node enforces right now. */
    get activeCount() {
      return rows.length;
    },

    list(opts: { active?: boolean; limit?: number } = {}): Promise<IpBlock[]> {
      return repo.listBlocks(db, { active: opts.active ?? true, now: clock.now(), limit: opts.limit ?? 500 });
    },

    get: (id: string) => repo.getBlock(db, id),

    /** active / expired / removed, by this service's clock. */
    statusOf: (b: IpBlock): BlockStatus => blockStatus(b, clock.now()),

    /**
     * A staff member blocks an address or range (audited). A scope 'all' block that would cover the
     * requester's own address is refused: that is how one locks oneself out of the console.
     */
    async create(actor: string, input: CreateBlockInput, requesterIp?: string | null): Promise<IpBlock> {
      const c = parseCidr(input.cidr);
      const scope = input.scope ?? 'public';
      const reason = input.reason.trim();
      if (!reason) throw new AppError('validation_failed', 'reason must not be empty');
      if (scope === 'all' && requesterIp) {
        const me = normalizeIp(requesterIp);
        const fam = me ? familyOf(me) : null;
        const probe = new BlockList();
        probe.addSubnet(c.network, c.prefix, c.family === 6 ? 'ipv6' : 'ipv4');
        if (me && fam && probe.check(me, fam === 6 ? 'ipv6' : 'ipv4')) {
          throw new AppError('unprocessable', `${c.cidr} covers your own address; a block with scope "all" would lock you out of the console`);
        }
      }
      const now = clock.now();
      const block = await db.tx(async (trx) => {
        const existing = await repo.findActiveBlock(trx, c.cidr, scope, now);
        if (existing) throw new AppError('conflict', `${c.cidr} is already blocked (${existing.id})`);
        const b = await repo.insertBlock(trx, {
          id: newId('ipb'), cidr: c.cidr, family: c.family, scope, reason, createdBy: actor, eventId: null, createdAt: now,
          expiresAt: input.expiresInMinutes ? new Date(now.getTime() + input.expiresInMinutes * 60_000) : null,
        });
        await audit(trx, { actor, action: 'security.ip_block.created', subjectId: b.id, details: { cidr: b.cidr, scope, reason, expiresAt: b.expiresAt?.toISOString() ?? null }, ip: requesterIp ?? null });
        await bump(trx);
        return b;
      });
      await blocks.refresh(true).catch((err) => log.warn({ err }, 'ip blocks reload failed'));
      return block;
    },

    async remove(actor: string, id: string, requesterIp?: string | null): Promise<IpBlock> {
      const removed = await db.tx(async (trx) => {
        const b = await repo.removeBlock(trx, id, actor, clock.now());
        if (!b) throw notFound('active IP block');
        await audit(trx, { actor, action: 'security.ip_block.removed', subjectId: id, details: { cidr: b.cidr, scope: b.scope }, ip: requesterIp ?? null });
        await bump(trx);
        return b;
      });
      await blocks.refresh(true).catch((err) => log.warn({ err }, 'ip blocks reload failed'));
      return removed;
    },

    /**
     * The monitor's automatic block, inside its event's transaction (audited as the monitor). Null when an
     * active block of that range already exists.
     */
    async insertAutomatic(trx: Sql, b: { cidr: string; reason: string; minutes: number; eventId: string }): Promise<IpBlock | null> {
      const c = parseCidr(b.cidr);
      const now = clock.now();
      if (await repo.findActiveBlock(trx, c.cidr, 'public', now)) return null;
      const block = await repo.insertBlock(trx, {
        id: newId('ipb'), cidr: c.cidr, family: c.family, scope: 'public', reason: b.reason, createdBy: 'system:security-monitor',
        eventId: b.eventId, createdAt: now, expiresAt: new Date(now.getTime() + b.minutes * 60_000),
      });
      await audit(trx, { actor: 'system:security-monitor', action: 'security.ip_block.created', subjectId: block.id, details: { cidr: block.cidr, scope: 'public', reason: b.reason, eventId: b.eventId, expiresAt: block.expiresAt?.toISOString() ?? null } });
      await bump(trx);
      return block;
    },
  };
  return blocks;
}

export type IpBlocks = ReturnType<typeof createIpBlocks>;
