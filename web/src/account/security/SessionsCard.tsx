import { useState } from 'react';
import { formatDateTime, formatRelative } from '../../format.ts';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { listSessions, revokeSession, type SessionRow } from '../api.ts';
import { useSession } from '../session.tsx';

/** "Chrome on Linux" from a user agent, good enough to recognise a device. */
function device(ua: string | null): string {
  if (!ua) return 'Unknown device';
  const browser = /Edg\//.test(ua) ? 'Edge' : /OPR\//.test(ua) ? 'Opera' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /iPhone|iPad/.test(ua) ? 'iOS' : /Android/.test(ua) ? 'Android' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}

/** Where the customer is logged in; any session can be ended (ending this one logs out). */
export function SessionsCard() {
  const sessions = useLoad(() => listSessions().then((r) => r.data), []);
  const { signOut } = useSession();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function revoke(s: SessionRow) {
    setBusy(s.id);
    setError(null);
    try {
      await revokeSession(s.id);
      if (s.current) await signOut();
      else void sessions.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  const rows = sessions.data ? [...sessions.data].sort((a, b) => Number(b.current) - Number(a.current)) : null;
  return (
    <section className="card stack-tight" aria-labelledby="ss-h" data-testid="sessions-card">
      <h2 id="ss-h">Where you're logged in</h2>
      {sessions.error && !rows ? <ErrorNotice error={sessions.error} /> : !rows ? <p className="muted small" aria-busy="true">Loading…</p> : (
        <ul className="plain-list item-list">
          {rows.map((s) => (
            <li key={s.id} className="item-row" data-testid="session" data-current={s.current}>
              <span className="item-main">
                <strong>{device(s.userAgent)} {s.current && <span className="chip chip-tiny" data-testid="session-current">This device</span>}</strong>
                <span className="muted small">
                  {s.ip ?? 'unknown address'} · signed in {formatDateTime(s.createdAt)} · active <time dateTime={s.lastSeenAt}>{formatRelative(s.lastSeenAt)}</time>
                </span>
              </span>
              <button type="button" className="btn btn-small btn-danger-outline" onClick={() => void revoke(s)} disabled={busy !== null} data-testid="session-revoke">
                {busy === s.id ? 'Ending…' : s.current ? 'Log out' : 'End session'}
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorNotice error={error} />
    </section>
  );
}
