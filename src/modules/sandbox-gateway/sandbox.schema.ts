import { Type, type Static } from 'typebox';

/** Request/response schemas of the sandbox gateway's API. JSON bodies are strict: unknown fields are refused. */

export const CreatePaymentBody = Type.Object({
  merchantRef: Type.String({ minLength: 1, maxLength: 200 }),
  amount: Type.Integer({ minimum: 1, maximum: 1_000_000_000_000, description: 'integer minor units' }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  captureMode: Type.Union([Type.Literal('automatic'), Type.Literal('manual')]),
  description: Type.String({ maxLength: 500 }),
  returnUrl: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 }),
}, { additionalProperties: false });
export type CreatePaymentBody = Static<typeof CreatePaymentBody>;

/** Capture and refund: amount in minor units; omitted = everything that is left. */
export const AmountBody = Type.Object({
  amount: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000_000 })),
}, { additionalProperties: false });
export type AmountBody = Static<typeof AmountBody>;

export const EmptyBody = Type.Object({}, { additionalProperties: false });

export const PaymentIdParams = Type.Object({ id: Type.String({ pattern: '^sbx_[0-9a-z]{26}$' }) });

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});

export const PaymentView = Type.Object({
  id: Type.String(),
  object: Type.Literal('payment'),
  merchantRef: Type.String(),
  status: Type.Union([
    Type.Literal('open'), Type.Literal('authorized'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('voided'), Type.Literal('refunded'),
  ]),
  amount: Type.Integer(),
  currency: Type.String(),
  captureMode: Type.Union([Type.Literal('automatic'), Type.Literal('manual')]),
  authorizedAmount: Type.Integer(),
  capturedAmount: Type.Integer(),
  refundedAmount: Type.Integer(),
  description: Type.String(),
  returnUrl: Type.String(),
  checkoutUrl: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type PaymentView = Static<typeof PaymentView>;

export const EventsQuery = Type.Object({
  /** A sandbox id (sbx_…) or the merchant's reference (Tollgate's pay_…). */
  paymentId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

export const EventView = Type.Object({
  id: Type.String(),
  type: Type.String(),
  paymentId: Type.String(),
  createdAt: Type.String(),
  attempts: Type.Integer(),
  nextAttemptAt: Type.String(),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
  givenUpAt: Type.Union([Type.String(), Type.Null()]),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  body: Type.Unknown(),
});

export const EventList = Type.Object({ data: Type.Array(EventView) });

export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }),
});
