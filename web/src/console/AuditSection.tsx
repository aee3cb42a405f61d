import { useEffect, useState } from 'react';
import { listAudit, type AuditRow } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { Link } from '../router.tsx';
import { ErrorNotice } from '../ui/Notice.tsx';

export function AuditSection() {
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  async function load(after: string | null) {
    setLoading(true);
    setError(null);
    try {
      const page = await listAudit(after);
      setRows((r) => (after ? [...r, ...page.data] : page.data));
      setCursor(page.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => { void load(null); }, []);

  return (
    <section className="stack" aria-labelledby="audit-title">
      <div className="section-head">
        <h1 id="audit-title">Audit log</h1>
        <button type="button" className="btn btn-small" onClick={() => void load(null)} disabled={loading}>Refresh</button>
      </div>
      <ErrorNotice error={error} />
      <div className="table-wrap">
        <table className="table" data-testid="audit-table">
          <thead><tr><th>When</th><th>Actor</th><th>Action / subject</th><th>Details</th></tr></thead>
          <tbody>
            {rows.map((r) => (
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
      {!loading && rows.length === 0 && !error && <p className="muted">No entries.</p>}
      {loading && <p className="muted">Loading…</p>}
      {cursor && !loading && <button type="button" className="btn" onClick={() => void load(cursor)} data-testid="audit-load-more">Load more</button>}
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
