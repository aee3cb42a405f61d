import { listAudit } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { Link } from '../router.tsx';
import { ListFooter } from '../ui/ListFooter.tsx';
import { ErrorNotice } from '../ui/Notice.tsx';
import { useCursorList } from '../ui/useCursorList.ts';

export function AuditSection() {
  const list = useCursorList((cursor) => listAudit(cursor), []);

  return (
    <section className="stack" aria-labelledby="audit-title">
      <div className="section-head">
        <h1 id="audit-title">Audit log</h1>
        <button type="button" className="btn btn-small" onClick={list.reload} disabled={list.loading}>Refresh</button>
      </div>
      <ErrorNotice error={list.error} />
      <div className="table-wrap">
        <table className="table" data-testid="audit-table">
          <thead><tr><th>When</th><th>Actor</th><th>Action / subject</th><th>Details</th></tr></thead>
          <tbody>
            {list.rows.map((r) => (
              <tr key={r.id} data-testid="audit-row" data-action={r.action}>
                <td data-label="When" className="nowrap">{formatDateTime(r.at)}{r.ip && <div className="small muted mono">{r.ip}</div>}</td>
                <td data-label="Actor" className="mono small wrap-anywhere">{r.actor}</td>
                <td data-label="Action">
                  <strong>{r.action}</strong>
                  <div className="small mono wrap-anywhere">
                    {r.subjectId?.startsWith('ord_') ? <Link to={`/console/orders/${encodeURIComponent(r.subjectId)}`}>{r.subjectId}</Link> : (r.subjectId ?? '')}
                  </div>
                </td>
                <td data-label="Details"><Details details={r.details} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter list={list} empty="No entries." moreTestId="audit-load-more" />
    </section>
  );
}

function Details({ details }: { details: unknown }) {
  if (!details || typeof details !== 'object' || Object.keys(details).length === 0) return <span className="muted">—</span>;
  return (
    <dl className="details">
      {Object.entries(details as Record<string, unknown>).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
        </div>
      ))}
    </dl>
  );
}
