import { formatDateTime } from '../../format.ts';
import type { CardView } from './cardsApi.ts';
import { CardStatusBadge } from './cardsUi.tsx';

/** The card's status history: who moved it, when, and why. */
export function CardHistory({ history }: { history: CardView['history'] }) {
  return (
    <div className="card stack" data-testid="card-history">
      <h2>Status history</h2>
      <ol className="timeline">
        {[...history].reverse().map((h, i) => (
          <li key={`${h.at}-${i}`} className="timeline-entry" data-testid="card-history-entry" data-to={h.to}>
            <span className="timeline-dot" aria-hidden="true" />
            <div className="timeline-body">
              <div className="timeline-transition">
                {h.from && <><CardStatusBadge status={h.from} /> →</>} <CardStatusBadge status={h.to} />
                <span className="small muted">{formatDateTime(h.at)} · <span className="mono">{h.actor}</span></span>
              </div>
              {h.reason && <div className="timeline-reason" data-testid="card-history-reason">{h.reason}</div>}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
