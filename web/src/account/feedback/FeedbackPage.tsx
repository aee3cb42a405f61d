import { useEffect, useState } from 'react';
import { navigate, useSearch } from '../../router.tsx';
import { ErrorNotice, Notice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { listFeedback } from '../api.ts';
import { NewFeedbackForm } from './NewFeedbackForm.tsx';
import { Thread } from './Thread.tsx';

/** Messages with support: conversations with their replies, and a form for a new one. */
export function FeedbackPage() {
  const transactionId = useSearch().get('transactionId');
  const threads = useLoad(() => listFeedback().then((r) => r.data), []);
  const [sent, setSent] = useState<string | null>(null);

  useEffect(() => {
    document.title = 'Messages · Tollgate';
  }, []);

  return (
    <div className="stack" data-testid="feedback-page">
      <h1>Messages</h1>
      {sent && <Notice tone="success" testId="feedback-sent">Message sent. Support usually answers within a working day; the reply shows up here.</Notice>}
      <NewFeedbackForm
        transactionId={transactionId}
        onSent={(id) => {
          setSent(id);
          if (transactionId) navigate('/account/feedback', { replace: true }); // the next message is a new topic
          void threads.reload();
        }}
      />
      <section className="stack-tight" aria-labelledby="threads-title">
        <h2 id="threads-title">Your conversations</h2>
        {threads.error && !threads.data ? (
          <div className="stack">
            <ErrorNotice error={threads.error} />
            <button type="button" className="btn" onClick={() => void threads.reload()}>Try again</button>
          </div>
        ) : !threads.data ? (
          <p className="muted" aria-busy="true">Loading…</p>
        ) : threads.data.length === 0 ? (
          <p className="muted" data-testid="no-threads">No conversations yet.</p>
        ) : (
          <ul className="plain-list stack-tight" data-testid="threads">
            {threads.data.map((t) => <Thread key={t.id} thread={t} highlight={t.id === sent} onChanged={() => void threads.reload()} />)}
          </ul>
        )}
      </section>
    </div>
  );
}
