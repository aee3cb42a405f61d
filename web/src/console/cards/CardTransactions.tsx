import { formatDateTime } from '../../format.ts';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { listCardTransactions } from './cardsApi.ts';
import { TxBadge, money } from './cardsUi.tsx';

/** What happened after the approvals: cleared, reversed, refunded, and the authorization's final amount. */
export function CardTransactions({ cardId, tick }: { cardId: string; tick: number }) {
  const { data, error, loading } = useLoad(() => listCardTransactions(cardId).then((r) => r.data), [cardId, tick]);
  return (
    <div className="card stack" data-testid="card-transactions">
      <h2>Card transactions</h2>
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && data.length === 0 && <p className="muted small" data-testid="card-transactions-empty">No cleared, reversed or refunded transactions yet.</p>}
      {data && data.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th>When</th><th>Event</th><th>Merchant</th><th className="num">Amount</th><th className="num">Authorized</th><th className="num">Final</th><th>Authorization</th></tr></thead>
            <tbody>
              {data.map((t) => (
                <tr key={t.id} data-testid="card-tx-row" data-type={t.type} data-authorization={t.authorizationId}>
                  <td data-label="When" className="nowrap">{formatDateTime(t.occurredAt)}</td>
                  <td data-label="Event"><TxBadge type={t.type} />{t.outcome !== 'applied' && <div className="small muted">{t.outcome}</div>}</td>
                  <td data-label="Merchant">{t.merchantName ?? '—'}</td>
                  <td data-label="Amount" className="num">{money(t.amount, t.currency)}</td>
                  <td data-label="Authorized" className="num">{money(t.authorizedAmount, t.currency)}</td>
                  <td data-label="Final" className="num" data-testid="card-tx-final">{t.finalAmount === null ? '—' : money(t.finalAmount, t.currency)}</td>
                  <td data-label="Authorization" className="small"><span className="mono wrap-anywhere">{t.authorizationId}</span> <TxBadge type={t.authorizationStatus} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
