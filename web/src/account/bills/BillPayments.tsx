import { formatDateTime, formatMoney } from '../../format.ts';
import { Link } from '../../router.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import type { BillPayment } from '../api.ts';

const STATUS: Record<string, { tone: string; label: string }> = {
  awaiting_payment: { tone: 'pending', label: 'Waiting for the card payment' },
  queued: { tone: 'queued', label: 'Waiting for confirmation' },
  posted: { tone: 'done', label: 'Confirmed' },
  refunded: { tone: 'refunded', label: 'Refused · refunded to your wallet' },
  failed: { tone: 'failed', label: 'Payment failed' },
};

/** Payments made for bills, with where each stands in the company's system. */
export function BillPayments({ payments }: { payments: BillPayment[] }) {
  if (payments.length === 0) return <p className="muted small" data-testid="no-bill-payments">No bill payments yet.</p>;
  return (
    <ul className="plain-list" data-testid="bill-payments">
      {payments.map((p) => {
        const st = STATUS[p.status] ?? { tone: p.status, label: undefined };
        return (
          <li key={p.id} className="bill-payment" data-testid="bill-payment" data-status={p.status} data-bill={p.billId}>
            <span className="bill-payment-main">
              <span>{p.description}</span>
              <span className="muted small">{formatDateTime(p.createdAt)} · {p.method === 'gateway' ? 'by card' : 'from wallet'}</span>
            </span>
            <span className="bill-payment-side">
              <strong>{formatMoney(p.amount)}</strong>
              <StatusBadge status={st.tone} label={st.label} />
              {p.transactionId && <Link to={`/account/transactions/${encodeURIComponent(p.transactionId)}`} className="small">Operation</Link>}
              {p.refundTransactionId && <Link to={`/account/transactions/${encodeURIComponent(p.refundTransactionId)}`} className="small">Refund</Link>}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
