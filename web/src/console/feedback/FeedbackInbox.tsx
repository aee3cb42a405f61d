import { useEffect } from 'react';
import { formatDateTime } from '../../format.ts';
import { Link, navigate, useSearch } from '../../router.tsx';
import { ListFooter, rowClick } from '../../ui/ListFooter.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useCursorList } from '../../ui/useCursorList.ts';
import { THREAD_STATUSES, listThreads, threadTitle, type ThreadStatus } from './feedbackApi.ts';
import { FEEDBACK_BASE, ThreadStatusBadge, threadPath } from './feedbackUi.tsx';

const TAB_LABEL: Record<ThreadStatus, string> = { open: 'Open', answered: 'Answered', closed: 'Closed' };

/** Customers' feedback and transaction comments by status (open = waiting for us), newest first. */
export function FeedbackInbox({ canOpenCustomers, canOpenTransfers }: { canOpenCustomers: boolean; canOpenTransfers: boolean }) {
  const search = useSearch();
  const status = (THREAD_STATUSES as string[]).includes(search.get('status') ?? '') ? (search.get('status') as ThreadStatus) : 'open';
  const list = useCursorList((cursor, signal) => listThreads(status, cursor, 50, signal), [status]);
  useEffect(() => { document.title = 'Feedback inbox · Tollgate console'; }, []);

  return (
    <section className="stack" aria-labelledby="feedback-title">
      <div className="section-head">
        <h1 id="feedback-title">Feedback inbox</h1>
        <button type="button" className="btn btn-small" onClick={list.reload} disabled={list.loading} data-testid="feedback-refresh">Refresh</button>
      </div>
      <div className="segmented" role="tablist" aria-label="Thread status">
        {THREAD_STATUSES.map((s) => (
          <button key={s} type="button" role="tab" aria-selected={s === status} className={s === status ? 'on' : ''} data-testid={`feedback-tab-${s}`}
            onClick={() => navigate(`${FEEDBACK_BASE}?status=${s}`, { replace: true })}>{TAB_LABEL[s]}</button>
        ))}
      </div>
      <ErrorNotice error={list.error} />
      {list.rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="feedback-table">
            <thead><tr><th>Thread</th><th>Customer</th><th>Status</th><th>Messages</th><th>Last activity</th></tr></thead>
            <tbody>
              {list.rows.map((t) => (
                <tr key={t.id} className="clickable" data-testid="thread-row" data-id={t.id} data-status={t.status}
                  onClick={rowClick(() => navigate(threadPath(t.id)))}>
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
      <ListFooter list={list} empty={`No ${status} threads.`} testId="feedback" />
    </section>
  );
}
