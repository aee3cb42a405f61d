import { performance } from 'node:perf_hooks';
import type { CardsDeps } from '../cards.deps.ts';
import type { PreparedRiskDecision, RiskDecision } from '../../risk/index.ts';
import * as authRepo from '../authorizations.repo.ts';
import { checkCard, checkControls } from '../cards.controls.ts';
import { KeyedMutex } from '../keyed-mutex.ts';
import { CardStateCache, type CardEntry } from '../card-state.ts';
import { GroupCommit, type GroupCommitOptions } from '../group-commit.ts';
import type { AuthorizationAnswer, AuthorizationInput, Fallback } from '../cards.schema.ts';

/** The decision before it is recorded. */
interface Outcome {
  approved: boolean; reason: string; stage: authRepo.StoredAuthorization['stage']; score: number; decisionId: string | null; fallback: boolean;
  cardId: string | null; cardholderId: string | null;
  /** The card state it was decided on: an approval adds to its spend after COMMIT. */
  entry: CardEntry | null;
  /** The risk decision, made but not yet written: it is written with the authorization row, in the same transaction. */
  risk: PreparedRiskDecision | null;
}

/** One authorization row (and its risk decision) for the group commit; the answer: inserted, or the row that was there first. */
interface Write { auth: authRepo.NewAuthorization; risk: PreparedRiskDecision | null }
type Written = { won: true } | { won: false; stored: authRepo.StoredAuthorization | null };

const answerOf = (a: { approved: boolean; decisionId: string | null; reason: string; score: number; fallback: boolean }): AuthorizationAnswer =>
  ({ approved: a.approved, decisionId: a.decisionId, reason: a.reason, score: a.score, fallback: a.fallback });

const freezes = (r: PreparedRiskDecision | null) => !!r && r.actions.some((a) => a.type === 'freeze_card');

export interface AuthorizerOptions {
  /** Group commit of the decisions (defaults: batches of up to 256; 1 batch at a time on PGlite, 2 on PostgreSQL). */
  groupCommit?: GroupCommitOptions;
  /** How many answers are kept in memory for replays of the same id (default 50 000). */
  recentAnswers?: number;
}

/**
 * The card authorization decision (the processor waits on it, typically with a 2 s deadline):
 *
 *   card status → card controls → risk rules, within CARD_DECISION_BUDGET_MS, else the program's fallback.
 *
 * Hot path, normally without a read: the card, its program's controls and its spend are in memory
 * (card-state.ts; one statement loads a card the first time); the risk engine decides in memory (compiled rules,
 * velocity) and returns its decision UNWRITTEN. Then ONE durable write: the authorization row and the risk
 * decision row (with the rule's side actions: freeze, blacklist, alert + Slack job) in one transaction — the
 * group commit (group-commit.ts) puts every decision that arrives while a batch is written into the next batch:
 * one COMMIT for many decisions, each answered after its COMMIT. See docs/card-processor.md ("One durable write").
 *
 * Idempotency (the PRIMARY KEY on the processor's id is the record): the same id on this node joins the decision
 * in flight, or is answered from the recent answers; otherwise (another node, or long ago) it is decided again,
 * its INSERT … ON CONFLICT DO NOTHING loses, and it answers with the stored row — its risk decision is not
 * written and its side actions do not run. Decisions about one card are serialized on this node (KeyedMutex): an
 * approval counts in the card's spend as soon as it is decided (taken back if its write loses or fails), then
 * the lock passes on — so concurrent authorizations cannot both pass a limit, yet can share one batch.
 */
export function authorizer(d: CardsDeps, opts: AuthorizerOptions = {}) {
  const inflight = new Map<string, Promise<AuthorizationAnswer>>();
  const recent = new Map<string, AuthorizationAnswer>();
  const recentMax = opts.recentAnswers ?? 50_000;
  const cardLocks = new KeyedMutex();
  /** cardRef → this node's records of the card not yet committed (a load of the card waits for them). */
  const writing = new Map<string, Set<Promise<unknown>>>();
  const cache = d.cardState instanceof CardStateCache ? d.cardState : new CardStateCache(d.db, d.log);
  const risk = d.risk;
  const split = risk?.decide && risk.writeDecisions
    ? { decide: risk.decide.bind(risk), write: risk.writeDecisions.bind(risk), insert: risk.decisionsInsert?.bind(risk) ?? null }
    : null;

  const writer = new GroupCommit<Write, Written>(writeBatch, { maxInFlight: d.db.kind === 'pglite' ? 1 : 2, maxBatch: 256, ...opts.groupCommit });
  void authRepo.warmDecisionStatements(d.db, split?.insert?.([]).statement).catch(() => undefined); // the first authorization should not pay for planning

  /** One batch: the authorization rows in one statement, the winners' risk decisions (+ side actions) in the same transaction. */
  async function writeBatch(items: Write[]): Promise<Written[]> {
    const first = new Map<string, number>(); // a second copy of an id in one batch loses to the first
    items.forEach((w, i) => { if (!first.has(w.auth.id)) first.set(w.auth.id, i); });
    const isFirst = (w: Write, i: number) => first.get(w.auth.id) === i;
    // rows in id order: concurrent batches of several nodes then wait for each other's ids in one order (no deadlock)
    const rows = items.filter(isFirst).map((w) => w.auth).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let won: Set<string>;
    let after: (() => Promise<void>) | null = null;
    if (!split || !items.some((w) => w.risk)) {
      won = await authRepo.insertAuthorizations(d.db, rows); // one statement, its own COMMIT
    } else if (split.insert && !items.some((w) => w.risk?.needsTransaction)) {
      // the common case: the rows and their risk decisions in ONE statement (one round trip, its own COMMIT)
      won = await authRepo.insertAuthorizationsWithDecisions(d.db, rows, split.insert(items.filter((w, i) => w.risk && isFirst(w, i)).map((w) => w.risk!)));
    } else {
      // a rule's side actions (freeze, blacklist, alert) run in the same transaction as the rows
      const r = await d.db.tx(async (trx) => {
        const inserted = await authRepo.insertAuthorizations(trx, rows);
        const decisions = items.filter((w, i) => w.risk && isFirst(w, i) && inserted.has(w.auth.id)).map((w) => w.risk!);
        return { inserted, after: decisions.length > 0 ? await split.write(trx, decisions) : null };
      });
      won = r.inserted;
      after = r.after;
    }
    // committed: a card a rule froze is read again by its next decision
    items.forEach((w, i) => { if (isFirst(w, i) && won.has(w.auth.id) && freezes(w.risk) && w.auth.cardId) cache.cardChanged(w.auth.cardId); });
    if (after) await after().catch((err) => d.log.error({ err }, 'after the card decisions\' commit'));
    const lost = items.filter((w, i) => !(isFirst(w, i) && won.has(w.auth.id))).map((w) => w.auth.id);
    const stored = lost.length > 0 ? await authRepo.getAuthorizations(d.db, lost) : new Map<string, authRepo.StoredAuthorization>();
    return items.map((w, i) => (isFirst(w, i) && won.has(w.auth.id) ? { won: true } : { won: false, stored: stored.get(w.auth.id) ?? null }));
  }

  function remember(id: string, a: AuthorizationAnswer): void {
    recent.set(id, a);
    if (recent.size > recentMax) recent.delete(recent.keys().next().value!);
  }

  function track(cardRef: string, p: Promise<unknown>): void {
    let set = writing.get(cardRef);
    if (!set) writing.set(cardRef, (set = new Set()));
    set.add(p);
    const done = () => { set.delete(p); if (set.size === 0 && writing.get(cardRef) === set) writing.delete(cardRef); };
    p.then(done, done);
  }

  async function decide(input: AuthorizationInput, now: Date): Promise<Outcome> {
    if (cache.current(input.cardRef, now) === undefined) {
      // about to read the card's spend from the database: this node's approvals of it must be there first
      const w = writing.get(input.cardRef);
      if (w) await Promise.allSettled([...w]);
    }
    const entry = await cache.get(input.cardRef, now);
    const base = { cardId: entry?.card.id ?? null, cardholderId: entry?.card.cardholderId ?? null, entry, score: 0, decisionId: null, fallback: false, risk: null };
    if (!entry) return { ...base, approved: false, stage: 'card', reason: 'unknown card' };
    const card = entry.card;
    const state = checkCard(card, now);
    if (!state.ok) return { ...base, approved: false, stage: 'card', reason: state.reason };
    const c = checkControls(entry.controls, card.currency, input, entry.spend, now);
    if (!c.ok) return { ...base, approved: false, stage: 'controls', reason: c.reason };
    if (!risk) return { ...base, approved: true, stage: 'controls', reason: 'approved' };

    const event = {
      kind: 'card_authorization' as const, subjectId: input.id, at: now, amount: input.amount,
      card: { bin: card.bin, last4: card.last4, id: card.id, program: card.programName },
      merchant: { name: input.merchant.name, mcc: input.merchant.mcc, city: input.merchant.city, country: input.merchant.country },
      customerId: card.cardholderId,
    };
    let prepared: PreparedRiskDecision | null = null;
    let r: RiskDecision;
    if (split) r = prepared = await split.decide(event);
    else r = await risk.evaluate(event);
    const rules = [...new Set(r.reasons.map((x) => x.rule))].join(', ');
    const approved = r.decision !== 'block';
    const reason = !approved ? `declined by risk rules: ${rules}` : r.decision === 'review' ? `approved, flagged for review: ${rules}` : rules ? `approved (score ${r.score}: ${rules})` : 'approved';
    return { ...base, approved, stage: 'rules', reason, score: r.score, decisionId: r.id, risk: prepared };
  }

  /**
   * The decision's one write (group commit); the answer is the stored row's when another copy of this id was
   * recorded first. `reserved`: the approval already counts in the card's spend in memory (taken back if the
   * write loses or fails).
   */
  async function record(input: AuthorizationInput, o: Outcome, now: Date, t0: number, reserved: boolean): Promise<AuthorizationAnswer> {
    const unreserve = () => { if (reserved && o.entry) cache.approved(o.entry, now, -input.amount.amount); };
    const w = await writer.submit({
      risk: o.risk,
      auth: {
        id: input.id, cardRef: input.cardRef, cardId: o.cardId, cardholderId: o.cardholderId, amount: input.amount.amount, currency: input.amount.currency,
        merchant: input.merchant, approved: o.approved, reason: o.reason, stage: o.stage, score: o.score, decisionId: o.decisionId, fallback: o.fallback,
        decisionMs: Math.round(performance.now() - t0), source: input.source, occurredAt: input.occurredAt, createdAt: now,
      },
    }).catch((err: unknown) => { unreserve(); throw err; });
    let answer: AuthorizationAnswer;
    if (w.won) {
      answer = answerOf(o);
      // a fallback approval was not counted (its card state may be loading right now): the card is read again
      if (o.approved && o.cardId && !reserved) cache.cardChanged(o.cardId);
    } else {
      // memory follows the stored row: an approval of this authorization counts (whoever recorded it), a decline does not
      const s = w.stored;
      if (!(s && s.approved && s.cardId === o.cardId && s.amount === input.amount.amount)) unreserve();
      answer = s ? answerOf(s) : answerOf(o);
    }
    remember(input.id, answer);
    return answer;
  }

  function fallbackOutcome(input: AuthorizationInput, why: 'timeout' | 'error'): Outcome {
    const k = cache.peek(input.cardRef);
    const fb: Fallback = k?.card.fallback ?? 'decline';
    const reason = why === 'timeout'
      ? `no decision within ${d.decisionBudgetMs} ms: card program fallback (${fb})`
      : `decision failed: card program fallback (${fb})`;
    return {
      approved: fb === 'approve', reason, stage: 'fallback', score: 0, decisionId: null, fallback: true,
      cardId: k?.card.id ?? null, cardholderId: k?.card.cardholderId ?? null, entry: k, risk: null,
    };
  }

  /** A fallback was answered and recorded; the decision that finished late is written and linked (off the answer's path). */
  async function linkLate(input: AuthorizationInput, o: Outcome, t0: number): Promise<void> {
    const note = `late decision after ${Math.round(performance.now() - t0)} ms: ${o.approved ? 'approve' : 'decline'} (${o.reason})`;
    const after = await d.db.tx(async (trx) => {
      const a = o.risk && split ? await split.write(trx, [o.risk]) : null;
      await authRepo.attachLateDecision(trx, input.id, { decisionId: o.decisionId, cardId: o.cardId, cardholderId: o.cardholderId, note });
      return a;
    });
    if (freezes(o.risk) && o.cardId) cache.cardChanged(o.cardId);
    if (after) await after();
  }

  async function decideWithinBudget(input: AuthorizationInput): Promise<AuthorizationAnswer> {
    const t0 = performance.now();
    const now = d.clock.now();
    const gate = cardLocks.acquire(input.cardRef);
    const decided = gate.then(() => decide(input, now));
    let timer: NodeJS.Timeout | undefined;
    const first = await Promise.race([
      decided.then((v) => ({ kind: 'done' as const, v }), (err: unknown) => ({ kind: 'error' as const, err })),
      new Promise<{ kind: 'timeout' }>((resolve) => { timer = setTimeout(() => resolve({ kind: 'timeout' }), Math.max(1, d.decisionBudgetMs)); }),
    ]);
    clearTimeout(timer);
    if (first.kind === 'done') {
      // counted at once, under the card's lock: the card's next decision may run now (and share this one's batch)
      const o = first.v;
      const reserved = o.approved && !!o.entry;
      if (reserved) cache.approved(o.entry!, now, input.amount.amount);
      const recorded = record(input, o, now, t0, reserved);
      track(input.cardRef, recorded);
      // a decision whose rules act (freeze the card, list a party, alert) keeps the card's lock until it is
      // committed and the card re-read: the next authorization of the card sees the freeze, as before
      if (o.risk?.needsTransaction) void recorded.then(() => undefined, () => undefined).then(async () => (await gate)());
      else void gate.then((release) => release());
      return recorded;
    }
    if (first.kind === 'error') d.log.error({ err: first.err, authorizationId: input.id }, 'card authorization decision failed; answering the fallback');
    else d.log.warn({ authorizationId: input.id, budgetMs: d.decisionBudgetMs }, 'card authorization decision over budget; answering the fallback');
    const fb = fallbackOutcome(input, first.kind);
    const recorded = record(input, fb, now, t0, false).catch((err) => {
      d.log.error({ err, authorizationId: input.id }, 'could not record the fallback answer');
      return answerOf(fb);
    });
    track(input.cardRef, recorded);
    if (first.kind === 'timeout') {
      void Promise.all([recorded, decided]).then(([, late]) => linkLate(input, late, t0))
        .catch((err) => d.log.error({ err, authorizationId: input.id }, 'could not attach the late decision'));
    }
    // after a fallback, the card's lock is released once the slow decision has settled and the record is written
    void Promise.allSettled([decided, recorded]).then(async () => (await gate)());
    return recorded;
  }

  return {
    /** Decides about one processor authorization (idempotent per id). */
    authorize(input: AuthorizationInput): Promise<AuthorizationAnswer> {
      const done = recent.get(input.id);
      if (done) return Promise.resolve(done);
      const running = inflight.get(input.id);
      if (running) return running;
      const p = decideWithinBudget(input).finally(() => inflight.delete(input.id));
      inflight.set(input.id, p);
      return p;
    },
    /** In-flight decisions, card locks held, cards in memory (for tests and metrics). */
    stats: () => ({ inflight: inflight.size, cardLocks: cardLocks.size, knownCards: cache.size }),
    /** Group-commit batches written and card states loaded from the database (for the benchmark's notes). */
    writeStats: () => ({ ...writer.stats, cardLoads: cache.loads, recentAnswers: recent.size }),
  };
}
export type Authorizer = ReturnType<typeof authorizer>;
