import { useId, useState, type FormEvent } from 'react';
import {
  RISK_LIST_KINDS,
  addRiskListEntry,
  addSnooze,
  listRiskLists,
  listRiskRules,
  listSnoozes,
  removeRiskListEntry,
  removeSnooze,
  type RiskListKind,
  type RiskRule,
} from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { Link, navigate, useSearch } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { ReasonAction } from '../../ui/ReasonAction.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { LIST_KIND_LABELS, localDateTime } from './riskUi.tsx';

const kindLabel = (k: string) => LIST_KIND_LABELS[k as RiskListKind] ?? k;

function futureIso(local: string): string | Error | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) return new Error('That date is not valid.');
  if (d.getTime() <= Date.now()) return new Error('The date must be in the future.');
  return d.toISOString();
}

/** The risk engine's allow and block lists (read by rules: lists.allow / lists.block) and per-customer rule snoozes. */
export function ListsSection({ canWrite }: { canWrite: boolean }) {
  const search = useSearch();
  const list = search.get('list') ?? '';
  const kind = search.get('kind') ?? '';
  const { data, error, loading, reload } = useLoad(() => listRiskLists({ list, kind }), [list, kind]);
  const rules = useLoad(() => listRiskRules(), []);
  const [q, setQ] = useState('');
  const ids = { list: useId(), kind: useId(), q: useId() };
  const f = q.trim().toLowerCase();
  const rows = (data?.data ?? []).filter((r) => !f || r.value.toLowerCase().includes(f) || r.reason.toLowerCase().includes(f));

  function setParam(key: string, value: string) {
    const next = new URLSearchParams(window.location.search);
    if (value) next.set(key, value);
    else next.delete(key);
    const s = next.toString();
    navigate(`/console/risk/lists${s ? `?${s}` : ''}`, { replace: true });
  }

  return (
    <section className="stack" aria-labelledby="lists-title">
      <div className="section-head"><h1 id="lists-title">Risk lists</h1></div>
      <p className="muted small">The allow list outranks every rule. The block list is read by rules (the built-in “Block list hit” blocks). Entries come from staff, from rules with the block-list side action, and from rejected reviews.</p>
      {canWrite && <ListEntryForm onAdded={reload} />}

      <div className="filters filters-lists">
        <div className="field">
          <label htmlFor={ids.list}>List</label>
          <select id={ids.list} value={list} onChange={(e) => setParam('list', e.target.value)} data-testid="lists-filter-list">
            <option value="">Both</option>
            <option value="allow">Allow</option>
            <option value="block">Block</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.kind}>Kind</label>
          <select id={ids.kind} value={kind} onChange={(e) => setParam('kind', e.target.value)} data-testid="lists-filter-kind">
            <option value="">All</option>
            {RISK_LIST_KINDS.map((k) => <option key={k} value={k}>{kindLabel(k)}</option>)}
          </select>
        </div>
        <div className="field grow">
          <label htmlFor={ids.q}>Search</label>
          <input id={ids.q} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Value or reason" />
        </div>
      </div>
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      <div className="table-wrap">
        <table className="table" data-testid="lists-table">
          <thead><tr><th>List</th><th>Kind</th><th>Value</th><th>Reason</th><th>Expires</th><th>Source</th>{canWrite && <th><span className="sr-only">Actions</span></th>}</tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="list-row" data-list={r.list} data-kind={r.kind} data-value={r.value}>
                <td data-label="List"><span className={`badge ${r.list === 'block' ? 'badge-danger' : 'badge-success'}`}>{r.list}</span></td>
                <td data-label="Kind">{kindLabel(r.kind)}</td>
                <td data-label="Value" className="mono wrap-anywhere">{r.value}</td>
                <td data-label="Reason" className="wrap-anywhere">{r.reason}</td>
                <td data-label="Expires">{r.expiresAt ? formatDateTime(r.expiresAt) : 'Never'}</td>
                <td data-label="Source">
                  <span className={`chip ${r.source === 'rule' ? '' : 'chip-muted'}`}>{r.source}</span>
                  <div className="small muted wrap-anywhere">{r.createdBy} · {formatDateTime(r.createdAt)}</div>
                </td>
                {canWrite && (
                  <td data-label="">
                    <ReasonAction label="Remove" danger askReason={false} testId="list-remove" prompt={`Remove ${r.value} from the ${r.list} list?`} confirmLabel="Yes, remove" onConfirm={() => removeRiskListEntry(r.id)} onDone={reload} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && rows.length === 0 && <p className="muted" data-testid="lists-empty">No entries.</p>}

      <Snoozes canWrite={canWrite} rules={rules.data?.data ?? []} />
    </section>
  );
}

function ListEntryForm({ onAdded }: { onAdded: () => void }) {
  const [list, setList] = useState<'allow' | 'block'>('block');
  const [kind, setKind] = useState<RiskListKind>('email');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!value.trim() || !reason.trim()) return;
    const exp = futureIso(expiresAt);
    if (exp instanceof Error) return setError(exp);
    setBusy(true);
    setError(null);
    try {
      await addRiskListEntry({ list, kind, value: value.trim(), reason: reason.trim(), ...(exp ? { expiresAt: exp } : {}) });
      setValue('');
      setReason('');
      setExpiresAt('');
      onAdded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="card" data-testid="list-add">
      <summary className="summary-btn"><strong>Add an entry</strong></summary>
      <form className="stack form-top" onSubmit={submit} data-testid="list-form">
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`${id}-list`}>List</label>
            <select id={`${id}-list`} value={list} onChange={(e) => setList(e.target.value as 'allow' | 'block')} data-testid="list-list">
              <option value="block">Block</option>
              <option value="allow">Allow</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-kind`}>Kind</label>
            <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as RiskListKind)} data-testid="list-kind">
              {RISK_LIST_KINDS.map((k) => <option key={k} value={k}>{kindLabel(k)}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-value`}>Value</label>
            <input id={`${id}-value`} required maxLength={254} value={value} onChange={(e) => setValue(e.target.value)} data-testid="list-value" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-exp`}>Expires <span className="muted">(optional)</span></label>
            <input id={`${id}-exp`} type="datetime-local" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} data-testid="list-expires" />
          </div>
          <div className="field span-2">
            <label htmlFor={`${id}-reason`}>Reason</label>
            <input id={`${id}-reason`} required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="list-reason" />
          </div>
        </div>
        <ErrorNotice error={error} />
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy || !value.trim() || !reason.trim()} data-testid="list-add-submit">
            {busy ? 'Adding…' : `Add to ${list} list`}
          </button>
        </div>
      </form>
    </details>
  );
}

function Snoozes({ canWrite, rules }: { canWrite: boolean; rules: RiskRule[] }) {
  const { data, error, loading, reload } = useLoad(() => listSnoozes(), []);
  const ruleName = (id: string) => rules.find((r) => r.id === id)?.name;
  return (
    <div className="stack" data-testid="snoozes">
      <div className="section-head"><h2>Snoozes</h2></div>
      <p className="muted small">A snooze stops one rule acting for one customer until a date — the customer on holiday who now checks out from abroad.</p>
      {canWrite && <SnoozeForm rules={rules} onAdded={reload} />}
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      <div className="table-wrap">
        <table className="table" data-testid="snoozes-table">
          <thead><tr><th>Rule</th><th>Kind</th><th>Value</th><th>Until</th><th>Reason</th>{canWrite && <th><span className="sr-only">Actions</span></th>}</tr></thead>
          <tbody>
            {(data?.data ?? []).map((s) => (
              <tr key={s.id} data-testid="snooze-row" data-rule-id={s.ruleId} data-value={s.value}>
                <td data-label="Rule">{ruleName(s.ruleId) ? <Link to={`/console/risk/rules/${encodeURIComponent(s.ruleId)}`}>{ruleName(s.ruleId)}</Link> : <span className="mono small">{s.ruleId}</span>}</td>
                <td data-label="Kind">{kindLabel(s.kind)}</td>
                <td data-label="Value" className="mono wrap-anywhere">{s.value}</td>
                <td data-label="Until">{formatDateTime(s.until)}</td>
                <td data-label="Reason" className="wrap-anywhere">{s.reason}<div className="small muted">{s.createdBy}</div></td>
                {canWrite && (
                  <td data-label="">
                    <ReasonAction label="End snooze" danger askReason={false} testId="snooze-remove" prompt="End this snooze now?" confirmLabel="Yes, end it" onConfirm={() => removeSnooze(s.id)} onDone={reload} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && data.data.length === 0 && <p className="muted" data-testid="snoozes-empty">No active snoozes.</p>}
    </div>
  );
}

function SnoozeForm({ rules, onAdded }: { rules: RiskRule[]; onAdded: () => void }) {
  const [ruleId, setRuleId] = useState('');
  const [kind, setKind] = useState<RiskListKind>('email');
  const [value, setValue] = useState('');
  const [until, setUntil] = useState(() => localDateTime(new Date(Date.now() + 7 * 86_400_000)));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!ruleId || !value.trim() || !reason.trim()) return;
    const u = futureIso(until);
    if (!u) return setError(new Error('Pick until when.'));
    if (u instanceof Error) return setError(u);
    setBusy(true);
    setError(null);
    try {
      await addSnooze({ ruleId, kind, value: value.trim(), until: u, reason: reason.trim() });
      setValue('');
      setReason('');
      onAdded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const ok = ruleId && value.trim() && reason.trim() && until;
  return (
    <details className="card" data-testid="snooze-add">
      <summary className="summary-btn"><strong>Snooze a rule for a customer</strong></summary>
      <form className="stack form-top" onSubmit={submit} data-testid="snooze-form">
        <div className="form-grid">
          <div className="field span-2">
            <label htmlFor={`${id}-rule`}>Rule</label>
            <select id={`${id}-rule`} value={ruleId} onChange={(e) => setRuleId(e.target.value)} data-testid="snooze-rule">
              <option value="">Choose a rule…</option>
              {rules.map((r) => <option key={r.id} value={r.id}>{r.name}{r.enabled ? '' : ' (disabled)'}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-kind`}>Kind</label>
            <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as RiskListKind)} data-testid="snooze-kind">
              {RISK_LIST_KINDS.map((k) => <option key={k} value={k}>{kindLabel(k)}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-value`}>Value</label>
            <input id={`${id}-value`} required maxLength={254} value={value} onChange={(e) => setValue(e.target.value)} data-testid="snooze-value" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-until`}>Until</label>
            <input id={`${id}-until`} type="datetime-local" required value={until} onChange={(e) => setUntil(e.target.value)} data-testid="snooze-until" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-reason`}>Reason</label>
            <input id={`${id}-reason`} required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="snooze-reason" />
          </div>
        </div>
        <ErrorNotice error={error} />
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy || !ok} data-testid="snooze-submit">{busy ? 'Saving…' : 'Snooze'}</button>
        </div>
      </form>
    </details>
  );
}
