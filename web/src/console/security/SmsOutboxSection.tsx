import { useEffect, useId, useState } from 'react';
import { formatDateTime, formatRelative } from '../../format.ts';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { listSmsOutbox, type SmsMessage } from './securityApi.ts';
import '../ledger/ledger.css';

/** Splits a text so 6-digit codes stand out. */
function withCodes(body: string) {
  return body.split(/\b(\d{6})\b/).map((part, i) => (i % 2 === 1 ? <span key={i} className="c4-code" data-testid="sms-code">{part}</span> : part));
}

/**
 * Text messages kept by the dev outbox (SMS_PROVIDER=outbox), newest first: in a demo this is where a customer's
 * sign-up and login codes are read. With a real SMS provider nothing is kept here.
 */
export function SmsOutboxSection() {
  const [rows, setRows] = useState<SmsMessage[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const [phone, setPhone] = useState('');
  const id = useId();
  useEffect(() => { document.title = 'SMS outbox · Tollgate console'; }, []);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    listSmsOutbox(null, 50)
      .then((p) => { if (live) { setRows(p.data); setCursor(p.nextCursor); } })
      .catch((e) => { if (live) setError(e); })
      .finally(() => { if (live) setLoading(false); });
    return () => { live = false; };
  }, [tick]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const p = await listSmsOutbox(cursor, 50);
      setRows((r) => [...r, ...p.data]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  const digits = phone.replace(/\D/g, '');
  const shown = digits ? rows.filter((m) => m.to.replace(/\D/g, '').includes(digits)) : rows;
  return (
    <section className="stack" aria-labelledby="sms-title">
      <div className="section-head">
        <h1 id="sms-title">SMS outbox</h1>
        <button type="button" className="btn btn-small" onClick={() => setTick((n) => n + 1)} disabled={loading} data-testid="sms-refresh">Refresh</button>
      </div>
      <p className="muted small">Text messages the system sent while SMS_PROVIDER=outbox (development and demos): customers’ sign-up and login codes appear here instead of on a phone.</p>
      <div className="c4-filters">
        <div className="field">
          <label htmlFor={id}>Phone contains</label>
          <input id={id} type="search" inputMode="tel" value={phone} onChange={(e) => setPhone(e.target.value)} data-testid="sms-filter-phone" />
        </div>
      </div>
      <ErrorNotice error={error} />
      {shown.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="sms-table">
            <thead><tr><th>To</th><th>Message</th><th>Sent</th></tr></thead>
            <tbody>
              {shown.map((m) => (
                <tr key={m.id} data-testid="sms-row" data-to={m.to}>
                  <td data-label="To" className="mono nowrap">{m.to}</td>
                  <td data-label="Message" className="wrap-anywhere" data-testid="sms-body">{withCodes(m.body)}</td>
                  <td data-label="Sent" className="nowrap" title={formatDateTime(m.createdAt)}>{formatRelative(m.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!loading && shown.length === 0 && !error && <p className="muted" data-testid="sms-empty">{digits ? 'No messages to that number among those loaded.' : 'No messages.'}</p>}
      {loading && <p className="muted" aria-busy="true">Loading…</p>}
      {cursor && !loading && <button type="button" className="btn" onClick={() => void loadMore()} data-testid="sms-more">Load older</button>}
    </section>
  );
}
