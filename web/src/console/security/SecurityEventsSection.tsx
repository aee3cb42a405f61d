import { useEffect } from 'react';
import { formatDateTime, formatRelative } from '../../format.ts';
import { SelectField } from '../../ui/Field.tsx';
import { ListFooter } from '../../ui/ListFooter.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useAction } from '../../ui/useAction.ts';
import { useCursorList } from '../../ui/useCursorList.ts';
import { useUrlFilters } from '../../ui/useUrlFilters.ts';
import { EventEvidence } from './EventEvidence.tsx';
import { EVENT_KIND_LABELS, SECURITY_EVENT_KINDS, acknowledgeEvent, listSecurityEvents, type SecurityEvent } from './securityApi.ts';
import '../ledger/ledger.css';

const KIND_OPTIONS = SECURITY_EVENT_KINDS.map((k) => ({ value: k, label: EVENT_KIND_LABELS[k] }));
const SEVERITY_TONE: Record<string, string> = { critical: 'danger', high: 'danger', warning: 'warning', medium: 'warning', info: 'info', low: 'info' };

/** Detected attack patterns, newest first: filter by kind, open the evidence, acknowledge (security:write). */
export function SecurityEventsSection({ canWrite }: { canWrite: boolean }) {
  const f = useUrlFilters('/console/security-events', ['kind']);
  const { kind } = f.values;
  const list = useCursorList((cursor, signal) => listSecurityEvents({ kind }, cursor, 50, signal), [kind]);
  const acking = useAction();
  useEffect(() => { document.title = 'Security events · Tollgate console'; }, []);

  function ack(ev: SecurityEvent) {
    return acking.run(async () => {
      const updated = await acknowledgeEvent(ev.id);
      list.setRows((r) => r.map((x) => (x.id === updated.id ? updated : x)));
    }, ev.id);
  }

  return (
    <section className="stack" aria-labelledby="sev-title">
      <div className="section-head">
        <h1 id="sev-title">Security events</h1>
        <button type="button" className="btn btn-small" onClick={list.reload} disabled={list.loading} data-testid="events-refresh">Refresh</button>
      </div>
      <p className="muted small">One row per continuing pattern and source. Acknowledging marks the event and its alert as seen; a pattern that starts again opens a new event.</p>
      <div className="c4-filters">
        <SelectField label="Kind" value={kind} onChange={(v) => f.set('kind', v)} options={KIND_OPTIONS} testId="events-filter-kind" />
      </div>
      <ErrorNotice error={list.error ?? acking.error} />
      <ul className="admin-list" data-testid="events-list">
        {list.rows.map((ev) => (
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
                  ? <button type="button" className="btn btn-small" disabled={acking.pending === ev.id} onClick={() => void ack(ev)} data-testid="event-ack">{acking.pending === ev.id ? 'Working…' : 'Acknowledge'}</button>
                  : <span className="badge badge-warning">open</span>}
            </div>
            <details>
              <summary className="small">Evidence</summary>
              <EventEvidence event={ev} />
            </details>
          </li>
        ))}
      </ul>
      <ListFooter list={list} testId="events"
        empty={kind ? 'No events of this kind.' : 'No security events. Attack patterns (login bursts, code guessing, id enumeration, forged tokens, floods) appear here.'} />
    </section>
  );
}
