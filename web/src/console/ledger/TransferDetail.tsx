import { useEffect } from 'react';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { getTransfer } from './ledgerApi.ts';
import { AccountLink, TransferTypeBadge, money, transferPath } from './ledgerUi.tsx';

/** One transfer (immutable): both accounts, amount, kind and type, the hold it resolves, its link group and metadata. */
export function TransferDetail({ id }: { id: string }) {
  const { data: t, error, loading } = useLoad(() => getTransfer(id), [id]);
  useEffect(() => { document.title = `Transfer ${id} · Tollgate console`; }, [id]);

  return (
    <section className="stack" aria-labelledby="transfer-title" data-testid="transfer-detail">
      <Link to="/console/ledger-transfers" className="back-link">← Find a transfer</Link>
      <ErrorNotice error={error} />
      {loading && !t && <p className="muted">Loading transfer…</p>}
      {t && (
        <>
          <div className="section-head">
            <h1 id="transfer-title" className="wrap-anywhere">{money(t.amount.amount, t.amount.currency)} <span className="muted">· {t.kind.replace(/_/g, ' ')}</span></h1>
            <TransferTypeBadge type={t.type} />
          </div>
          <div className="card">
            <dl className="kv">
              <dt>Id</dt><dd className="mono" data-testid="transfer-id">{t.id}</dd>
              <dt>Client id</dt><dd className="mono">{t.clientId}</dd>
              <dt>Debit</dt><dd><AccountLink id={t.debitAccountId} testId="transfer-debit" /></dd>
              <dt>Credit</dt><dd><AccountLink id={t.creditAccountId} testId="transfer-credit" /></dd>
              <dt>Amount</dt><dd data-testid="transfer-amount">{money(t.amount.amount, t.amount.currency)}</dd>
              <dt>Description</dt><dd>{t.description || <span className="muted">—</span>}</dd>
              {t.pendingId && <><dt>Resolves hold</dt><dd><Link to={transferPath(t.pendingId)} className="mono">{t.pendingId}</Link></dd></>}
              {t.expiresAt && <><dt>Hold expires</dt><dd>{formatDateTime(t.expiresAt)}</dd></>}
              {t.linkId && <><dt>Linked group</dt><dd className="mono">{t.linkId}</dd></>}
              <dt>Created</dt><dd>{formatDateTime(t.createdAt)}</dd>
            </dl>
          </div>
          {t.metadata && Object.keys(t.metadata).length > 0 && (
            <div className="card stack">
              <h2>Metadata</h2>
              <pre className="pre" data-testid="transfer-metadata">{JSON.stringify(t.metadata, null, 2)}</pre>
            </div>
          )}
        </>
      )}
    </section>
  );
}
