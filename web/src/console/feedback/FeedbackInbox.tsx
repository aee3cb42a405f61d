import { useEffect, useState } from 'react';
import { formatDateTime } from '../../format.ts';
import { Link, navigate, useSearch } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { THREAD_STATUSES, listThreads, threadTitle, type ThreadRow, type ThreadStatus } from './feedbackApi.ts';
import { FEEDBACK_BASE, ThreadStatusBadge, threadPath } from './feedbackUi.tsx';

const TAB_LABEL: Record<ThreadStatus, string> = { open: 'Open', answered: 'Answered', closed: 'Closed' };

/** Customers' feedback and transaction comments by status (open = waiting for us), newest first. */
export function FeedbackInbox({ canOpenCustomers, canOpenTransfers }: { canOpenCustomers: boolean; canOpenTransfers: boolean }) {
  const search = useSearch();
  const status = (THREAD_STATUSES as string[]).includes(search.get('status') ?? '') ? (search.get('status') as ThreadStatus) : 'open';
  const [rows, setRows] = useState<ThreadRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => { document.title = 'Feedback inbox · Tollgate console'; }, []);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    listThreads(status, null, 50, ctrl.signal)
      .then((p) => { setRows(p.data); setCursor(p.nextCursor); })
      .catch((e) => { if (!ctrl.signal.aborted) { setRows([]); setCursor(null); setError(e); } })
      .finally(() => { if (!ctrl.signal.aborted) setLoading(false); });
    return () => ctrl.abort();
  }, [status, tick]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const p = await listThreads(status, cursor, 50);
      setRows((r) => [...r, ...p.data]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  return (
    <section className="stack" aria-labelledby="feedback-title">
      <div className="section-head">
        <h1 id="feedback-title">Feedback inbox</h1>
        <button type="button" className="btn btn-small" onClick={() => setTick((n) => n + 1)} disabled={loading} data-testid="feedback-refresh">Refresh</button>
      </div>
      <div className="segmented" role="tablist" aria-label="Thread status">
        {THREAD_STATUSES.map((s) => (
          <button key={s} type="button" role="tab" aria-selected={s === status} className={s === status ? 'on' : ''} data-testid={`feedback-tab-${s}`}
            onClick={() => navigate(`${FEEDBACK_BASE}?status=${s}`, { replace: true })}>{TAB_LABEL[s]}</button>
        ))}
      </div>
      <ErrorNotice error={error} />
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="feedback-table">
            <thead><tr><th>Thread</th><th>Customer</th><th>Status</th><th>Messages</th><th>Last activity</th></tr></thead>
            <tbody>
              {rows.map((t) => (
                <tr key={t.id} className="clickable" data-testid="thread-row" data-id={t.id} data-status={t.status}
                  onClick={(e) => { if (!(e.target as HTMLElement).closest('a,button')) navigate(threadPath(t.id)); }}>
                  <td data-label="Thread">
                    <Link to={threadPath(t.id)} data-testid="thread-link">{threadTitle(t)}</Link>
                    {t.kind === 'comments' && <span className="chip chip-muted chip-tiny">comments</span>}
                    {t.transactionId && t.kind !== 'comments' && (
                      <div className="small muted">about {canOpenTransfers ? <Link to={`/console/ledger-transfers/${encodeURIComponent(t.transactionId)}`} className="mono">{t.transactionId}</Link> : <span className="mono">{t.transactionId}</span>}</div>
                    )}
                  </td>
                  <td data-label="Customer">
                    {canOpenCustomers ? <Link to={`/console/customers/${encodeURIComponent(t.customerId)}`} className="mono small">{t.customerId}</Link> : <span className="mono small">{t.customerId}</span>}
                  </td>
                  <td data-label="Status"><ThreadStatusBadge status={t.status} /></td>
                  <td data-label="Messages">{t.messages}</td>
                  <td data-label="Last activity" className="nowrap">{formatDateTime(t.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!loading && rows.length === 0 && !error && <p className="muted" data-testid="feedback-empty">No {status} threads.</p>}
      {loading && <p className="muted" aria-busy="true">Loading…</p>}
      {cursor && !loading && <button type="button" className="btn" onClick={() => void loadMore()} data-testid="feedback-more">Load more</button>}
    </section>
  );
}
