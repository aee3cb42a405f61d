import { formatMoney } from '../../format.ts';
import { Link } from '../../router.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import type { Account } from '../api.ts';

/** A wallet: the balance, what can be spent now, what is reserved, its status, and the way to add money. */
export function BalanceCard({ account }: { account: Account }) {
  const reserved = account.pending.amount !== 0;
  return (
    <section className="card balance-card" aria-label={`${account.currency} wallet`} data-testid="balance-card" data-account={account.id} data-account-status={account.status}>
      <div className="balance-head">
        <span className="muted small">Balance · {account.currency}</span>
        <StatusBadge status={account.status === 'open' ? 'done' : 'cancelled'} testId="account-status" label={account.status === 'open' ? 'Active' : 'Closed'} />
      </div>
      <p className="balance-amount" data-testid="balance">{formatMoney(account.balance)}</p>
      <dl className="balance-parts">
        <div>
          <dt>Available</dt>
          <dd data-testid="available">{formatMoney(account.available)}</dd>
        </div>
        <div className={reserved ? undefined : 'muted'}>
          <dt>Reserved</dt>
          <dd data-testid="pending">{formatMoney(account.pending)}</dd>
        </div>
      </dl>
      <div className="row">
        <Link to="/account/topup" className="btn btn-primary" data-testid="topup-button">Top up</Link>
        <Link to="/account/bills" className="btn">Pay bills</Link>
      </div>
    </section>
  );
}
