import type { Sql } from '../../../platform/db/db.ts';
import type { DomainEventMap } from '../../../platform/events.ts';
import * as repo from '../cards.repo.ts';
import type { ManageCards } from './manage-cards.ts';

/**
 * The risk engine's `freeze_card` side action, delivered inside the decision's transaction: the card is frozen
 * at once (the next authorization reads its status and is declined, on every node) and its holder is told
 * (outbox rows in the same transaction). A card this module does not know (a checkout's card) is ignored.
 */
export function autoFreeze(manage: ManageCards) {
  return {
    async onRiskFreeze(trx: Sql, e: DomainEventMap['risk.freeze_card']): Promise<void> {
      const card = await repo.getCard(trx, e.cardId, true);
      if (!card || card.status !== 'active') return;
      const reason = `risk rule "${e.rule}" (decision ${e.decisionId})`;
      await manage.transition(trx, card, 'frozen', e.actor, reason);
      await manage.tellCardholder(trx, card, 'frozen', `a fraud rule fired on a payment (${e.rule})`);
    },
  };
}
