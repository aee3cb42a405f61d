import type { Db, Sql } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getSetting, setSetting } from '../../platform/settings.ts';
import { audit } from '../staff/index.ts';
import * as repo from './risk.repo.ts';
import type { ListEntry, Snooze } from './risk.repo.ts';
import type { ListKind } from './risk.schema.ts';
import type { ListHit } from './engine.ts';

const VERSION_KEY = 'risk.lists_version';

/** Values are normalized so that "Bob@Example.com " and "bob@example.com" are one entry. */
export function normalizeListValue(kind: ListKind | string, value: string): string {
  const v = value.trim();
  switch (kind) {
    case 'email': case 'email_domain': case 'platform_user': case 'device': case 'card_fingerprint': case 'customer': return v.toLowerCase();
    case 'phone': return v.replace(/[^\d+]/g, '');
    case 'ip': return v.toLowerCase().replace(/^::ffff:/, '');
    case 'country': return v.toUpperCase();
    case 'asn': return v.toUpperCase().replace(/^AS/, '');
    default: return v;
  }
}

export type Party = Partial<Record<ListKind, string | number | null | undefined>>;

/**
 * Allow and block lists (the core's blacklist is the block list) and per-entity rule snoozes.
 * Decisions read an in-memory copy, refreshed when any node changes a list (a version number in the
 * database, checked every second) — a list lookup costs no database round trip.
 */
export function createListsService(db: Db) {
  let cache: { version: number; byKey: Map<string, ListEntry[]>; snoozes: Map<string, Snooze[]> } = { version: -1, byKey: new Map(), snoozes: new Map() };
  let loading: Promise<void> | null = null;

  async function bump(trx: Sql) {
    const v = (await getSetting<number>(trx, VERSION_KEY)) ?? 0;
    await setSetting(trx, VERSION_KEY, v + 1);
  }

  async function load(version: number) {
    const [entries, snoozes] = await Promise.all([repo.activeEntries(db), repo.activeSnoozes(db)]);
    const byKey = new Map<string, ListEntry[]>();
    for (const e of entries) {
      const k = `${e.kind}:${e.value}`;
      byKey.set(k, [...(byKey.get(k) ?? []), e]);
    }
    const sn = new Map<string, Snooze[]>();
    for (const s of snoozes) sn.set(s.ruleId, [...(sn.get(s.ruleId) ?? []), s]);
    cache = { version, byKey, snoozes: sn };
  }

  const service = {
    /** Reloads the in-memory lists if another node (or this one) changed them. Cheap: one small read. */
    async refresh(force = false): Promise<void> {
      const v = (await getSetting<number>(db, VERSION_KEY)) ?? 0;
      if (!force && v === cache.version) return;
      loading ??= load(v).finally(() => { loading = null; });
      await loading;
    },

    /** List hits for a party, from memory. Expired entries never match. */
    hits(party: Party): ListHit[] {
      const out: ListHit[] = [];
      const now = Date.now();
      for (const [kind, raw] of Object.entries(party)) {
        if (raw === null || raw === undefined || raw === '') continue;
        const list = cache.byKey.get(`${kind}:${normalizeListValue(kind, String(raw))}`);
        if (!list) continue;
        for (const e of list) if (!e.expiresAt || e.expiresAt.getTime() > now) out.push({ list: e.list, kind: e.kind, value: e.value, entryId: e.id });
      }
      return out;
    },

    /** Whether a rule is snoozed for any of the party's values. */
    snoozedFor(ruleId: string, party: Party): boolean {
      const list = cache.snoozes.get(ruleId);
      if (!list) return false;
      const now = Date.now();
      return list.some((s) => s.until.getTime() > now && party[s.kind as ListKind] !== undefined && normalizeListValue(s.kind, String(party[s.kind as ListKind])) === s.value);
    },

    list: (filter: { list?: 'allow' | 'block'; kinds?: readonly string[] } = {}) => repo.activeEntries(db, filter),

    /** Adds an entry (refusing a duplicate of an active one). `trx` lets rule side-actions add inside the decision's transaction. */
    async add(actor: string, input: { list: 'allow' | 'block'; kind: ListKind; value: string; reason: string; expiresAt?: string | Date | null; source?: 'staff' | 'rule' }, ip?: string | null, trxIn?: Sql): Promise<ListEntry> {
      const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
      if (expiresAt && expiresAt.getTime() <= Date.now()) throw new AppError('validation_failed', 'expiresAt must be in the future');
      const value = normalizeListValue(input.kind, input.value);
      if (!value) throw new AppError('validation_failed', 'value is empty');
      const run = async (trx: Sql) => {
        await trx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [`risk.list:${input.list}:${input.kind}:${value}`]);
        const existing = await repo.findActiveEntry(trx, input.list, input.kind, value);
        if (existing) {
          if (input.source === 'rule') return existing; // a rule hitting again is not an error
          throw new AppError('conflict', `this value is already on the ${input.list} list`);
        }
        const entry: ListEntry = { id: newId('lst'), list: input.list, kind: input.kind, value, reason: input.reason, expiresAt, source: input.source ?? 'staff', createdBy: actor, createdAt: new Date() };
        await repo.insertEntry(trx, entry);
        await audit(trx, { actor, action: `${input.list}list.added`, subjectId: entry.id, details: { kind: input.kind, value, reason: input.reason, expiresAt }, ip });
        await bump(trx);
        return entry;
      };
      const entry = trxIn ? await run(trxIn) : await db.tx(run);
      if (!trxIn) await service.refresh(true);
      return entry;
    },

    async remove(actor: string, id: string, ip?: string | null, scope: { list?: 'allow' | 'block'; kinds?: readonly string[] } = {}): Promise<void> {
      await db.tx(async (trx) => {
        const removed = await repo.removeEntry(trx, id, actor, scope.list, scope.kinds);
        if (!removed) throw new AppError('not_found', 'list entry not found');
        await audit(trx, { actor, action: `${removed.list}list.removed`, subjectId: id, details: { kind: removed.kind, value: removed.value }, ip });
        await bump(trx);
      });
      await service.refresh(true);
    },

    snoozes: () => repo.activeSnoozes(db),

    async snooze(actor: string, input: { ruleId: string; kind: ListKind; value: string; until: string; reason: string }, ip?: string | null): Promise<Snooze> {
      const until = new Date(input.until);
      if (!(until.getTime() > Date.now())) throw new AppError('validation_failed', 'until must be in the future');
      const s: Snooze = { id: newId('snz'), ruleId: input.ruleId, kind: input.kind, value: normalizeListValue(input.kind, input.value), until, reason: input.reason, createdBy: actor, createdAt: new Date() };
      await db.tx(async (trx) => {
        if (!(await repo.getRule(trx, input.ruleId))) throw new AppError('not_found', 'rule not found');
        await repo.insertSnooze(trx, s);
        await audit(trx, { actor, action: 'risk.rule_snoozed', subjectId: input.ruleId, details: { kind: s.kind, value: s.value, until, reason: s.reason }, ip });
        await bump(trx);
      });
      await service.refresh(true);
      return s;
    },

    async unsnooze(actor: string, id: string, ip?: string | null): Promise<void> {
      await db.tx(async (trx) => {
        if (!(await repo.removeSnooze(trx, id))) throw new AppError('not_found', 'snooze not found');
        await audit(trx, { actor, action: 'risk.rule_unsnoozed', subjectId: id, ip });
        await bump(trx);
      });
      await service.refresh(true);
    },
  };
  return service;
}
export type ListsService = ReturnType<typeof createListsService>;
