import type { HistoryEntry } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { StatusBadge } from '../ui/StatusBadge.tsx';

/** Vertical timeline of status transitions, oldest first. */
export function Timeline({ history }: { history: HistoryEntry[] }) {
  const entries = [...history].sort((a, b) => a.at.localeCompare(b.at));
  if (entries.length === 0) return <p className="muted small">No history yet.</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {entries.map((h, i) => (
        <li key={`${h.at}-${i}`} className="timeline-entry" data-testid="timeline-entry" data-from={h.from ?? ''} data-to={h.to}>
          <span className="timeline-dot" aria-hidden="true" />
          <div className="timeline-body">
            <div className="timeline-transition">
              {h.from ? <><StatusBadge status={h.from} /> <span aria-label="to">→</span> </> : <span className="muted small">created as </span>}
              <StatusBadge status={h.to} />
            </div>
            <div className="small muted">
              <time dateTime={h.at}>{formatDateTime(h.at)}</time> · by <span className="mono" data-testid="timeline-actor">{h.actor}</span>
            </div>
            {h.reason && <div className="timeline-reason" data-testid="timeline-reason">{h.reason}</div>}
          </div>
        </li>
      ))}
    </ol>
  );
}
