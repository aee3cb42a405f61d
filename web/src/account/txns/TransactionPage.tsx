import { useEffect } from 'react';
import { ApiError } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { CopyButton } from '../../ui/CopyButton.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { getTransaction } from '../api.ts';
import { TxnStatus } from './TxnStatus.tsx';
import { kindLabel, signedAmount, txnTitle } from '../txnFormat.ts';
import { Comments } from './Comments.tsx';
import { ReceiptActions } from './ReceiptActions.tsx';

/** One operation: amount, status, reference, receipt, comments, and a way to ask support about it. */
export function TransactionPage({ id }: { id: string }) {
  const { data: t, error, reload } = useLoad(() => getTransaction(id), [id]);

  useEffect(() => {
    document.title = 'Operation · Tollgate';
  }, []);

  return (
    <div className="stack" data-testid="transaction-page">
      <Link to="/account/history" className="back-link">← History</Link>
      {error && !t ? (
        error instanceof ApiError && error.status === 404 ? (
          <p className="card" data-testid="txn-not-found">This operation was not found.</p>
        ) : (
          <div className="stack">
            <ErrorNotice error={error} />
            <button type="button" className="btn" onClick={() => void reload()}>Try again</button>
          </div>
        )
      ) : !t ? (
        <div className="card txn-detail skeleton" aria-busy="true"><span className="sr-only">Loading…</span></div>
      ) : (
        <>
          <section className="card txn-detail stack" aria-labelledby="txn-title">
            <div className="txn-detail-head">
              <h1 id="txn-title" className="h2">{txnTitle(t)}</h1>
              <TxnStatus status={t.status} testId="txn-status" />
            </div>
            <p className={`txn-detail-amount ${t.direction === 'in' ? 'amount-in' : 'amount-out'}`} data-testid="txn-detail-amount">{signedAmount(t)}</p>
            <dl className="kv">
              <dt>Type</dt>
              <dd>{kindLabel(t.kind)}</dd>
              <dt>Date</dt>
              <dd>{formatDateTime(t.createdAt)}</dd>
              <dt>Reference</dt>
              <dd className="row"><span className="mono" data-testid="txn-reference">{t.reference}</span><CopyButton text={t.reference} testId="copy-reference" /></dd>
            </dl>
            <ReceiptActions txn={t} />
          </section>
          <Comments key={t.id} txnId={t.id} initial={t.comments ?? []} />
          <p className="small muted">
            Something wrong with this operation? <Link to={`/account/feedback?transactionId=${encodeURIComponent(t.id)}`} data-testid="ask-support">Write to support</Link>
          </p>
        </>
      )}
    </div>
  );
}
