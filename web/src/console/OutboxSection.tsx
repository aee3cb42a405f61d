import type { ReactNode } from 'react';
import { listOutbox } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { ErrorNotice } from '../ui/Notice.tsx';
import { StatusBadge } from '../ui/StatusBadge.tsx';
import { useLoad } from '../ui/useLoad.ts';

/** Turns http(s) URLs in plain text into links (text stays text: no HTML is interpreted). */
function linkify(text: string): ReactNode[] {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return parts.map((p, i) => (i % 2 === 1 ? <a key={i} href={p} target="_blank" rel="noreferrer noopener">{p}</a> : p));
}

export function OutboxSection() {
  const { data, error, loading, reload } = useLoad(() => listOutbox(), []);
  return (
    <section className="stack" aria-labelledby="outbox-title">
      <div className="section-head">
        <h1 id="outbox-title">Outbox</h1>
        <button type="button" className="btn btn-small" onClick={() => void reload()} disabled={loading}>Refresh</button>
      </div>
      <p className="muted small">E-mails the system has sent (or, in development, would have sent).</p>
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && data.data.length === 0 && <p className="muted">No messages.</p>}
      <ul className="admin-list">
        {(data?.data ?? []).map((m) => (
          <li key={m.id} className="card admin-item" data-testid="outbox-item" data-recipient={m.recipient}>
            <details>
              <summary className="outbox-summary">
                <span className="outbox-subject" data-testid="outbox-subject">{m.subject}</span>
                <span className="small muted">to {m.recipient} · {formatDateTime(m.createdAt)}</span>
                <StatusBadge status={m.status} />
              </summary>
              <pre className="pre mail-body" data-testid="outbox-body">{linkify(m.bodyText)}</pre>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
