import { useEffect } from 'react';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { ReasonAction } from '../../ui/ReasonAction.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { ReplyBox } from './ReplyBox.tsx';
import { closeThread, getThread, threadTitle } from './feedbackApi.ts';
import { FEEDBACK_BASE, ThreadStatusBadge } from './feedbackUi.tsx';

/** One thread: the customer's messages and staff replies in order, a reply box and closing (feedback:write). */
export function FeedbackThread({ id, canWrite, canOpenCustomers, canOpenTransfers }: { id: string; canWrite: boolean; canOpenCustomers: boolean; canOpenTransfers: boolean }) {
  const { data: t, error, loading, reload } = useLoad(() => getThread(id), [id]);
  useEffect(() => { document.title = `${t ? threadTitle(t) : 'Thread'} · Tollgate console`; }, [t]);

  return (
    <section className="stack c4-thread" aria-labelledby="thread-title" data-testid="thread-detail" data-status={t?.status}>
      <Link to={`${FEEDBACK_BASE}${t ? `?status=${t.status}` : ''}`} className="back-link">← Feedback inbox</Link>
      <ErrorNotice error={error} />
      {loading && !t && <p className="muted">Loading thread…</p>}
      {t && (
        <>
          <div className="section-head">
            <h1 id="thread-title" className="wrap-anywhere">{threadTitle(t)}</h1>
            <ThreadStatusBadge status={t.status} testId="thread-status" />
          </div>
          <dl className="kv">
            <dt>Customer</dt>
            <dd>{canOpenCustomers ? <Link to={`/console/customers/${encodeURIComponent(t.customer.id)}`}>{t.customer.email}</Link> : t.customer.email} <span className="mono small muted">{t.customer.id}</span></dd>
            {t.transactionId && <><dt>Transaction</dt><dd>{canOpenTransfers ? <Link to={`/console/ledger-transfers/${encodeURIComponent(t.transactionId)}`} className="mono">{t.transactionId}</Link> : <span className="mono">{t.transactionId}</span>}</dd></>}
            <dt>Started</dt><dd>{formatDateTime(t.createdAt)}</dd>
          </dl>
          <ol className="messages" data-testid="thread-messages">
            {t.messages.map((m) => (
              <li key={m.id} className={`message message-${m.from}`} data-testid="thread-message" data-from={m.from}>
                <div className="small message-from">{m.from === 'customer' ? 'Customer' : `Staff${m.staffActor ? ` (${m.staffActor})` : ''}`} · {formatDateTime(m.createdAt)}</div>
                <div className="message-text">{m.text}</div>
              </li>
            ))}
          </ol>
          {canWrite && t.status !== 'closed' && (
            <>
              <ReplyBox threadId={t.id} onSent={() => void reload()} />
              <div className="actions">
                <ReasonAction label="Close thread" askReason={false} testId="thread-close" confirmLabel="Close"
                  prompt="Close this thread? A new message from the customer opens it again." onConfirm={() => closeThread(t.id)} onDone={() => void reload()} />
              </div>
            </>
          )}
          {t.status === 'closed' && <p className="muted small" data-testid="thread-closed">Closed. A new message from the customer reopens it.</p>}
        </>
      )}
    </section>
  );
}
