import { useId, useState, type FormEvent } from 'react';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { replyFeedback, type FeedbackThread } from '../api.ts';

const STATUS: Record<string, { tone: string; label: string }> = {
  open: { tone: 'pending', label: 'Waiting for support' },
  answered: { tone: 'done', label: 'Answered' },
  closed: { tone: 'cancelled', label: 'Closed' },
};

/** One conversation with support: messages oldest first; a reply box while it is not closed. */
export function Thread({ thread, onChanged, highlight }: { thread: FeedbackThread; onChanged: () => void; highlight?: boolean }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();
  const st = STATUS[thread.status] ?? { tone: thread.status, label: undefined };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      await replyFeedback(thread.id, text.trim());
      setText('');
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className={`card stack-tight thread${highlight ? ' thread-new' : ''}`} data-testid="feedback-thread" data-id={thread.id} data-status={thread.status}>
      <div className="thread-head">
        <strong>{thread.subject || (thread.kind === 'comments' ? 'Comments on an operation' : 'Message to support')}</strong>
        <StatusBadge status={st.tone} label={st.label} />
      </div>
      {thread.transactionId && (
        <span className="small muted">About <Link to={`/account/transactions/${encodeURIComponent(thread.transactionId)}`}>an operation</Link></span>
      )}
      <ul className="messages">
        {thread.messages.map((m, i) => (
          <li key={i} className={`message message-${m.from}`} data-testid={m.from === 'staff' ? 'staff-reply' : 'customer-message'}>
            <span className="message-from small">{m.from === 'staff' ? 'Support' : 'You'} · {formatDateTime(m.createdAt)}</span>
            <p className="message-text">{m.text}</p>
          </li>
        ))}
      </ul>
      {thread.status !== 'closed' && (
        <form className="stack-tight" onSubmit={submit}>
          <label htmlFor={id} className="sr-only">Reply</label>
          <textarea id={id} rows={2} maxLength={4000} value={text} placeholder="Write a reply…" onChange={(e) => setText(e.target.value)} data-testid="thread-reply-input" />
          <ErrorNotice error={error} />
          <div className="row">
            <button type="submit" className="btn btn-small" disabled={busy || !text.trim()} data-testid="thread-reply-submit">{busy ? 'Sending…' : 'Reply'}</button>
          </div>
        </form>
      )}
    </li>
  );
}
