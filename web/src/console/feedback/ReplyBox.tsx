import { useId, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useAction } from '../../ui/useAction.ts';
import { replyToThread, type ThreadMessage } from './feedbackApi.ts';

/** The staff reply: sent to the customer's personal area; the thread becomes answered. */
export function ReplyBox({ threadId, onSent }: { threadId: string; onSent: (m: ThreadMessage) => void }) {
  const [text, setText] = useState('');
  const { busy, error, run } = useAction();
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const t = text.trim();
    if (!t || busy) return;
    await run(async () => {
      const m = await replyToThread(threadId, t);
      setText('');
      onSent(m);
    });
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="reply-form">
      <div className="field">
        <label htmlFor={id}>Reply to the customer</label>
        <textarea id={id} rows={4} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} data-testid="reply-text" />
        <span className="small muted">{text.length}/2000 · the customer sees it in their personal area.</span>
      </div>
      <ErrorNotice error={error} testId="reply-error" />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy || !text.trim()} data-testid="reply-send">{busy ? 'Sending…' : 'Send reply'}</button>
      </div>
    </form>
  );
}
