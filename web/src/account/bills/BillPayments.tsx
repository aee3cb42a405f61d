import { formatDateTime, formatMoney } from '../../format.ts';
import { Link } from '../../router.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import type { BillPayment } from '../api.ts';

const LABELS: Record<string, string> = { queued: 'Waiting for confirmation', posted: 'Confirmed', failed: 'Refused — refunded', refunded: 'Refunded' };

/** Payments made for bills, with where each stands in the company's system. */
export function BillPayments({ payments }: { payments: BillPayment[] }) {
  if (payments.length === 0) return <p className="muted small" data-testid="no-bill-payments">No bill payments yet.</p>;
  return (
    <ul className="plain-list" data-testid="bill-payments">
      {payments.map((p) => (
        <li key={p.id} className="bill-payment" data-testid="bill-payment" data-status={p.status}>
          <span className="bill-payment-main">
            <span>{p.description ?? (p.billId ? `Bill ${p.billId}` : p.id)}</span>
            {p.createdAt && <span className="muted small">{formatDateTime(p.createdAt)}</span>}
          </span>
          <span className="bill-payment-side">
            {p.amount && <strong>{formatMoney(p.amount)}</strong>}
            <StatusBadge status={p.status === 'posted' ? 'done' : p.status} label={LABELS[p.status]} />
            {p.transactionId && <Link to={`/account/transactions/${encodeURIComponent(p.transactionId)}`} className="small">Operation</Link>}
          </span>
        </li>
      ))}
    </ul>
  );
}
