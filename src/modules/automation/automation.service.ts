import type { Db, Sql } from '../../platform/db/db.ts';
import { getSetting, setSetting } from '../../platform/settings.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { audit, actorOf, type Principal } from '../staff/index.ts';

/**
 * The one switch for the whole fulfilment automation. While paused, payments are still accepted and
 * recorded and paid orders wait in `paid`; resuming enqueues a job that sends them on to fulfilment.
 * The state lives in the database: it survives restarts and is the same on every node.
 */
export interface AutomationState { paused: boolean; changedAt: string | null; changedBy: string | null; reason: string | null }

const KEY = 'automation';
export const RESUME_JOB = { queue: 'orders', kind: 'automation.resumed' } as const;

export function createAutomationService(db: Db) {
  async function get(sql: Sql = db): Promise<AutomationState> {
    return (await getSetting<AutomationState>(sql, KEY)) ?? { paused: false, changedAt: null, changedBy: null, reason: null };
  }
  async function set(by: Principal, paused: boolean, reason: string | undefined, ip?: string | null): Promise<AutomationState> {
    return db.tx(async (trx) => {
      await trx.query(`SELECT pg_advisory_xact_lock(hashtextextended('automation', 7))`);
      const before = await get(trx);
      if (before.paused === paused) return before; // same state: no-op
      const state: AutomationState = { paused, changedAt: new Date().toISOString(), changedBy: actorOf(by), reason: reason ?? null };
      await setSetting(trx, KEY, state, actorOf(by));
      await audit(trx, { actor: actorOf(by), action: paused ? 'automation.paused' : 'automation.resumed', details: { reason: reason ?? null }, ip });
      if (!paused) await enqueue(trx, { ...RESUME_JOB, payload: { at: state.changedAt } });
      return state;
    });
  }
  return {
    get,
    isPaused: async (sql: Sql) => (await get(sql)).paused,
    pause: (by: Principal, reason?: string, ip?: string | null) => set(by, true, reason, ip),
    resume: (by: Principal, reason?: string, ip?: string | null) => set(by, false, reason, ip),
  };
}
export type AutomationService = ReturnType<typeof createAutomationService>;
