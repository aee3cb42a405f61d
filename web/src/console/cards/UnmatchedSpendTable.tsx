import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import type { UnmatchedSpend } from './cardsApi.ts';
import { TxBadge, fmt } from './cardsUi.tsx';

/** Approved card spend that no order's window explains: the first place to look for a stolen card. */
export function UnmatchedSpendTable({ rows }: { rows: UnmatchedSpend[] }) {
  return (
    <div className="card stack" data-testid="recon-unmatched">
      <h2>Card spend no order explains</h2>
      <div className="table-wrap">
        <table className="table">
          <thead><tr><th>When</th><th>Card</th><th>Shopper</th><th>Merchant</th><th className="num">Amount</th><th>Status</th></tr></thead>
          <tbody>
            {rows.map((u) => (
              <tr key={u.authorizationId} data-testid="recon-unmatched-row">
                <td data-label="When" className="nowrap">{formatDateTime(u.occurredAt)}</td>
                <td data-label="Card">{u.cardId ? <Link to={`/console/cards/${encodeURIComponent(u.cardId)}`} className="masked-card">{u.card ?? u.cardId}</Link> : '—'}</td>
                <td data-label="Shopper">{u.cardholderName ?? '—'}</td>
                <td data-label="Merchant">{u.merchant ?? '—'}</td>
                <td data-label="Amount" className="num">{fmt(u.amount)}</td>
                <td data-label="Status"><TxBadge type={u.status} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
