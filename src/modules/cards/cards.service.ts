import type { CardsDeps } from './cards.deps.ts';
import * as authRepo from './authorizations.repo.ts';
import { audit } from '../staff/index.ts';
import { manageCards } from './use-cases/manage-cards.ts';
import { authorizer } from './use-cases/authorize.ts';
import { transactionRecorder } from './use-cases/record-transaction.ts';
import { autoFreeze } from './use-cases/auto-freeze.ts';
import { reconcile } from './use-cases/reconcile.ts';
import { CardStateCache } from './card-state.ts';

export type { CardsDeps } from './cards.deps.ts';

/** The cards module's use cases (seed 002): one file each under use-cases/. */
export function createCardsService(deps: CardsDeps) {
  // the decision path's card state in memory; every use case that changes a card tells it after COMMIT
  const cardState = new CardStateCache(deps.db, deps.log);
  const d: CardsDeps = { ...deps, cardState };
  const manage = manageCards(d);
  const auth = authorizer(d);
  return {
    ...manage,
    authorize: auth.authorize,
    decisionStats: auth.stats,
    decisionWriteStats: auth.writeStats,
    /** Drops cards and programs changed on another node from this node's memory (app.ts runs it every second). */
    refreshCardState: () => cardState.poll(),
    ...transactionRecorder(d),
    ...autoFreeze(manage),
    ...reconcile(d),
    listAuthorizations: (f: authRepo.AuthorizationFilter) => authRepo.listAuthorizations(d.db, f),
    /** What a processor integration needs, including the signing secret: for staff setting one up (audited). */
    async processorSettings(actor: string, ip?: string | null) {
      await d.db.tx((trx) => audit(trx, { actor, action: 'card_processor.secret_viewed', ip }));
      return { signingSecret: d.processorSecret, signatureHeader: 'Tollgate-Signature', decisionBudgetMs: d.decisionBudgetMs };
    },
    async getAuthorization(id: string) {
      const a = await authRepo.getAuthorization(d.db, id);
      return a ? { ...a, transactions: await authRepo.transactionsOf(d.db, id) } : null;
    },
  };
}
export type CardsService = ReturnType<typeof createCardsService>;
