import type { Db, Sql } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { audit, actorOf, type Principal } from '../staff/index.ts';
import * as repo from './blacklist.repo.ts';
import type { BlacklistKind } from './blacklist.repo.ts';

/** Values are normalized so that "Bob@Example.com " and "bob@example.com" are the same entry. */
export function normalize(kind: BlacklistKind, value: string): string {
  const v = value.trim();
  switch (kind) {
    case 'email': return v.toLowerCase();
    case 'phone': return v.replace(/[^\d+]/g, '');
    case 'ip': return v.toLowerCase().replace(/^::ffff:/, '');
    case 'platform_user': return v.toLowerCase();
  }
}

export interface Party { platformUserId?: string | null; email?: string | null; ip?: string | null; phone?: string | null }

export function createBlacklistService(db: Db) {
  return {
    list: () => repo.listActive(db),

    async add(by: Principal, input: { kind: BlacklistKind; value: string; reason: string; expiresAt?: string }, ip?: string | null) {
      const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
      if (expiresAt && expiresAt.getTime() <= Date.now()) throw new AppError('validation_failed', 'expiresAt must be in the future');
      const value = normalize(input.kind, input.value);
      if (!value) throw new AppError('validation_failed', 'value is empty');
      const id = newId('blk');
      await db.tx(async (trx) => {
        await trx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [`blacklist:${input.kind}:${value}`]);
        if (await repo.findMatch(trx, [{ kind: input.kind, value }])) throw new AppError('conflict', 'this value is already on the blacklist');
        await repo.insert(trx, { id, kind: input.kind, value, reason: input.reason, expiresAt, createdBy: actorOf(by) });
        await audit(trx, { actor: actorOf(by), action: 'blacklist.added', subjectId: id, details: { kind: input.kind, value, reason: input.reason, expiresAt }, ip });
      });
      return { id, kind: input.kind, value, reason: input.reason, expiresAt, createdBy: actorOf(by), createdAt: new Date() };
    },

    async remove(by: Principal, id: string, ip?: string | null) {
      await db.tx(async (trx) => {
        const removed = await repo.remove(trx, id, actorOf(by));
        if (!removed) throw new AppError('not_found', 'blacklist entry not found');
        await audit(trx, { actor: actorOf(by), action: 'blacklist.removed', subjectId: id, details: { kind: removed.kind, value: removed.value }, ip });
      });
    },

    /** The matching entry for any of the party's identifiers, or null. Callers must not reveal which one matched. */
    async match(sql: Sql, party: Party) {
      const pairs: Array<{ kind: BlacklistKind; value: string }> = [];
      if (party.platformUserId) pairs.push({ kind: 'platform_user', value: normalize('platform_user', party.platformUserId) });
      if (party.email) pairs.push({ kind: 'email', value: normalize('email', party.email) });
      if (party.ip) pairs.push({ kind: 'ip', value: normalize('ip', party.ip) });
      if (party.phone) pairs.push({ kind: 'phone', value: normalize('phone', party.phone) });
      return repo.findMatch(sql, pairs);
    },
  };
}
export type BlacklistService = ReturnType<typeof createBlacklistService>;
