import { useId, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../../api.ts';
import { createIpBlock, type IpBlock } from './securityApi.ts';

const UNITS = { minutes: 1, hours: 60, days: 1440 } as const;
type Unit = keyof typeof UNITS;

/** The API's wording, with its JSON paths (body/expiresInMinutes …) turned into the form's labels. */
function describe(e: unknown): string {
  if (e instanceof ApiError && e.code === 'validation_failed') {
    return errorMessage(e)
      .replace(/^Body\/cidr\b/, 'Address or range')
      .replace(/^Body\/reason\b/, 'Reason')
      .replace(/^Body\/expiresInMinutes must be <= 525600/, 'Expiry: at most one year')
      .replace(/^Body\/expiresInMinutes\b/, 'Expiry');
  }
  return errorMessage(e);
}

/** Blocks an address or a subnet (CIDR) with a reason, an optional expiry and a scope; the API validates the range. */
export function IpBlockForm({ onAdded }: { onAdded: (b: IpBlock) => void }) {
  const [cidr, setCidr] = useState('');
  const [reason, setReason] = useState('');
  const [expires, setExpires] = useState('');
  const [unit, setUnit] = useState<Unit>('hours');
  const [scope, setScope] = useState<'public' | 'all'>('public');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ids = { cidr: useId(), reason: useId(), expires: useId(), unit: useId(), scope: useId() };

  const n = expires.trim() ? Number(expires.trim()) : null;
  const expiresBad = n !== null && (!Number.isInteger(n) || n <= 0);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!cidr.trim() || !reason.trim() || expiresBad || busy) return;
    setBusy(true);
    setError(null);
    try {
      const b = await createIpBlock({ cidr: cidr.trim(), reason: reason.trim(), scope, ...(n !== null ? { expiresInMinutes: n * UNITS[unit] } : {}) });
      setCidr('');
      setReason('');
      setExpires('');
      onAdded(b);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card stack" onSubmit={submit} data-testid="ipblock-form">
      <h2>Block an address or subnet</h2>
      <div className="c4-filters">
        <div className="field grow">
          <label htmlFor={ids.cidr}>Address or range (CIDR)</label>
          <input id={ids.cidr} value={cidr} maxLength={64} placeholder="203.0.113.7, 203.0.113.0/24, 2001:db8::/64" autoComplete="off" spellCheck={false}
            aria-invalid={error ? true : undefined} onChange={(e) => setCidr(e.target.value)} data-testid="ipblock-cidr" />
        </div>
        <div className="field">
          <label htmlFor={ids.expires}>Expires after (optional)</label>
          <input id={ids.expires} inputMode="numeric" value={expires} placeholder="never" aria-invalid={expiresBad || undefined} onChange={(e) => setExpires(e.target.value)} data-testid="ipblock-expires" />
          {expiresBad && <span className="field-error">A whole number above 0</span>}
        </div>
        <div className="field">
          <label htmlFor={ids.unit}>Unit</label>
          <select id={ids.unit} value={unit} onChange={(e) => setUnit(e.target.value as Unit)} data-testid="ipblock-unit">
            <option value="minutes">minutes</option><option value="hours">hours</option><option value="days">days</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.scope}>Applies to</label>
          <select id={ids.scope} value={scope} onChange={(e) => setScope(e.target.value as 'public' | 'all')} data-testid="ipblock-scope">
            <option value="public">Public side</option><option value="all">Everything (staff too)</option>
          </select>
        </div>
      </div>
      <div className="field">
        <label htmlFor={ids.reason}>Reason (audit log)</label>
        <input id={ids.reason} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} data-testid="ipblock-reason" />
      </div>
      {!!error && <div className="notice notice-error" role="alert" data-testid="ipblock-error">{describe(error)}</div>}
      <div className="row">
        <button type="submit" className="btn btn-danger" disabled={busy || !cidr.trim() || !reason.trim() || expiresBad} data-testid="ipblock-submit">{busy ? 'Blocking…' : 'Block'}</button>
        <span className="small muted">Requests from a blocked range get 403 on every node within a second.</span>
      </div>
    </form>
  );
}
