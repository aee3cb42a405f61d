import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { Link } from '../../router.tsx';
import { listAccounts } from '../ledger/ledgerApi.ts';
import { AccountStatusBadge, accountPath, money } from '../ledger/ledgerUi.tsx';

/** The customer's ledger accounts with their balances (links to the account pages). */
export function CustomerAccounts({ customerId, tick }: { customerId: string; tick: number }) {
  const { data, error, loading } = useLoad(() => listAccounts({ ownerType: 'customer', ownerId: customerId }, null, 100), [customerId, tick]);
  return (
    <div className="card stack" data-testid="customer-accounts">
      <h2>Ledger accounts</h2>
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && data.data.length === 0 && <p className="muted" data-testid="customer-accounts-empty">No accounts yet (one opens with the first top-up).</p>}
      {data && data.data.length > 0 && (
        <table className="table">
          <thead><tr><th>Account</th><th>Status</th><th className="c4-amount">Balance</th><th className="c4-amount">Available</th></tr></thead>
          <tbody>
            {data.data.map((a) => (
              <tr key={a.id} data-testid="customer-account-row" data-id={a.id}>
                <td data-label="Account"><Link to={accountPath(a.id)}>{a.code} · {a.currency}</Link><div className="mono small muted">{a.id}</div></td>
                <td data-label="Status"><AccountStatusBadge status={a.status} /></td>
                <td data-label="Balance" className="c4-amount">{money(a.balance.amount, a.currency)}</td>
                <td data-label="Available" className="c4-amount">{money(a.available.amount, a.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
