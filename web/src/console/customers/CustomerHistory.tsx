import { formatDateTime } from '../../format.ts';
import type { CustomerDetail } from './customersApi.ts';

/** Status changes (blocked/unblocked) with who and why. */
export function CustomerHistory({ history }: { history: CustomerDetail['history'] }) {
  return (
    <div className="card stack" data-testid="customer-history">
      <h2>Status history</h2>
      {history.length === 0 ? <p className="muted">No changes since sign-up.</p> : (
        <table className="table">
          <thead><tr><th>When</th><th>Change</th><th>By</th><th>Reason</th></tr></thead>
          <tbody>
            {history.map((h, i) => (
              <tr key={i} data-testid="customer-history-row">
                <td data-label="When" className="nowrap">{formatDateTime(h.at)}</td>
                <td data-label="Change">{h.from ? `${h.from} → ` : ''}{h.to}</td>
                <td data-label="By" className="wrap-anywhere">{h.actor}</td>
                <td data-label="Reason" className="wrap-anywhere">{h.reason ?? <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
