import { useId, useState, type FormEvent } from 'react';
import { formatDateTime } from '../../format.ts';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { addComment, type Comment } from '../api.ts';

const MAX = 2000;

/** Notes on one operation: the customer's and support's, oldest first, and a box to add one. */
export function Comments({ txnId, initial }: { txnId: string; initial: Comment[] }) {
  const [comments, setComments] = useState(initial);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const t = text.trim();
    if (!t || busy) return;
    setBusy(true);
    setError(null);
    try {
      const c = await addComment(txnId, t);
      setComments((list) => [...list, c?.id ? c : { id: `local-${list.length}`, from: 'customer', text: t, createdAt: new Date().toISOString() }]);
      setText('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-labelledby={`${id}-h`} data-testid="comments">
      <h2 id={`${id}-h`}>Comments</h2>
      {comments.length === 0 ? (
        <p className="muted small">No comments yet. Add a note for yourself or a question for support.</p>
      ) : (
        <ul className="messages">
          {comments.map((c) => (
            <li key={c.id} className={`message message-${c.from}`} data-testid="comment">
              <span className="message-from small">{c.from === 'staff' ? 'Support' : 'You'} · {formatDateTime(c.createdAt)}</span>
              <p className="message-text">{c.text}</p>
            </li>
          ))}
        </ul>
      )}
      <form className="stack-tight" onSubmit={submit}>
        <label htmlFor={id} className="sr-only">Add a comment</label>
        <textarea id={id} rows={2} maxLength={MAX} value={text} placeholder="Add a comment…" onChange={(e) => setText(e.target.value)} data-testid="comment-input" />
        <ErrorNotice error={error} testId="comment-error" />
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={busy || !text.trim()} data-testid="comment-submit">{busy ? 'Sending…' : 'Add comment'}</button>
          {text.length > MAX - 200 && <span className="hint">{MAX - text.length} characters left</span>}
        </div>
      </form>
    </section>
  );
}
