import { formatDateTime } from '../../format.ts';
import type { SecurityEvent, SecuritySample } from './securityApi.ts';

const FACT_LABELS: Record<string, string> = {
  detector: 'Detector', countedBy: 'Counted by', count: 'Signals', threshold: 'Threshold', windowSeconds: 'Window (s)',
  firstSeenAt: 'First seen', lastSeenAt: 'Last seen', distinctIps: 'Distinct addresses', distinctSubjects: 'Distinct targets', distinctCapped: 'Distinct count capped',
};
const TIME_KEYS = new Set(['firstSeenAt', 'lastSeenAt']);

function show(key: string, v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (TIME_KEYS.has(key) && typeof v === 'string') return formatDateTime(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** "path=/v1/me status=404" from a sample's details. */
function detailsText(d: SecuritySample['details']): string {
  if (!d) return '';
  return Object.entries(d).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ');
}

/** An event's evidence in words: the detector's facts as a list and the recorded samples as a table. */
export function EventEvidence({ event }: { event: SecurityEvent }) {
  const { samples, ...facts } = event.evidence;
  const list = Array.isArray(samples) ? samples : [];
  return (
    <div className="stack" data-testid="event-evidence">
      <dl className="kv">
        {Object.entries(facts).map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}><dt>{FACT_LABELS[k] ?? k}</dt><dd className="wrap-anywhere">{show(k, v)}</dd></div>
        ))}
        {event.alertId && <><dt>Alert</dt><dd className="mono">{event.alertId}</dd></>}
        {event.blockId && <><dt>Automatic block</dt><dd className="mono">{event.blockId}</dd></>}
      </dl>
      {list.length > 0 && (
        <div className="table-wrap">
          <table className="table c4-samples" data-testid="event-samples">
            <thead><tr><th>When</th><th>Signal</th><th>Address</th><th>Customer / target</th><th>Details</th></tr></thead>
            <tbody>
              {list.map((s, i) => (
                <tr key={i}>
                  <td data-label="When" className="nowrap">{formatDateTime(s.at)}</td>
                  <td data-label="Signal">{s.kind.replace(/_/g, ' ')}</td>
                  <td data-label="Address" className="mono">{s.ip ?? '—'}</td>
                  <td data-label="Customer / target" className="mono wrap-anywhere">{[s.customerId, s.subject].filter(Boolean).join(' · ') || '—'}</td>
                  <td data-label="Details" className="c4-json">{detailsText(s.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.length > 0 && <p className="small muted">The first and the latest signals are kept as samples; personal data and secrets are never recorded.</p>}
    </div>
  );
}
