import { useId, useState, type FormEvent } from 'react';
import { STAFF_ROLES, createStaff, listStaff, updateStaff, type StaffRole, type StaffRow } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { ErrorNotice } from '../ui/Notice.tsx';
import { useAction } from '../ui/useAction.ts';
import { useLoad } from '../ui/useLoad.ts';
import { isEmail } from '../util.ts';
import { AgentsPanel } from './AgentsPanel.tsx';

export function StaffSection({ currentStaffId, canManageAgents }: { currentStaffId: string; canManageAgents: boolean }) {
  const { data, error, loading, reload } = useLoad(() => listStaff(), []);
  const [creating, setCreating] = useState(false);
  return (
    <section className="stack" aria-labelledby="staff-title">
      <div className="section-head">
        <h1 id="staff-title">Staff</h1>
        {!creating && <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="staff-new">Add staff member</button>}
      </div>
      {creating && <StaffForm onCancel={() => setCreating(false)} onCreated={() => { setCreating(false); void reload(); }} />}
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      <div className="table-wrap">
        <table className="table" data-testid="staff-table">
          <thead><tr><th>Name</th><th>E-mail</th><th>Role</th><th>Active</th><th>Last login</th></tr></thead>
          <tbody>
            {(data?.data ?? []).map((s) => <StaffRowView key={s.id} staff={s} self={s.id === currentStaffId} onChanged={reload} />)}
          </tbody>
        </table>
      </div>
      {canManageAgents && <AgentsPanel />}
    </section>
  );
}

function StaffRowView({ staff: s, self, onChanged }: { staff: StaffRow; self: boolean; onChanged: () => void }) {
  const { busy, error, run } = useAction();
  const id = useId();
  async function patch(p: { role?: StaffRole; active?: boolean }) {
    if (p.active === false && !window.confirm(`Deactivate ${s.email}? Their sessions stop working.`)) return;
    if (await run(() => updateStaff(s.id, p))) onChanged();
  }
  return (
    <tr data-testid="staff-row" data-email={s.email}>
      <td data-label="Name">{s.name}{self && <span className="muted small"> (you)</span>}<ErrorNotice error={error} /></td>
      <td data-label="E-mail">{s.email}</td>
      <td data-label="Role">
        <label className="sr-only" htmlFor={`${id}-role`}>Role of {s.email}</label>
        <select id={`${id}-role`} value={s.role} disabled={busy || self} onChange={(e) => void patch({ role: e.target.value as StaffRole })} data-testid="staff-role-select">
          {STAFF_ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
      </td>
      <td data-label="Active">
        <label className="check">
          <input type="checkbox" checked={s.active} disabled={busy || self} onChange={(e) => void patch({ active: e.target.checked })} data-testid="staff-active" />
          <span>{s.active ? 'Active' : 'Inactive'}</span>
        </label>
      </td>
      <td data-label="Last login">{formatDateTime(s.lastLoginAt)}</td>
    </tr>
  );
}

function StaffForm({ onCreated, onCancel }: { onCreated: () => void; onCancel: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<StaffRole>('operator');
  const [password, setPassword] = useState('');
  const { busy, error, setError, run } = useAction();
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!isEmail(email.trim())) return setError(new Error('Enter a valid e-mail address.'));
    if (password.length < 10) return setError(new Error('Use a password of at least 10 characters.'));
    if (await run(() => createStaff({ email: email.trim(), name: name.trim(), role, password }))) onCreated();
  }

  return (
    <form className="card stack" onSubmit={submit} data-testid="staff-form">
      <h2>Add staff member</h2>
      <div className="form-grid">
        <div className="field"><label htmlFor={`${id}-name`}>Name</label><input id={`${id}-name`} required value={name} onChange={(e) => setName(e.target.value)} data-testid="staff-name-input" /></div>
        <div className="field"><label htmlFor={`${id}-email`}>E-mail</label><input id={`${id}-email`} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} data-testid="staff-email-input" /></div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as StaffRole)} data-testid="staff-role-input">
            {STAFF_ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </div>
        <div className="field"><label htmlFor={`${id}-pw`}>Initial password</label><input id={`${id}-pw`} type="password" autoComplete="new-password" required minLength={10} value={password} onChange={(e) => setPassword(e.target.value)} data-testid="staff-password-input" /></div>
      </div>
      <ErrorNotice error={error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="staff-create">{busy ? 'Creating…' : 'Create'}</button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
