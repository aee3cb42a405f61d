import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { listThreads, threadTitle } from '../feedback/feedbackApi.ts';
import { ThreadStatusBadge, threadPath } from '../feedback/feedbackUi.tsx';

/** The customer's feedback threads, newest first (the 100 newest; the inbox has them all). */
export function CustomerFeedback({ customerId }: { customerId: string }) {
  const { data, error, loading } = useLoad(() => listThreads('', null, 100, undefined, customerId).then((p) => ({ rows: p.data, more: !!p.nextCursor })), [customerId]);
  return (
    <div className="card stack" data-testid="customer-feedback">
      <h2>Feedback threads</h2>
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && data.rows.length === 0 && <p className="muted">None.</p>}
      {data && data.rows.length > 0 && (
        <ul className="plain-list stack-tight">
          {data.rows.map((t) => (
            <li key={t.id} data-testid="customer-thread" data-id={t.id}>
              <Link to={threadPath(t.id)}>{threadTitle(t)}</Link> <ThreadStatusBadge status={t.status} />
              <span className="small muted"> · {t.messages} message{t.messages === 1 ? '' : 's'} · {formatDateTime(t.updatedAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
