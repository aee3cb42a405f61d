import { Type } from 'typebox';
import { DateTime, DateTimeIn, MoneySchema, Strict, StringEnum } from '../../platform/http/schemas.ts';
import { TRANSFER_KINDS } from '../ledger/index.ts';

/** Request and response shapes of the personal area (`/v1/me/…`, `/v1/receipts/verify`, `/v1/admin/feedback…`). */

export interface MoneyOut { amount: number; currency: string }
export type TxnStatus = 'posted' | 'pending' | 'voided' | 'expired';

export interface AccountView { id: string; currency: string; status: 'open' | 'closed'; balance: MoneyOut; available: MoneyOut; pending: MoneyOut }
export interface Txn {
  id: string; kind: string; direction: 'in' | 'out'; amount: MoneyOut; description: string; status: TxnStatus; createdAt: Date;
  reference: string; receiptAvailable: boolean; commentsCount: number;
}

export const idPattern = (prefix: string) => `^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`;
export const IdOf = (prefix: string) => Type.Object({ id: Type.String({ pattern: idPattern(prefix) }) });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const AccountOut = Type.Object({
  id: Type.String(), currency: Type.String(), status: StringEnum(['open', 'closed'] as const),
  balance: MoneySchema, available: MoneySchema, pending: MoneySchema,
});
export const TxnOut = Type.Object({
  id: Type.String(), kind: Type.String(), direction: StringEnum(['in', 'out'] as const), amount: MoneySchema, description: Type.String(),
  status: StringEnum(['posted', 'pending', 'voided', 'expired'] as const), createdAt: DateTime, reference: Type.String(),
  receiptAvailable: Type.Boolean(), commentsCount: Type.Integer(),
});
export const CommentOut = Type.Object({ id: Type.String(), from: StringEnum(['customer', 'staff'] as const), text: Type.String(), createdAt: DateTime });
export const TxnDetailOut = Type.Object({ ...TxnOut.properties, comments: Type.Array(CommentOut) });

const Amount = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
export const TxnQuery = Strict({
  from: Type.Optional(DateTimeIn),
  to: Type.Optional(DateTimeIn),
  kind: Type.Optional(Type.String({ maxLength: 200, description: `one kind or several, comma-separated: ${TRANSFER_KINDS.join(', ')}` })),
  direction: Type.Optional(StringEnum(['in', 'out'] as const)),
  minAmount: Type.Optional(Amount),
  maxAmount: Type.Optional(Amount),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
});

export const TopupBody = Strict({
  amount: MoneySchema,
  gateway: Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9_-]*$' }),
});
export const TopupOut = Type.Object({
  id: Type.String(), status: StringEnum(['pending', 'completed', 'failed', 'refunded'] as const), amount: MoneySchema,
  transactionId: Nullable(Type.String()), createdAt: DateTime,
});
export const TopupCreatedOut = Type.Object({
  id: Type.String(), status: Type.Literal('pending'), payment: Type.Object({ id: Type.String(), checkoutUrl: Type.String() }),
});

export const BillOut = Type.Object({
  id: Type.String(), contractId: Nullable(Type.String()), description: Type.String(), amount: MoneySchema, dueDate: Type.String(),
  status: StringEnum(['open', 'paid'] as const),
});
export const PayBillBody = Type.Union([
  Strict({ method: Type.Literal('wallet') }),
  Strict({ method: Type.Literal('gateway'), gateway: Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9_-]*$' }) }),
]);
export const BillPaymentOut = Type.Object({
  id: Type.String(), billId: Type.String(), description: Type.String(), amount: MoneySchema, method: StringEnum(['wallet', 'gateway'] as const),
  status: StringEnum(['awaiting_payment', 'queued', 'posted', 'refunded', 'failed'] as const),
  transactionId: Nullable(Type.String()), refundTransactionId: Nullable(Type.String()),
  payment: Type.Optional(Type.Object({ id: Type.String(), checkoutUrl: Type.String() })),
  createdAt: DateTime,
});

const Text = Type.String({ minLength: 1, maxLength: 2000 });
export const CommentBody = Strict({ text: Text });
export const FeedbackBody = Strict({
  subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  text: Text,
  transactionId: Type.Optional(Type.String({ pattern: idPattern('ltr') })),
});
export const MessageBody = Strict({ text: Text });
export const ThreadMessageOut = Type.Object({ id: Type.String(), from: StringEnum(['customer', 'staff'] as const), text: Type.String(), createdAt: DateTime });
export const ThreadOut = Type.Object({
  id: Type.String(), kind: StringEnum(['feedback', 'comments'] as const), subject: Nullable(Type.String()),
  status: StringEnum(['open', 'answered', 'closed'] as const), transactionId: Nullable(Type.String()),
  messages: Type.Array(ThreadMessageOut), createdAt: DateTime, updatedAt: DateTime,
});
export const AdminThreadOut = Type.Object({
  ...ThreadOut.properties,
  customer: Type.Object({ id: Type.String(), email: Type.String({ description: 'masked' }) }),
  messages: Type.Array(Type.Object({ ...ThreadMessageOut.properties, staffActor: Nullable(Type.String()) })),
});
export const AdminThreadRow = Type.Object({
  id: Type.String(), kind: StringEnum(['feedback', 'comments'] as const), subject: Nullable(Type.String()), status: StringEnum(['open', 'answered', 'closed'] as const),
  transactionId: Nullable(Type.String()), customerId: Type.String(), messages: Type.Integer(), createdAt: DateTime, updatedAt: DateTime,
});

export const PayeeBody = Type.Union([
  Strict({ email: Type.String({ minLength: 3, maxLength: 254 }), name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }),
  Strict({ phone: Type.String({ minLength: 5, maxLength: 32 }), name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }),
]);
export const PayeeOut = Type.Object({ id: Type.String(), name: Nullable(Type.String()), label: Type.String(), createdAt: DateTime });
export const TransferBody = Strict({
  payeeId: Type.String({ pattern: idPattern('pye') }),
  amount: MoneySchema,
  description: Type.Optional(Type.String({ minLength: 1, maxLength: 140 })),
  idempotencyKey: Type.String({ minLength: 8, maxLength: 80, pattern: '^[A-Za-z0-9_.:-]+$' }),
});

export const VerifyQuery = Strict({ code: Type.String({ minLength: 1, maxLength: 40 }) });
export const VerifyOut = Type.Union([
  Type.Object({ valid: Type.Literal(true), receipt: Type.Object({ reference: Type.String(), amount: MoneySchema, date: DateTime, company: Type.String() }) }),
  Type.Object({ valid: Type.Literal(false) }),
]);
