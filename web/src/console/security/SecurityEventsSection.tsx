import { useEffect, useId, useState } from 'react';
import { formatDateTime, formatRelative } from '../../format.ts';
import { navigate, useSearch } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { EventEvidence } from './EventEvidence.tsx';
import { EVENT_KIND_LABELS, SECURITY_EVENT_KINDS, acknowledgeEvent, listSecurityEvents, type SecurityEvent } from './securityApi.ts';
import '../ledger/ledger.css';

const SEVERITY_TONE: Record<string, string> = { critical: 'danger', high: 'danger', warning: 'warning', medium: 'warning', info: 'info', low: 'info' };

/** Detected attack patterns, newest first: filter by kind, open the evidence, acknowledge (security:write). */
export function SecurityEventsSection({ canWrite }: { canWrite: boolean }) {
  const search = useSearch();
  const kind = search.get('kind') ?? '';
  const [rows, setRows] = useState<SecurityEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const [acking, setAcking] = useState<string | null>(null);
  const id = useId();
  useEffect(() => { document.title = 'Security events · Tollgate console'; }, []);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    listSecurityEvents({ kind }, null, 50, ctrl.signal)
      .then((p) => { setRows(p.data); setCursor(p.nextCursor); })
      .catch((e) => { if (!ctrl.signal.aborted) { setRows([]); setCursor(null); setError(e); } })
      .finally(() => { if (!ctrl.signal.aborted) setLoading(false); });
    return () => ctrl.abort();
  }, [kind, tick]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const p = await listSecurityEvents({ kind }, cursor, 50);
      setRows((r) => [...r, ...p.data]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  async function ack(ev: SecurityEvent) {
    setAcking(ev.id);
    setError(null);
    try {
      const updated = await acknowledgeEvent(ev.id);
      setRows((r) => r.map((x) => (x.id === updated.id ? updated : x)));
    } catch (e) {
      setError(e);
    } finally {
      setAcking(null);
    }
  }

  return (
    <section className="stack" aria-labelledby="sev-title">
      <div className="section-head">
        <h1 id="sev-title">Security events</h1>
        <button type="button" className="btn btn-small" onClick={() => setTick((n) => n + 1)} disabled={loading} data-testid="events-refresh">Refresh</button>
      </div>
      <p className="muted small">One row per continuing pattern and source. Acknowledging marks the event and its alert as seen; a pattern that starts again opens a new event.</p>
      <div className="c4-filters">
        <div className="field">
          <label htmlFor={id}>Kind</label>
          <select id={id} value={kind} onChange={(e) => navigate(`/console/security-events${e.target.value ? `?kind=${e.target.value}` : ''}`, { replace: true })} data-testid="events-filter-kind">
            <option value="">All</option>
            {SECURITY_EVENT_KINDS.map((k) => <option key={k} value={k}>{EVENT_KIND_LABELS[k]}</option>)}
          </select>
        </div>
      </div>
      <ErrorNotice error={error} />
      <ul className="admin-list" data-testid="events-list">
        {rows.map((ev) => (
          <li key={ev.id} className="card admin-item" data-testid="event-item" data-id={ev.id} data-kind={ev.kind} data-status={ev.status}>
            <div className="row">
              <span className={`badge badge-${SEVERITY_TONE[ev.severity] ?? 'muted'}`}>{ev.severity}</span>
              <strong>{EVENT_KIND_LABELS[ev.kind] ?? ev.kind}</strong>
              <span className="mono small wrap-anywhere">{ev.source}</span>
              <span className="small muted">{ev.count} signals · first {formatDateTime(ev.firstSeenAt)} · last {formatRelative(ev.lastSeenAt)}</span>
              <span style={{ marginLeft: 'auto' }} />
              {ev.status === 'acknowledged'
                ? <span className="badge badge-muted" title={ev.acknowledgedAt ? formatDateTime(ev.acknowledgedAt) : undefined}>acknowledged{ev.acknowledgedBy ? ` by ${ev.acknowledgedBy}` : ''}</span>
                : canWrite
                  ? <button type="button" className="btn btn-small" disabled={acking === ev.id} onClick={() => void ack(ev)} data-testid="event-ack">{acking === ev.id ? 'Working…' : 'Acknowledge'}</button>
                  : <span className="badge badge-warning">open</span>}
            </div>
            <details>
              <summary className="small">Evidence</summary>
              <EventEvidence event={ev} />
            </details>
          </li>
        ))}
      </ul>
      {!loading && rows.length === 0 && !error && <p className="muted" data-testid="events-empty">{kind ? 'No events of this kind.' : 'No security events. Attack patterns (login bursts, code guessing, id enumeration, forged tokens, floods) appear here.'}</p>}
      {loading && <p className="muted" aria-busy="true">Loading…</p>}
      {cursor && !loading && <button type="button" className="btn" onClick={() => void loadMore()} data-testid="events-more">Load more</button>}
    </section>
  );
}
