import type Stripe from 'stripe';
import type { AuthorizationInput } from '../cards.schema.ts';

/**
 * Stripe Issuing real-time authorizations (https://docs.stripe.com/issuing/controls/real-time-authorizations):
 * Stripe POSTs the `issuing_authorization.request` event to the synchronous webhook and waits (2 s) for the
 * answer in the response itself: status 200, header `Stripe-Version` (required), JSON body `{ "approved": true|false }`
 * (Content-Type application/json — since 2025-03-31.basil Stripe sends `Accept: application/json` and treats a
 * non-200 as a failure, which its timeout settings then approve or decline). The event is verified with the SDK's
 * constructEvent on the raw bytes; the authorization maps onto Tollgate's own decision.
 */
export type IssuingVerify =
  | { ok: true; event: Stripe.Event }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

let sdk: Promise<typeof Stripe> | null = null;
const loadSdk = () => (sdk ??= import('stripe').then((m) => m.default)); // loaded only when the adapter is configured and used

export function stripeIssuing(webhookSecret: string, toleranceSeconds = 300) {
  return {
    async verify(rawBody: Buffer, signature: string | string[] | undefined): Promise<IssuingVerify> {
      if (signature === undefined || signature === '') return { ok: false, reason: 'missing' };
      if (Array.isArray(signature)) return { ok: false, reason: 'malformed' };
      const S = await loadSdk();
      try {
        return { ok: true, event: S.webhooks.constructEvent(rawBody, signature, webhookSecret, toleranceSeconds) };
      } catch (err) {
        const msg = (err as Error)?.message ?? '';
        return { ok: false, reason: msg.includes('tolerance') ? 'stale' : msg.includes('No signatures found matching') ? 'mismatch' : 'malformed' };
      }
    },
    /** The Stripe-Version to answer with: the event's own API version, else the SDK's. */
    async apiVersion(event: Stripe.Event): Promise<string> {
      return event.api_version ?? (await loadSdk()).API_VERSION;
    },
  };
}

/**
 * Maps a pending Stripe Issuing authorization to Tollgate's authorization input. The amount is the
 * pending request's (in the card's currency, minor units); an incremental request on the same authorization
 * gets its own idempotency id (`iauth_…#<n>` after n earlier requests).
 */
export function toAuthorizationInput(a: Stripe.Issuing.Authorization): AuthorizationInput {
  const pending = a.pending_request;
  const amount = pending ? pending.amount : a.amount;
  const currency = (pending ? pending.currency : a.currency).toUpperCase();
  const increments = a.request_history?.length ?? 0;
  const card = typeof a.card === 'string' ? a.card : a.card.id;
  return {
    id: increments > 0 ? `${a.id}#${increments}` : a.id,
    cardRef: card,
    amount: { amount, currency },
    merchant: {
      name: a.merchant_data.name ?? a.merchant_data.category,
      mcc: a.merchant_data.category_code,
      city: a.merchant_data.city ?? null,
      country: (a.merchant_data.country ?? 'XX').toUpperCase(),
    },
    occurredAt: new Date(a.created * 1000),
    source: 'stripe',
  };
}
