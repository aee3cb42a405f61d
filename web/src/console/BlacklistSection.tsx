import { useId, useState, type FormEvent } from 'react';
import { addBlacklist, listBlacklist, removeBlacklist, type BlacklistKind } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useSearch } from '../router.tsx';
import { futureIso } from '../ui/dates.ts';
import { ErrorNotice } from '../ui/Notice.tsx';
import { ReasonAction } from '../ui/ReasonAction.tsx';
import { useAction } from '../ui/useAction.ts';
import { useLoad } from '../ui/useLoad.ts';

const KINDS: { value: BlacklistKind; label: string }[] = [
  { value: 'platform_user', label: 'Platform user id' },
  { value: 'email', label: 'E-mail' },
  { value: 'ip', label: 'IP address' },
  { value: 'phone', label: 'Phone' },
];

export function BlacklistSection({ canWrite }: { canWrite: boolean }) {
  const { data, error, loading, reload } = useLoad(() => listBlacklist(), []);
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const f = filter.trim().toLowerCase();
  const rows = (data?.data ?? []).filter((r) => !f || r.value.toLowerCase().includes(f) || r.reason.toLowerCase().includes(f));

  return (
    <section className="stack" aria-labelledby="bl-title">
      <div className="section-head"><h1 id="bl-title">Blacklist</h1></div>
      <p className="muted small">Orders from a blacklisted platform user, e-mail, IP or phone are refused at checkout.</p>
      {canWrite && <AddForm onAdded={reload} />}
      <div className="field">
        <label htmlFor={filterId}>Filter</label>
        <input id={filterId} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Value or reason" />
      </div>
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      <div className="table-wrap">
        <table className="table" data-testid="blacklist-table">
          <thead><tr><th>Kind</th><th>Value</th><th>Reason</th><th>Expires</th><th>Added</th>{canWrite && <th><span className="sr-only">Actions</span></th>}</tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="blacklist-row" data-kind={r.kind} data-value={r.value}>
                <td data-label="Kind">{KINDS.find((k) => k.value === r.kind)?.label ?? r.kind}</td>
                <td data-label="Value" className="mono">{r.value}</td>
                <td data-label="Reason">{r.reason}</td>
                <td data-label="Expires">{r.expiresAt ? formatDateTime(r.expiresAt) : 'Never'}</td>
                <td data-label="Added">{formatDateTime(r.createdAt)}<div className="small muted">{r.createdBy}</div></td>
                {canWrite && (
                  <td data-label="">
                    <ReasonAction label="Remove" danger askReason={false} testId="blacklist-remove" prompt={`Remove ${r.value}?`} confirmLabel="Yes, remove" onConfirm={() => removeBlacklist(r.id)} onDone={reload} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && rows.length === 0 && <p className="muted">No entries.</p>}
    </section>
  );
}

function AddForm({ onAdded }: { onAdded: () => void }) {
  const search = useSearch();
  const preKind = search.get('kind') as BlacklistKind | null;
  const ref = search.get('ref');
  const [kind, setKind] = useState<BlacklistKind>(KINDS.some((k) => k.value === preKind) ? preKind! : 'platform_user');
  const [value, setValue] = useState(search.get('value') ?? '');
  const [reason, setReason] = useState(ref ? `See order ${ref}` : '');
  const [expiresAt, setExpiresAt] = useState('');
  const { busy, error, setError, run } = useAction();
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!value.trim() || !reason.trim()) return;
    const exp = futureIso(expiresAt, 'The expiry must be in the future.');
    if (exp instanceof Error) return setError(exp);
    if (!(await run(() => addBlacklist({ kind, value: value.trim(), reason: reason.trim(), ...(exp ? { expiresAt: exp } : {}) })))) return;
    setValue('');
    setReason('');
    setExpiresAt('');
    onAdded();
  }

  return (
    <form className="card stack" onSubmit={submit} data-testid="blacklist-form">
      <h2>Add entry</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as BlacklistKind)} data-testid="blacklist-kind">
            {KINDS.map((k) => <option key={k.value} value={k.value}>{k.label}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-value`}>Value</label>
          <input id={`${id}-value`} required value={value} onChange={(e) => setValue(e.target.value)} data-testid="blacklist-value" />
        </div>
        <div className="field span-2">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <input id={`${id}-reason`} required value={reason} onChange={(e) => setReason(e.target.value)} data-testid="blacklist-reason" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-exp`}>Expires (optional)</label>
          <input id={`${id}-exp`} type="datetime-local" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} data-testid="blacklist-expires" />
        </div>
      </div>
      <ErrorNotice error={error} />
      <div>
        <button type="submit" className="btn btn-primary" disabled={busy || !value.trim() || !reason.trim()} data-testid="blacklist-add">{busy ? 'Adding…' : 'Add to blacklist'}</button>
      </div>
    </form>
  );
}
