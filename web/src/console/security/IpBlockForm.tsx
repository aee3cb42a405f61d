import { useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../../api.ts';
import { Field, SelectField } from '../../ui/Field.tsx';
import { useAction } from '../../ui/useAction.ts';
import { createIpBlock, type IpBlock } from './securityApi.ts';

const UNITS = { minutes: 1, hours: 60, days: 1440 } as const;
type Unit = keyof typeof UNITS;
const UNIT_OPTIONS = Object.keys(UNITS);
const SCOPES = [{ value: 'public', label: 'Public side' }, { value: 'all', label: 'Everything (staff too)' }];

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
  const { busy, error, run } = useAction();

  const n = expires.trim() ? Number(expires.trim()) : null;
  const expiresBad = n !== null && (!Number.isInteger(n) || n <= 0);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!cidr.trim() || !reason.trim() || expiresBad || busy) return;
    await run(async () => {
      const b = await createIpBlock({ cidr: cidr.trim(), reason: reason.trim(), scope, ...(n !== null ? { expiresInMinutes: n * UNITS[unit] } : {}) });
      setCidr('');
      setReason('');
      setExpires('');
      onAdded(b);
    });
  }

  return (
    <form className="card stack" onSubmit={submit} data-testid="ipblock-form">
      <h2>Block an address or subnet</h2>
      <div className="c4-filters">
        <Field label="Address or range (CIDR)" className="grow">
          {(id) => (
            <input id={id} value={cidr} maxLength={64} placeholder="203.0.113.7, 203.0.113.0/24, 2001:db8::/64" autoComplete="off" spellCheck={false}
              aria-invalid={error ? true : undefined} onChange={(e) => setCidr(e.target.value)} data-testid="ipblock-cidr" />
          )}
        </Field>
        <Field label="Expires after (optional)" error={expiresBad && 'A whole number above 0'}>
          {(id) => <input id={id} inputMode="numeric" value={expires} placeholder="never" aria-invalid={expiresBad || undefined} onChange={(e) => setExpires(e.target.value)} data-testid="ipblock-expires" />}
        </Field>
        <SelectField label="Unit" value={unit} onChange={(v) => setUnit(v as Unit)} options={UNIT_OPTIONS} all={null} testId="ipblock-unit" />
        <SelectField label="Applies to" value={scope} onChange={(v) => setScope(v as 'public' | 'all')} options={SCOPES} all={null} testId="ipblock-scope" />
      </div>
      <Field label="Reason (audit log)">
        {(id) => <input id={id} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} data-testid="ipblock-reason" />}
      </Field>
      {!!error && <div className="notice notice-error" role="alert" data-testid="ipblock-error">{describe(error)}</div>}
      <div className="row">
        <button type="submit" className="btn btn-danger" disabled={busy || !cidr.trim() || !reason.trim() || expiresBad} data-testid="ipblock-submit">{busy ? 'Blocking…' : 'Block'}</button>
        <span className="small muted">Requests from a blocked range get 403 on every node within a second.</span>
      </div>
    </form>
  );
}
