import { useEffect, useState } from 'react';
import { ApiError } from '../../api.ts';
import { formatMoney } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorNotice, Notice } from '../../ui/Notice.tsx';
import { getTopup, type Topup } from '../api.ts';

/** Polls fast at first, then slower: the gateway's confirmation usually arrives within seconds. */
const delayFor = (n: number) => (n < 20 ? 1000 : n < 60 ? 3000 : 10_000);

/**
 * Where the payment page sends the customer back: waits for the gateway's confirmation (the webhook credits
 * the wallet), then says so, with a link to the new operation.
 */
export function TopupReturnPage({ id }: { id: string }) {
  const [topup, setTopup] = useState<Topup | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [polls, setPolls] = useState(0);

  useEffect(() => {
    document.title = 'Top-up · Tollgate';
  }, []);

  useEffect(() => {
    const ac = new AbortController();
    let timer: number | undefined;
    let n = 0;
    const tick = async () => {
      try {
        const t = await getTopup(id, ac.signal);
        setTopup(t);
        setError(null);
        if (t.status !== 'pending') return;
      } catch (e) {
        if (ac.signal.aborted) return;
        setError(e);
        if (e instanceof ApiError && (e.status === 404 || e.status === 401)) return;
      }
      n++;
      setPolls(n);
      timer = window.setTimeout(() => void tick(), delayFor(n));
    };
    void tick();
    return () => { ac.abort(); window.clearTimeout(timer); };
  }, [id]);

  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <div className="stack narrow-page" data-testid="topup-return" data-status={topup?.status ?? (notFound ? 'not_found' : 'loading')}>
      <h1>Top-up</h1>
      {notFound ? (
        <p className="card" data-testid="topup-not-found">This top-up was not found.</p>
      ) : !topup ? (
        error ? <ErrorNotice error={error} /> : <p className="card muted" aria-busy="true">Checking your payment…</p>
      ) : topup.status === 'completed' ? (
        <Notice tone="success" testId="topup-completed">
          <strong>{formatMoney(topup.amount)} added to your wallet.</strong>
          <span>The money is available now.</span>
        </Notice>
      ) : topup.status === 'failed' ? (
        <Notice tone="error" testId="topup-failed">
          <strong>The payment did not go through.</strong>
          <span>Nothing was taken from your card. You can try again.</span>
        </Notice>
      ) : (
        <div className="card stack" role="status" data-testid="topup-pending">
          <p><span className="spinner" aria-hidden="true" /> Waiting for the payment provider to confirm {formatMoney(topup.amount)}…</p>
          <p className="muted small">
            {polls < 20 ? 'This usually takes a few seconds.' : 'This is taking longer than usual. You can leave this page: the money appears in your wallet as soon as it is confirmed.'}
          </p>
          {error != null && <ErrorNotice error={error} />}
        </div>
      )}
      <div className="row">
        {topup?.status === 'completed' && topup.transactionId && (
          <Link to={`/account/transactions/${encodeURIComponent(topup.transactionId)}`} className="btn" data-testid="topup-view-txn">View operation</Link>
        )}
        {topup?.status === 'failed' && <Link to="/account/topup" className="btn btn-primary">Try again</Link>}
        <Link to="/account" className={topup?.status === 'completed' ? 'btn btn-primary' : 'btn'} data-testid="back-to-overview">Back to overview</Link>
      </div>
    </div>
  );
}
