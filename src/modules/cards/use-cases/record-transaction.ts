import { AppError } from '../../../platform/errors.ts';
import { raiseAlert } from '../../../platform/alerts.ts';
import { canTransition } from '../../../platform/states.ts';
import type { CardsDeps } from '../cards.deps.ts';
import * as authRepo from '../authorizations.repo.ts';
import { AUTHORIZATION_TRANSITIONS, STATUS_AFTER } from '../cards.states.ts';
import type { AuthorizationStatus, TransactionBody } from '../cards.schema.ts';
import { spendOf } from '../card-state.ts';

export interface TransactionResult {
  id: string; authorizationId: string; type: string; duplicate: boolean; outcome: string;
  status: AuthorizationStatus | null; finalAmount: { amount: number; currency: string } | null;
}

class Duplicate extends Error {}

/**
 * After-transaction events from the processor (cleared, reversed, refunded): each updates its authorization's
 * status and final amount, once per event id. Events that do not fit (unknown authorization, cleared although
 * declined — the seed's "successful transaction when not actually reported") are kept and raise an alert.
 */
export function transactionRecorder(d: CardsDeps) {
  const { db } = d;

  async function view(id: string, duplicate: boolean): Promise<TransactionResult> {
    const t = await authRepo.getTransaction(db, id);
    if (!t) throw new AppError('not_found', 'transaction not found');
    const a = await authRepo.getAuthorization(db, t.authorizationId);
    return {
      id: t.id, authorizationId: t.authorizationId, type: t.type, duplicate, outcome: t.outcome, status: a?.status ?? null,
      finalAmount: a && a.finalAmount !== null ? { amount: a.finalAmount, currency: a.currency } : null,
    };
  }

  return {
    async recordTransaction(body: TransactionBody): Promise<TransactionResult> {
      let spend: { cardId: string; mark: number; createdAt: Date; delta: number } | null = null; // the decision path's spend in memory, corrected after COMMIT
      try {
        await db.tx(async (trx) => {
          spend = null;
          // the authorization's lock serializes all events of one authorization (and duplicates of one event)
          const auth = await authRepo.getAuthorization(trx, body.authorizationId, true);
          if (await authRepo.getTransaction(trx, body.id)) throw new Duplicate();
          const to = STATUS_AFTER[body.type];
          let outcome: string;
          if (!auth) {
            outcome = 'unknown_authorization';
            await raiseAlert(trx, {
              severity: 'critical', kind: 'cards.unknown_authorization', subjectId: body.authorizationId,
              message: `Card transaction ${body.id} (${body.type} ${body.amount.currency} ${body.amount.amount}) for an authorization Tollgate never decided: ${body.authorizationId}`,
              details: { transactionId: body.id, authorizationId: body.authorizationId, type: body.type, amount: body.amount },
            });
          } else if (body.amount.currency !== auth.currency) {
            throw new AppError('validation_failed', `currency ${body.amount.currency} does not match the authorization's ${auth.currency}`);
          } else if (!canTransition(AUTHORIZATION_TRANSITIONS, auth.status, to)) {
            outcome = `ignored: ${auth.status} → ${to}`;
            if (auth.status === 'declined' && body.type === 'cleared') {
              outcome = 'cleared_although_declined';
              await raiseAlert(trx, {
                severity: 'critical', kind: 'cards.cleared_although_declined', subjectId: auth.id,
                message: `Authorization ${auth.id} was declined by Tollgate (${auth.reason}) but the processor cleared ${body.amount.currency} ${body.amount.amount}`,
                details: { transactionId: body.id, authorizationId: auth.id, cardId: auth.cardId, amount: body.amount, merchant: auth.merchantName },
              });
            } else {
              d.log.info({ authorizationId: auth.id, transactionId: body.id, from: auth.status, type: body.type }, 'card transaction after a final state ignored');
            }
          } else {
            const before = auth.finalAmount;
            const final = body.type === 'cleared' ? (auth.status === 'approved' ? 0 : before ?? 0) + body.amount.amount
              : body.type === 'reversed' ? 0
                : Math.max(0, (before ?? auth.amount) - body.amount.amount);
            await authRepo.setAuthorizationOutcome(trx, auth.id, to, final);
            const delta = spendOf({ ...auth, status: to, finalAmount: final }) - spendOf(auth);
            if (auth.cardId && delta !== 0 && d.cardState) spend = { cardId: auth.cardId, mark: d.cardState.spendChanging(auth.cardId), createdAt: auth.createdAt, delta };
            outcome = 'applied';
          }
          const inserted = await authRepo.insertTransaction(trx, {
            id: body.id, authorizationId: body.authorizationId, type: body.type, amount: body.amount.amount, currency: body.amount.currency, occurredAt: new Date(body.createdAt), outcome,
          });
          if (!inserted) throw new Duplicate(); // a concurrent duplicate for an unknown authorization: roll back, answer with the first
        });
      } catch (err) {
        if (err instanceof Duplicate) return view(body.id, true);
        throw err;
      }
      const s = spend as { cardId: string; mark: number; createdAt: Date; delta: number } | null;
      if (s) d.cardState?.spendChanged(s.cardId, s.mark, s.createdAt, s.delta);
      return view(body.id, false);
    },
  };
}
