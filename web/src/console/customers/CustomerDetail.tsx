import { useEffect } from 'react';
import { formatDateTime, formatRelative } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { DetailPending, useRefresh } from '../detail.tsx';
import { CustomerAccounts } from './CustomerAccounts.tsx';
import { CustomerActions } from './CustomerActions.tsx';
import { CustomerFeedback } from './CustomerFeedback.tsx';
import { CustomerHistory } from './CustomerHistory.tsx';
import { factorList, getCustomer } from './customersApi.ts';
import { CUSTOMERS_BASE, CustomerStatusBadge } from './customersUi.tsx';

export interface CustomerPerms {
  canWrite: boolean;
  canReadLedger: boolean;
  canReadFeedback: boolean;
}

/** One customer: status, second factors, open sessions, lockout; support actions; their ledger accounts and feedback. */
export function CustomerDetail({ id, perms }: { id: string; perms: CustomerPerms }) {
  const { data: c, error, loading, reload } = useLoad(() => getCustomer(id), [id]);
  const { tick, refresh } = useRefresh(reload);
  useEffect(() => { document.title = `${c?.email ?? id} · Tollgate console`; }, [id, c?.email]);

  if (!c) return <DetailPending backTo={CUSTOMERS_BASE} backLabel="Customers" what="customer" error={error} loading={loading} />;
  const factors = factorList(c.factors);
  return (
    <section className="stack" aria-labelledby="customer-title" data-testid="customer-detail" data-customer-id={c.id} data-status={c.status}>
      <Link to={CUSTOMERS_BASE} className="back-link">← Customers</Link>
      <div className="section-head">
        <h1 id="customer-title" className="wrap-anywhere" data-testid="customer-email">{c.email}</h1>
        <CustomerStatusBadge status={c.status} testId="customer-status" />
        <button type="button" className="btn btn-small" onClick={refresh} disabled={loading} data-testid="customer-refresh">Refresh</button>
      </div>
      <ErrorNotice error={error} />
      {c.status === 'blocked' && <div className="notice notice-warning" role="status">Blocked: this customer cannot log in and has no open sessions.</div>}
      {c.lockedUntil && (
        <div className="notice notice-warning" role="status" data-testid="customer-locked">
          Locked out after {c.failures} failed attempts until {formatDateTime(c.lockedUntil)} ({formatRelative(c.lockedUntil)}).
        </div>
      )}

      <div className="grid-2">
        <div className="card stack">
          <h2>Customer</h2>
          <dl className="kv">
            <dt>Id</dt><dd className="mono">{c.id}</dd>
            <dt>Name</dt><dd>{c.name ?? <span className="muted">—</span>}</dd>
            <dt>Phone</dt><dd>{c.phone} {c.phoneVerified ? <span className="chip chip-tiny">verified</span> : <span className="chip chip-muted chip-tiny">not verified</span>}</dd>
            {c.externalRef && <><dt>External ref</dt><dd className="mono">{c.externalRef}</dd></>}
            <dt>Second factors</dt><dd data-testid="customer-factors">{factors.length ? factors.join(', ') : <span className="muted">none</span>}</dd>
            <dt>Open sessions</dt><dd data-testid="customer-sessions">{c.sessions}</dd>
            <dt>Failed attempts</dt><dd data-testid="customer-failures">{c.failures}{c.lockedUntil ? ' (locked out)' : ''}</dd>
            <dt>Signed up</dt><dd>{formatDateTime(c.createdAt)}</dd>
          </dl>
        </div>
        {perms.canWrite && <CustomerActions customer={c} onChanged={refresh} />}
      </div>

      {perms.canReadLedger && <CustomerAccounts customerId={c.id} tick={tick} />}
      {perms.canReadFeedback && <CustomerFeedback customerId={c.id} />}
      <CustomerHistory history={c.history} />
    </section>
  );
}
