import { useState, type FormEvent } from 'react';
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
import { Link } from '../../router.tsx';
import { futureIso, localDateTime } from '../../ui/dates.ts';
import { Field, SelectField } from '../../ui/Field.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { ReasonAction } from '../../ui/ReasonAction.tsx';
import { useAction } from '../../ui/useAction.ts';
import { useLoad } from '../../ui/useLoad.ts';
import { useUrlFilters } from '../../ui/useUrlFilters.ts';
import { LIST_KIND_LABELS } from './riskUi.tsx';

const kindLabel = (k: string) => LIST_KIND_LABELS[k as RiskListKind] ?? k;
const KIND_OPTIONS = RISK_LIST_KINDS.map((k) => ({ value: k, label: kindLabel(k) }));
const LIST_OPTIONS = [{ value: 'allow', label: 'Allow' }, { value: 'block', label: 'Block' }];
/** A new entry goes on the block list unless staff pick the allow list. */
const NEW_ENTRY_LISTS = [{ value: 'block', label: 'Block' }, { value: 'allow', label: 'Allow' }];

/** The risk engine's allow and block lists (read by rules: lists.allow / lists.block) and per-customer rule snoozes. */
export function ListsSection({ canWrite }: { canWrite: boolean }) {
  const f = useUrlFilters('/console/risk/lists', ['list', 'kind']);
  const { list, kind } = f.values;
  const { data, error, loading, reload } = useLoad(() => listRiskLists({ list, kind }), [list, kind]);
  const rules = useLoad(() => listRiskRules(), []);
  const [q, setQ] = useState('');
  const needle = q.trim().toLowerCase();
  const rows = (data?.data ?? []).filter((r) => !needle || r.value.toLowerCase().includes(needle) || r.reason.toLowerCase().includes(needle));

  return (
    <section className="stack" aria-labelledby="lists-title">
      <div className="section-head"><h1 id="lists-title">Risk lists</h1></div>
      <p className="muted small">The allow list outranks every rule. The block list is read by rules (the built-in “Block list hit” blocks). Entries come from staff, from rules with the block-list side action, and from rejected reviews.</p>
      {canWrite && <ListEntryForm onAdded={reload} />}

      <div className="filters filters-lists">
        <SelectField label="List" value={list} onChange={(v) => f.set('list', v)} options={LIST_OPTIONS} all="Both" testId="lists-filter-list" />
        <SelectField label="Kind" value={kind} onChange={(v) => f.set('kind', v)} options={KIND_OPTIONS} testId="lists-filter-kind" />
        <Field label="Search" className="grow">
          {(id) => <input id={id} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Value or reason" />}
        </Field>
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
  const action = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!value.trim() || !reason.trim()) return;
    const exp = futureIso(expiresAt);
    if (exp instanceof Error) return action.setError(exp);
    const ok = await action.run(() => addRiskListEntry({ list, kind, value: value.trim(), reason: reason.trim(), ...(exp ? { expiresAt: exp } : {}) }));
    if (!ok) return;
    setValue('');
    setReason('');
    setExpiresAt('');
    onAdded();
  }

  return (
    <details className="card" data-testid="list-add">
      <summary className="summary-btn"><strong>Add an entry</strong></summary>
      <form className="stack form-top" onSubmit={submit} data-testid="list-form">
        <div className="form-grid">
          <SelectField label="List" value={list} onChange={(v) => setList(v as 'allow' | 'block')} options={NEW_ENTRY_LISTS} all={null} testId="list-list" />
          <SelectField label="Kind" value={kind} onChange={(v) => setKind(v as RiskListKind)} options={KIND_OPTIONS} all={null} testId="list-kind" />
          <Field label="Value">
            {(id) => <input id={id} required maxLength={254} value={value} onChange={(e) => setValue(e.target.value)} data-testid="list-value" />}
          </Field>
          <Field label={<>Expires <span className="muted">(optional)</span></>}>
            {(id) => <input id={id} type="datetime-local" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} data-testid="list-expires" />}
          </Field>
          <Field label="Reason" className="span-2">
            {(id) => <input id={id} required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="list-reason" />}
          </Field>
        </div>
        <ErrorNotice error={action.error} />
        <div>
          <button type="submit" className="btn btn-primary" disabled={action.busy || !value.trim() || !reason.trim()} data-testid="list-add-submit">
            {action.busy ? 'Adding…' : `Add to ${list} list`}
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
  const action = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!ruleId || !value.trim() || !reason.trim()) return;
    const u = futureIso(until);
    if (!u) return action.setError(new Error('Pick until when.'));
    if (u instanceof Error) return action.setError(u);
    if (!(await action.run(() => addSnooze({ ruleId, kind, value: value.trim(), until: u, reason: reason.trim() })))) return;
    setValue('');
    setReason('');
    onAdded();
  }

  const ok = ruleId && value.trim() && reason.trim() && until;
  return (
    <details className="card" data-testid="snooze-add">
      <summary className="summary-btn"><strong>Snooze a rule for a customer</strong></summary>
      <form className="stack form-top" onSubmit={submit} data-testid="snooze-form">
        <div className="form-grid">
          <SelectField label="Rule" className="span-2" value={ruleId} onChange={setRuleId} all="Choose a rule…" testId="snooze-rule"
            options={rules.map((r) => ({ value: r.id, label: `${r.name}${r.enabled ? '' : ' (disabled)'}` }))} />
          <SelectField label="Kind" value={kind} onChange={(v) => setKind(v as RiskListKind)} options={KIND_OPTIONS} all={null} testId="snooze-kind" />
          <Field label="Value">
            {(id) => <input id={id} required maxLength={254} value={value} onChange={(e) => setValue(e.target.value)} data-testid="snooze-value" />}
          </Field>
          <Field label="Until">
            {(id) => <input id={id} type="datetime-local" required value={until} onChange={(e) => setUntil(e.target.value)} data-testid="snooze-until" />}
          </Field>
          <Field label="Reason">
            {(id) => <input id={id} required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="snooze-reason" />}
          </Field>
        </div>
        <ErrorNotice error={action.error} />
        <div>
          <button type="submit" className="btn btn-primary" disabled={action.busy || !ok} data-testid="snooze-submit">{action.busy ? 'Saving…' : 'Snooze'}</button>
        </div>
      </form>
    </details>
  );
}
