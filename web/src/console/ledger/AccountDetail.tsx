import { useEffect } from 'react';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { DetailPending, useRefresh } from '../detail.tsx';
import { AccountTransfers } from './AccountTransfers.tsx';
import { CorrectionForm } from './CorrectionForm.tsx';
import { getAccount, pendingParts } from './ledgerApi.ts';
import { AccountStatusBadge, LEDGER_BASE, money } from './ledgerUi.tsx';

/** One ledger account: posted, pending and available balance, limits, its transfers, and corrections (ledger:write). */
export function AccountDetail({ id, canWrite, canOpenCustomers }: { id: string; canWrite: boolean; canOpenCustomers: boolean }) {
  const { data: a, error, loading, reload } = useLoad(() => getAccount(id), [id]);
  const { tick, refresh } = useRefresh(reload);
  useEffect(() => { document.title = `${a?.code ?? 'Account'} ${id} · Tollgate console`; }, [id, a?.code]);

  if (!a) return <DetailPending backTo={LEDGER_BASE} backLabel="Ledger accounts" what="account" error={error} loading={loading} />;
  const pending = pendingParts(a);
  const c = a.currency;
  return (
    <section className="stack" aria-labelledby="account-title" data-testid="account-detail" data-account-id={a.id}>
      <Link to={LEDGER_BASE} className="back-link">← Ledger accounts</Link>
      <div className="section-head">
        <h1 id="account-title">{a.code} <span className="muted">· {c}</span></h1>
        <AccountStatusBadge status={a.status} />
        <button type="button" className="btn btn-small" onClick={refresh} disabled={loading} data-testid="account-refresh">Refresh</button>
      </div>
      <ErrorNotice error={error} />

      <div className="c4-balance" data-testid="account-balances">
        <div className="tile"><span className="tile-num" data-testid="account-posted" data-amount={a.balance.amount}>{money(a.balance.amount, c)}</span><span className="tile-label">posted balance</span></div>
        <div className="tile"><span className="tile-num" data-testid="account-pending-out">{money(pending.out, c)}</span><span className="tile-label">held (pending out)</span></div>
        <div className="tile"><span className="tile-num">{money(pending.in, c)}</span><span className="tile-label">pending in</span></div>
        <div className="tile"><span className="tile-num" data-testid="account-available" data-amount={a.available.amount}>{money(a.available.amount, c)}</span><span className="tile-label">available</span></div>
      </div>

      <div className="grid-2">
        <div className="card stack">
          <h2>Account</h2>
          <dl className="kv">
            <dt>Id</dt><dd className="mono">{a.id}</dd>
            <dt>Owner</dt>
            <dd>{a.ownerType === 'system' ? 'system' : canOpenCustomers && a.ownerId?.startsWith('cus_') ? <Link to={`/console/customers/${encodeURIComponent(a.ownerId)}`} className="mono">{a.ownerId}</Link> : <span className="mono">{a.ownerId}</span>}</dd>
            <dt>Normal side</dt><dd>{a.normalSide}</dd>
            <dt>Limit</dt>
            <dd>
              {a.allowOverdraft ? `overdraft up to ${money(a.overdraftLimit.amount, c)}`
                : a.debitsMustNotExceedCredits ? 'no overdraft (debits ≤ credits)'
                : a.creditsMustNotExceedDebits ? 'credits ≤ debits' : 'none'}
            </dd>
            <dt>Opened</dt><dd>{formatDateTime(a.createdAt)}</dd>
            <dt>Last change</dt><dd>{formatDateTime(a.updatedAt)}</dd>
          </dl>
        </div>
        <div className="card stack">
          <h2>Totals</h2>
          <dl className="kv">
            <dt>Debits posted</dt><dd className="c4-amount">{money(a.totals.debitsPosted, c)}</dd>
            <dt>Credits posted</dt><dd className="c4-amount">{money(a.totals.creditsPosted, c)}</dd>
            <dt>Debits pending</dt><dd className="c4-amount">{money(a.totals.debitsPending, c)}</dd>
            <dt>Credits pending</dt><dd className="c4-amount">{money(a.totals.creditsPending, c)}</dd>
          </dl>
          {canWrite && a.status === 'open' && <CorrectionForm account={a} onPosted={refresh} />}
        </div>
      </div>

      <AccountTransfers accountId={a.id} tick={tick} />
    </section>
  );
}
