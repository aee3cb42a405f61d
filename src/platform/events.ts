import type { Sql } from './db/db.ts';

/**
 * In-process domain events, delivered synchronously inside the emitter's transaction.
 * This is how a module reacts to another's change without importing its internals
 * (payments → orders, fulfilment → orders) and without a second transaction.
 * Handlers must only touch the database through `trx` and never call outside systems.
 */
/** What a payment pays for; its events carry it, and each module reacts only to its own (orderId is the paid thing's id). */
export type PaymentPurpose = 'order' | 'topup' | 'bill';

export interface DomainEventMap {
  'payment.authorized': { paymentId: string; orderId: string; purpose: PaymentPurpose; amount: number; currency: string; actor: string };
  'payment.captured': { paymentId: string; orderId: string; purpose: PaymentPurpose; amount: number; currency: string; actor: string };
  'payment.failed': { paymentId: string; orderId: string; purpose: PaymentPurpose; reason: string; actor: string };
  'payment.voided': { paymentId: string; orderId: string; purpose: PaymentPurpose; actor: string };
  'payment.refunded': { paymentId: string; orderId: string; purpose: PaymentPurpose; actor: string };
  'fulfilment.delivered': { orderId: string; fulfilmentId: string; actor: string };
  'fulfilment.failed': { orderId: string; fulfilmentId: string; error: string; actor: string };
  /** A risk rule's side action: freeze this card now (the cards module reacts). */
  'risk.freeze_card': { cardId: string; decisionId: string; rule: string; actor: string };
  /** A customer signed up (the personal area opens their wallet account in the same transaction). */
  'customer.created': { customerId: string; actor: string };
  /** The internal accounting system refused a bill payment for good (the personal area refunds the wallet in the same transaction). */
  'bill_posting.failed': { postingId: string; customerId: string; billId: string; amount: number; currency: string; reason: string; actor: string };
}

type Handler<K extends keyof DomainEventMap> = (trx: Sql, e: DomainEventMap[K]) => Promise<void>;

export class DomainEvents {
  private handlers = new Map<keyof DomainEventMap, Array<Handler<any>>>();
  on<K extends keyof DomainEventMap>(name: K, h: Handler<K>): void {
    const list = this.handlers.get(name) ?? [];
    list.push(h);
    this.handlers.set(name, list);
  }
  async emit<K extends keyof DomainEventMap>(trx: Sql, name: K, e: DomainEventMap[K]): Promise<void> {
    for (const h of this.handlers.get(name) ?? []) await h(trx, e);
  }
}

/**
 * Serializes every change to one order and its payments/fulfilments: taken first, in every
 * transaction that changes them, so row locks are always acquired in the same order.
 */
const held = new WeakMap<Sql, Set<string>>();
export async function lockOrderScope(trx: Sql, orderId: string): Promise<void> {
  if ('tx' in trx) throw new Error('lockOrderScope needs a transaction, not the database');
  let set = held.get(trx);
  if (set?.has(orderId)) return; // already held by this transaction (the lock lasts until it ends)
  await trx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [orderId]);
  if (!set) held.set(trx, (set = new Set()));
  set.add(orderId);
}
