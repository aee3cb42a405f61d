import { performance } from 'node:perf_hooks';
import type { CardsDeps } from '../cards.deps.ts';
import * as authRepo from '../authorizations.repo.ts';
import { checkCard, checkControls, effectiveControls } from '../cards.controls.ts';
import { KeyedMutex } from '../keyed-mutex.ts';
import type { AuthorizationAnswer, AuthorizationInput, Fallback } from '../cards.schema.ts';

/** The decision before it is recorded. */
interface Outcome {
  approved: boolean; reason: string; stage: authRepo.StoredAuthorization['stage']; score: number; decisionId: string | null; fallback: boolean;
  cardId: string | null; cardholderId: string | null; assignmentId: string | null;
}
type Decided = { replay: AuthorizationAnswer } | { outcome: Outcome };

const answerOf = (a: { approved: boolean; decisionId: string | null; reason: string; score: number; fallback: boolean }): AuthorizationAnswer =>
  ({ approved: a.approved, decisionId: a.decisionId, reason: a.reason, score: a.score, fallback: a.fallback });

const KNOWN_MAX = 100_000;

/**
 * The card authorization decision (the processor waits on it, typically with a 2 s deadline):
 *
 *   card status → card controls → risk rules, within CARD_DECISION_BUDGET_MS, else the program's fallback.
 *
 * Hot path: ONE read (loadDecisionContext: a stored answer for this id, the card + program, today's and this
 * month's approved spend from a covering index, the open spend assignment) and ONE write of this module (the
 * authorization row, which is also the idempotency record: PRIMARY KEY on the processor's id). When the rules
 * run, risk.evaluate writes its decision row itself (its one write; it also records velocity and runs side
 * actions — freeze, alert — in its own transaction). So: 1 commit when the card or a control decides, 2 when
 * the rules decide. See docs/card-processor.md ("One durable write") for why and what would make it 1.
 *
 * Duplicates ("webhook called twice"): the same id on this node joins the decision in flight; later, the
 * stored row answers; across nodes, the INSERT … ON CONFLICT makes the first row win and the loser answers
 * with it. Decisions about one card are serialized on this node (KeyedMutex) so concurrent authorizations
 * cannot both pass a limit.
 */
export function authorizer(d: CardsDeps) {
  const inflight = new Map<string, Promise<AuthorizationAnswer>>();
  const cardLocks = new KeyedMutex();
  /** cardRef → what a fallback answer needs when the read itself is what is slow (refreshed by every decision). */
  const known = new Map<string, { cardId: string; cardholderId: string; fallback: Fallback }>();

  async function decide(input: AuthorizationInput, now: Date): Promise<Decided> {
    const ctx = await authRepo.loadDecisionContext(d.db, input.id, input.cardRef, now, input.occurredAt);
    if (ctx.existing) return { replay: answerOf(ctx.existing) };
    const card = ctx.card;
    const base = { cardId: card?.id ?? null, cardholderId: card?.cardholderId ?? null, assignmentId: ctx.assignmentId, score: 0, decisionId: null, fallback: false };
    if (!card) return { outcome: { ...base, approved: false, stage: 'card', reason: 'unknown card' } };
    if (known.size >= KNOWN_MAX) known.clear();
    known.set(input.cardRef, { cardId: card.id, cardholderId: card.cardholderId, fallback: card.fallback ?? 'decline' });

    const state = checkCard(card, now);
    if (!state.ok) return { outcome: { ...base, approved: false, stage: 'card', reason: state.reason } };
    const controls = effectiveControls(card.programControls, card.controls);
    const c = checkControls(controls, card.currency, input, { day: ctx.spentDay, month: ctx.spentMonth }, now);
    if (!c.ok) return { outcome: { ...base, approved: false, stage: 'controls', reason: c.reason } };
    if (!d.risk) return { outcome: { ...base, approved: true, stage: 'controls', reason: 'approved' } };

    const r = await d.risk.evaluate({
      kind: 'card_authorization', subjectId: input.id, at: now, amount: input.amount,
      card: { bin: card.bin, last4: card.last4, id: card.id, program: card.programName },
      merchant: { name: input.merchant.name, mcc: input.merchant.mcc, city: input.merchant.city, country: input.merchant.country },
      customerId: card.cardholderId,
    });
    const rules = [...new Set(r.reasons.map((x) => x.rule))].join(', ');
    const approved = r.decision !== 'block';
    const reason = !approved ? `declined by risk rules: ${rules}` : r.decision === 'review' ? `approved, flagged for review: ${rules}` : rules ? `approved (score ${r.score}: ${rules})` : 'approved';
    return { outcome: { ...base, approved, stage: 'rules', reason, score: r.score, decisionId: r.id } };
  }

  async function record(input: AuthorizationInput, o: Outcome, now: Date, t0: number): Promise<AuthorizationAnswer> {
    const inserted = await authRepo.insertAuthorization(d.db, {
      id: input.id, cardRef: input.cardRef, cardId: o.cardId, cardholderId: o.cardholderId, assignmentId: o.assignmentId, amount: input.amount.amount,
      currency: input.amount.currency, merchant: input.merchant, approved: o.approved, reason: o.reason, stage: o.stage, score: o.score, decisionId: o.decisionId,
      fallback: o.fallback, decisionMs: Math.round(performance.now() - t0), source: input.source, occurredAt: input.occurredAt, createdAt: now,
    });
    if (!inserted) {
      // another node recorded this id first: its answer is the answer
      const winner = await authRepo.getAuthorization(d.db, input.id);
      if (winner) return answerOf(winner);
    }
    return answerOf(o);
  }

  function fallbackOutcome(input: AuthorizationInput, why: 'timeout' | 'error'): Outcome {
    const k = known.get(input.cardRef);
    const fb: Fallback = k?.fallback ?? 'decline';
    const reason = why === 'timeout'
      ? `no decision within ${d.decisionBudgetMs} ms: card program fallback (${fb})`
      : `decision failed: card program fallback (${fb})`;
    return { approved: fb === 'approve', reason, stage: 'fallback', score: 0, decisionId: null, fallback: true, cardId: k?.cardId ?? null, cardholderId: k?.cardholderId ?? null, assignmentId: null };
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
    // the card's lock is released once its decision has settled and (on the normal path) been recorded
    const release = () => { void decided.then(() => undefined, () => undefined).then(async () => (await gate)()); };
    try {
      if (first.kind === 'done') {
        if ('replay' in first.v) return first.v.replay;
        return await record(input, first.v.outcome, now, t0);
      }
      if (first.kind === 'error') d.log.error({ err: first.err, authorizationId: input.id }, 'card authorization decision failed; answering the fallback');
      else d.log.warn({ authorizationId: input.id, budgetMs: d.decisionBudgetMs }, 'card authorization decision over budget; answering the fallback');
      const fb = fallbackOutcome(input, first.kind);
      const recorded = record(input, fb, now, t0);
      if (first.kind === 'timeout') {
        // the decision that finishes late is linked to the record (the only second write, off the answer's path)
        void Promise.all([recorded, decided]).then(async ([, late]) => {
          if (!('outcome' in late)) return;
          const o = late.outcome;
          await authRepo.attachLateDecision(d.db, input.id, {
            decisionId: o.decisionId, cardId: o.cardId, cardholderId: o.cardholderId, assignmentId: o.assignmentId,
            note: `late decision after ${Math.round(performance.now() - t0)} ms: ${o.approved ? 'approve' : 'decline'} (${o.reason})`,
          });
        }).catch((err) => d.log.error({ err, authorizationId: input.id }, 'could not attach the late decision'));
      }
      return await recorded.catch((err) => {
        d.log.error({ err, authorizationId: input.id }, 'could not record the fallback answer');
        return answerOf(fb);
      });
    } finally {
      release();
    }
  }

  return {
    /** Decides about one processor authorization (idempotent per id). */
    authorize(input: AuthorizationInput): Promise<AuthorizationAnswer> {
      const running = inflight.get(input.id);
      if (running) return running;
      const p = decideWithinBudget(input).finally(() => inflight.delete(input.id));
      inflight.set(input.id, p);
      return p;
    },
    /** In-flight decisions and card locks held (for tests and metrics). */
    stats: () => ({ inflight: inflight.size, cardLocks: cardLocks.size, knownCards: known.size }),
  };
}
export type Authorizer = ReturnType<typeof authorizer>;
