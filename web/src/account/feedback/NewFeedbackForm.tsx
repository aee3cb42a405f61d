import { useId, useState, type FormEvent } from 'react';
import { Link } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { sendFeedback } from '../api.ts';

const MAX = 4000;

/** A new message to support, optionally about one operation (?transactionId=… from the operation's page). */
export function NewFeedbackForm({ transactionId, onSent }: { transactionId: string | null; onSent: (id: string) => void }) {
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await sendFeedback({ text: text.trim(), ...(subject.trim() ? { subject: subject.trim() } : {}), ...(transactionId ? { transactionId } : {}) });
      setSubject('');
      setText('');
      onSent(r.id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card stack" onSubmit={submit} aria-labelledby={`${id}-h`} data-testid="feedback-form">
      <h2 id={`${id}-h`}>Write to support</h2>
      {transactionId && (
        <p className="notice notice-info small" data-testid="feedback-about">
          <span>About operation <Link to={`/account/transactions/${encodeURIComponent(transactionId)}`} className="mono">{transactionId}</Link></span>
        </p>
      )}
      <div className="field">
        <label htmlFor={`${id}-s`}>Subject <span className="muted">(optional)</span></label>
        <input id={`${id}-s`} type="text" maxLength={200} value={subject} onChange={(e) => setSubject(e.target.value)} data-testid="feedback-subject" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-t`}>Message</label>
        <textarea id={`${id}-t`} rows={4} maxLength={MAX} value={text} onChange={(e) => setText(e.target.value)} data-testid="feedback-text" />
      </div>
      <ErrorNotice error={error} testId="feedback-error" />
      <button type="submit" className="btn btn-primary" disabled={busy || !text.trim()} data-testid="feedback-submit">{busy ? 'Sending…' : 'Send'}</button>
    </form>
  );
}
