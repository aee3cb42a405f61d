import { useCallback, useEffect, useRef, useState } from 'react';
import { ackAlert, listOpenAlerts, type Alert } from '../api.ts';
import { formatRelative } from '../format.ts';
import { Link } from '../router.tsx';
import { ErrorNotice } from '../ui/Notice.tsx';

const POLL_MS = 20000;

export function AlertsBadge() {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [acking, setAcking] = useState<string | null>(null);
  const wrap = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    try {
      setAlerts((await listOpenAlerts()).data);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => {
    void load();
    const t = window.setInterval(() => void load(), POLL_MS);
    return () => window.clearInterval(t);
  }, [load]);

  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => { if (wrap.current && !wrap.current.contains(e.target as Node)) setOpen(false); };
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') setOpen(false); };
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    return () => { document.removeEventListener('mousedown', onDoc); document.removeEventListener('keydown', onKey); };
  }, [open]);

  async function ack(id: string) {
    setAcking(id);
    try {
      await ackAlert(id);
      setAlerts((a) => a.filter((x) => x.id !== id));
    } catch (e) {
      setError(e);
    } finally {
      setAcking(null);
    }
  }

  const critical = alerts.some((a) => a.severity === 'critical');
  return (
    <div className="alerts" ref={wrap}>
      <button
        type="button"
        className={`btn alerts-btn ${alerts.length ? (critical ? 'has-critical' : 'has-alerts') : ''}`}
        aria-expanded={open}
        aria-haspopup="true"
        data-testid="alerts-badge"
        data-count={alerts.length}
        onClick={() => { setOpen((o) => !o); if (!open) void load(); }}
      >
        Alerts <span className="count" data-testid="alerts-count">{alerts.length}</span>
      </button>
      {open && (
        <div className="alerts-panel" data-testid="alerts-panel">
          <ErrorNotice error={error} />
          {alerts.length === 0 ? (
            <p className="muted small">No open alerts.</p>
          ) : (
            <ul>
              {alerts.map((a) => (
                <li key={a.id} className={`alert-item sev-${a.severity}`} data-testid="alert-item" data-alert-id={a.id}>
                  <div className="alert-main">
                    <div className="small muted">{a.severity.toUpperCase()} · {a.kind} · {formatRelative(a.createdAt)}</div>
                    <div>{a.message}</div>
                    {a.subjectId?.startsWith('ord_') && (
                      <Link to={`/console/orders/${encodeURIComponent(a.subjectId)}`} className="small" onClick={() => setOpen(false)}>Open {a.subjectId}</Link>
                    )}
                  </div>
                  <button type="button" className="btn btn-small" disabled={acking === a.id} onClick={() => void ack(a.id)} data-testid="alert-ack">
                    Ack
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
