import type { Db, Sql } from '../../platform/db/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { DomainEvents } from '../../platform/events.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { raiseAlert } from '../../platform/alerts.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { getSetting, setSetting } from '../../platform/settings.ts';
import { audit } from '../staff/index.ts';
import { compile, MISSING } from './lang/index.ts';
import { decide, type EngineResult, type Thresholds } from './engine.ts';
import { buildFeatures, type RiskEvent } from './risk.features.ts';
import type { IpIntel } from './features/ip-intel.ts';
import type { VelocityStore } from './features/velocity.ts';
import type { ListsService } from './lists.service.ts';
import type { RulesService } from './rules.service.ts';
import * as repo from './risk.repo.ts';
import { FEATURE_SCHEMA, type Decision, type ListKind } from './risk.schema.ts';

export interface RiskSettings { reviewThreshold: number; blockThreshold: number; autoCaptureLimitUsd: number }
const SETTINGS_KEY = 'risk.settings';

export interface RiskDecision {
  id: string;
  decision: Decision;
  score: number;
  reasons: Array<{ rule: string; message: string }>;
  actions: EngineResult['actions'];
  rulesetVersion: number;
  features: Record<string, unknown>;
}

const PENDING = Symbol('risk.pendingWrite');
interface PendingWrite { row: repo.NewDecision; event: RiskEvent; result: EngineResult }

/** A decision made by decide() and not yet written: the caller writes it with writeDecisions (in a transaction when `needsTransaction`). */
export interface PreparedRiskDecision extends RiskDecision {
  /** A rule's side actions (freeze, blacklist, alert) run with the row: write it inside a transaction. */
  needsTransaction: boolean;
}

export const SLACK_JOB = { queue: 'notify', kind: 'notify.slack' } as const;

/** Which list kinds a rule's `blacklist` side action adds, from the features the rule reads. */
function blacklistTargets(references: readonly string[]): ListKind[] {
  const kinds = new Set<ListKind>();
  for (const p of references) {
    const head = p.startsWith('velocity.') ? p.split('.')[1] : p.split('.')[0];
    if (head === 'ip') kinds.add('ip');
    else if (head === 'email') kinds.add('email');
    else if (head === 'card') kinds.add('card_fingerprint');
    else if (head === 'device') kinds.add('device');
    else if (head === 'platform_user') kinds.add('platform_user');
    else if (head === 'customer') kinds.add('customer');
  }
  if (kinds.size === 0) { kinds.add('email'); kinds.add('ip'); }
  return [...kinds];
}

const PARTY_VALUE: Record<string, string> = { ip: 'ip.address', email: 'email.normalized', card_fingerprint: 'card.fingerprint', device: 'device.id', platform_user: 'platform_user.id', customer: 'customer.id' };

export interface RiskDeps { db: Db; log: Logger; events: DomainEvents; rules: RulesService; lists: ListsService; velocity: VelocityStore; ipIntel: IpIntel; defaults: RiskSettings }

/**
 * evaluate(event) → decision. The hot path: features in memory (+ one velocity round trip), compiled rules
 * in memory, and one durable write (the decision row; side actions add theirs only when a rule fires).
 */
export function createRiskService(d: RiskDeps) {
  const { db, events, rules, lists, velocity, ipIntel } = d;
  let settings: RiskSettings = d.defaults;
  /** What writeDecisions needs of a decision made by decide(): kept ON the decision (a non-enumerable symbol
   *  property), so it dies with it in a young-generation GC — a WeakMap entry would live until a full GC, and at
   *  thousands of decisions per second that promoted ~5 KB each to the old generation (long scavenges). */
  const pendingWrites = {
    set: (p: PreparedRiskDecision, w: PendingWrite) => Object.defineProperty(p, PENDING, { value: w, enumerable: false }),
    get: (p: PreparedRiskDecision): PendingWrite | undefined => (p as unknown as { [PENDING]?: PendingWrite })[PENDING],
  };

  async function applySideActions(trx: Sql, decisionId: string, e: RiskEvent, r: EngineResult, features: Record<string, unknown>): Promise<boolean> {
    let listsChanged = false;
    const alertRules = new Set<string>();
    for (const a of r.actions) {
      if (a.type === 'blacklist') {
        for (const kind of blacklistTargets(a.references)) {
          const value = features[PARTY_VALUE[kind]];
          if (typeof value !== 'string' || !value) continue;
          await lists.add(`rule:${a.rule}`, { list: 'block', kind, value, reason: `added by rule "${a.rule}" (decision ${decisionId})`, source: 'rule' }, null, trx);
          listsChanged = true;
        }
      } else if (a.type === 'freeze_card') {
        const cardId = features['card.id'];
        if (typeof cardId === 'string') await events.emit(trx, 'risk.freeze_card', { cardId, decisionId, rule: a.rule, actor: `rule:${a.rule}` });
      } else if (a.type === 'alert') {
        alertRules.add(a.rule);
      }
    }
    if (r.decision === 'block' || alertRules.size > 0) {
      const what = e.card?.bin && e.card?.last4 ? `card ${maskCard(e.card.bin, e.card.last4)}` : e.email ? `e-mail ${e.email}` : e.ip ? `IP ${e.ip}` : e.kind;
      const amount = e.amount ? ` ${formatAmount(e.amount)}` : '';
      const merchant = e.merchant?.name ? ` at ${e.merchant.name}` : '';
      const rulesText = [...new Set([...alertRules, ...r.reasons.filter((x) => x.effect === 'block').map((x) => x.rule)])].join(', ');
      const alertId = await raiseAlert(trx, {
        severity: r.decision === 'block' ? 'critical' : 'warning', kind: `risk.${r.decision}`,
        message: `Potential fraud (${r.decision}) on ${what}${merchant}${amount} — ${rulesText}`,
        subjectId: e.subjectId ?? decisionId,
        details: { decisionId, kind: e.kind, card: e.card?.bin && e.card?.last4 ? maskCard(e.card.bin, e.card.last4) : undefined, merchant: e.merchant?.name, amount: e.amount, rules: rulesText },
      });
      await enqueue(trx, { ...SLACK_JOB, payload: { alertId }, dedupeKey: `slack:${alertId}`, maxAttempts: 8 });
    }
    return listsChanged;
  }

  const service = {
    settings: () => settings,
    async loadSettings() {
      settings = { ...d.defaults, ...((await getSetting<Partial<RiskSettings>>(db, SETTINGS_KEY)) ?? {}) };
    },
    async updateSettings(actor: string, patch: Partial<RiskSettings>, ip?: string | null) {
      const next = { ...settings, ...patch };
      if (next.reviewThreshold > next.blockThreshold) throw new AppError('validation_failed', 'the review threshold must not be above the block threshold');
      await db.tx(async (trx) => {
        await setSetting(trx, SETTINGS_KEY, next, actor);
        await audit(trx, { actor, action: 'risk.settings_updated', details: { before: settings, after: next }, ip });
      });
      settings = next;
      return next;
    },

    /**
     * Decides about one event WITHOUT writing anything durable: features (the velocity observation is
     * recorded unless `record: false`), compiled rules in memory. The caller writes the decision row (and its
     * side actions) with writeDecisions, in its own transaction next to its own record — one commit for both
     * (the card authorizations' group commit). A decision that is never written leaves no trace but velocity.
     */
    async decide(e: RiskEvent, opts: { record?: boolean } = {}): Promise<PreparedRiskDecision> {
      const built = await buildFeatures(e, velocity, { record: opts.record ?? true, ip: ipIntel });
      const hits = lists.hits(built.party);
      const f = built.features;
      f['lists.block'] = hits.some((h) => h.list === 'block');
      f['lists.allow'] = hits.some((h) => h.list === 'allow');
      f['lists.block_kinds'] = [...new Set(hits.filter((h) => h.list === 'block').map((h) => h.kind))];
      const ruleset = rules.current();
      const thresholds: Thresholds = { review: settings.reviewThreshold, block: settings.blockThreshold };
      const r = decide(e.kind, f, ruleset, hits, thresholds, (ruleId) => lists.snoozedFor(ruleId, built.party));
      const id = newId('dec');
      const row: repo.NewDecision = {
        id, kind: e.kind, subjectId: e.subjectId ?? null, decision: r.decision, score: r.score,
        reasons: [...r.reasons, ...r.skipped.map((s) => ({ rule: s.rule, message: `not judged: missing ${s.missing.join(', ')}`, effect: 'skipped' }))],
        actions: r.actions.map((a) => ({ type: a.type, rule: a.rule })), shadow: r.shadow, features: f, rulesetVersion: ruleset.version,
      };
      const sideEffects = r.actions.length > 0 || r.decision === 'block';
      const prepared: PreparedRiskDecision = {
        id, decision: r.decision, score: r.score, rulesetVersion: ruleset.version, features: f, actions: r.actions,
        reasons: r.reasons.filter((x) => x.effect !== 'snoozed').map((x) => ({ rule: x.rule, message: x.message })),
        needsTransaction: sideEffects,
      };
      pendingWrites.set(prepared, { row, event: e, result: r });
      return prepared;
    },

    /**
     * Writes decisions made by decide(): their rows in ONE statement, then the side actions of those that have
     * any (blacklist, freeze_card event, alert + Slack job) — all in `trx`, so they commit atomically with the
     * caller's record. A decision with side actions needs a transaction (not the bare database).
     * Returns what to run after COMMIT (list refresh when a rule blacklisted someone).
     */
    async writeDecisions(trx: Sql, ds: readonly PreparedRiskDecision[]): Promise<() => Promise<void>> {
      const pending = ds.map((p) => {
        const w = pendingWrites.get(p);
        if (!w) throw new Error(`risk decision ${p.id} was not made by decide()`);
        return { p, w };
      });
      if (pending.some((x) => x.p.needsTransaction) && 'tx' in trx) throw new Error('risk decisions with side actions are written inside a transaction');
      await repo.insertDecisions(trx, pending.map((x) => x.w.row));
      let listsChanged = false;
      for (const { p, w } of pending) {
        if (p.needsTransaction && (await applySideActions(trx, p.id, w.event, w.result, p.features))) listsChanged = true;
      }
      return async () => { if (listsChanged) await lists.refresh(true); };
    },

    /**
     * Decisions WITHOUT side actions as parts of the caller's own statement: `json` is the parameter and
     * `statement(param, where)` the INSERT reading it (filtered by `where` on `x`, the row) — for a data-modifying
     * CTE that records the decisions with the caller's rows in one statement. Decisions with side actions go
     * through writeDecisions (in a transaction).
     */
    decisionsInsert(ds: readonly PreparedRiskDecision[]): { json: string; statement: (param: string, where?: string) => string } {
      const rows = ds.map((p) => {
        const w = pendingWrites.get(p);
        if (!w) throw new Error(`risk decision ${p.id} was not made by decide()`);
        if (p.needsTransaction) throw new Error(`risk decision ${p.id} has side actions: write it with writeDecisions in a transaction`);
        return w.row;
      });
      return { json: repo.decisionsJson(rows), statement: repo.insertDecisionsSql };
    },

    /**
     * Decides about one event and records it (decide + writeDecisions in one statement, or one transaction
     * when side actions run). `persist: false` is a dry run (nothing stored, velocity only read).
     */
    async evaluate(e: RiskEvent, opts: { persist?: boolean } = {}): Promise<RiskDecision> {
      const persist = opts.persist ?? true;
      const p = await service.decide(e, { record: persist });
      if (persist) {
        const after = p.needsTransaction ? await db.tx((trx) => service.writeDecisions(trx, [p])) : await service.writeDecisions(db, [p]);
        await after();
      }
      const { needsTransaction: _n, ...decision } = p;
      return decision;
    },

    getDecision: (id: string) => repo.getDecision(db, id),
    latestFor: (subjectId: string) => repo.latestDecisionFor(db, subjectId),
    listDecisions: (f: repo.DecisionFilter) => repo.listDecisions(db, f),
    topRules: (from: string | null, to: string | null) => repo.topRules(db, from, to),

    async label(actor: string, id: string, label: 'fraud' | 'legit' | null, reason: string | null, ip?: string | null) {
      await db.tx(async (trx) => {
        if (!(await repo.setLabel(trx, id, label, reason, actor))) throw new AppError('not_found', 'decision not found');
        await audit(trx, { actor, action: 'risk.decision_labelled', subjectId: id, details: { label, reason }, ip });
      });
    },

    /** Labels every decision about a subject (an order refunded as fraud, a charged-back payment). */
    labelSubject: (trx: Sql, subjectId: string, label: 'fraud' | 'legit', reason: string, actor: string) => repo.labelBySubject(trx, subjectId, label, reason, actor),

    /**
     * Backtest: runs a draft rule over the stored decisions of a period — how many it would have flagged,
     * by what the engine decided then, and how many of those were later labelled fraud.
     */
    async backtest(expression: string, range: { from: string; to: string }, limit = 50_000) {
      let rule;
      try {
        rule = compile(expression, FEATURE_SCHEMA);
      } catch (err) {
        const e = err as { message: string; position: number; line: number; column: number; length: number };
        throw new AppError('invalid_rule', `rule does not compile at line ${e.line}, column ${e.column}: ${e.message}`, { position: e.position, line: e.line, column: e.column, length: e.length });
      }
      const rows = await db.query<{ decision: Decision; label: string | null; features: Record<string, unknown>; kind: string }>(
        `SELECT decision, label, features, kind FROM risk_decisions WHERE created_at >= $1 AND created_at < $2 ORDER BY id LIMIT $3`, [range.from, range.to, limit]);
      const out = { evaluated: rows.length, matched: 0, missing: 0, matchedByDecision: { allow: 0, review: 0, block: 0 } as Record<Decision, number>, matchedFraud: 0, matchedLegit: 0, fraudTotal: 0, fraudMissed: 0 };
      for (const r of rows) {
        const fraud = r.label === 'fraud';
        if (fraud) out.fraudTotal++;
        const ev = rule.evaluate(r.features);
        if (ev.result === MISSING) out.missing++;
        if (ev.result === true) {
          out.matched++;
          out.matchedByDecision[r.decision]++;
          if (fraud) out.matchedFraud++;
          if (r.label === 'legit') out.matchedLegit++;
        } else if (fraud) out.fraudMissed++;
      }
      return out;
    },
  };
  return service;
}
export type RiskService = ReturnType<typeof createRiskService>;

export function maskCard(bin: string, last4: string): string {
  const b = bin.slice(0, 6);
  return `${b}${'X'.repeat(Math.max(0, 16 - b.length - 4))}${last4}`;
}

function formatAmount(m: { amount: number; currency: string }): string {
  const digits = ['JPY', 'KRW', 'VND'].includes(m.currency) ? 0 : 2;
  return `${m.currency} ${(m.amount / 10 ** digits).toFixed(digits)}`;
}
