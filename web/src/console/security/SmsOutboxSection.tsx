import { useEffect, useState } from 'react';
import { formatDateTime, formatRelative } from '../../format.ts';
import { Field } from '../../ui/Field.tsx';
import { ListFooter } from '../../ui/ListFooter.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useCursorList } from '../../ui/useCursorList.ts';
import { listSmsOutbox } from './securityApi.ts';
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
  const list = useCursorList((cursor) => listSmsOutbox(cursor, 50), []);
  const [phone, setPhone] = useState('');
  useEffect(() => { document.title = 'SMS outbox · Tollgate console'; }, []);

  const digits = phone.replace(/\D/g, '');
  const shown = digits ? list.rows.filter((m) => m.to.replace(/\D/g, '').includes(digits)) : list.rows;
  return (
    <section className="stack" aria-labelledby="sms-title">
      <div className="section-head">
        <h1 id="sms-title">SMS outbox</h1>
        <button type="button" className="btn btn-small" onClick={list.reload} disabled={list.loading} data-testid="sms-refresh">Refresh</button>
      </div>
      <p className="muted small">Text messages the system sent while SMS_PROVIDER=outbox (development and demos): customers’ sign-up and login codes appear here instead of on a phone.</p>
      <div className="c4-filters">
        <Field label="Phone contains">
          {(id) => <input id={id} type="search" inputMode="tel" value={phone} onChange={(e) => setPhone(e.target.value)} data-testid="sms-filter-phone" />}
        </Field>
      </div>
      <ErrorNotice error={list.error} />
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
      <ListFooter list={list} count={shown.length} empty={digits ? 'No messages to that number among those loaded.' : 'No messages.'} testId="sms" moreLabel="Load older" />
    </section>
  );
}
