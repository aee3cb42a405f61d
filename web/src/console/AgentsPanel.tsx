import { useId, useState, type FormEvent } from 'react';
import { createAgent, listAgents, setAgentActive } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { CopyButton } from '../ui/CopyButton.tsx';
import { ErrorNotice, Notice } from '../ui/Notice.tsx';
import { useAction } from '../ui/useAction.ts';
import { useLoad } from '../ui/useLoad.ts';

/** Fulfilment agents (out-of-process workers). A new agent's token is shown exactly once. */
export function AgentsPanel() {
  const { data, error, reload } = useLoad(() => listAgents(), []);
  const [name, setName] = useState('');
  const [queues, setQueues] = useState('fulfilment.demo-platform-browser');
  const { busy, error: formError, setError: setFormError, run } = useAction();
  const [created, setCreated] = useState<{ id: string; token: string; name: string } | null>(null);
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const qs = queues.split(/[\s,]+/).map((q) => q.trim()).filter(Boolean);
    if (!name.trim() || qs.length === 0) return;
    const ok = await run(async () => setCreated({ ...(await createAgent({ name: name.trim(), queues: qs })), name: name.trim() }));
    if (!ok) return;
    setName('');
    void reload();
  }

  return (
    <div className="card stack" data-testid="agents-panel">
      <h2>Agents</h2>
      <p className="muted small">Agents are fulfilment workers running outside the server (for example a browser bot). Each has its own token.</p>
      {created && (
        <Notice tone="warning" testId="agent-token">
          <strong>Token for {created.name} — copy it now, it will not be shown again.</strong>
          <div className="token-row"><code className="code wrap-anywhere" data-testid="agent-token-value">{created.token}</code> <CopyButton text={created.token} /></div>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setCreated(null)}>I saved it</button>
        </Notice>
      )}
      <ErrorNotice error={error} />
      {data && data.data.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="agents-table">
            <thead><tr><th>Name</th><th>Queues</th><th>Active</th><th>Last seen</th><th><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {data.data.map((a) => (
                <tr key={a.id} data-testid="agent-row">
                  <td data-label="Name">{a.name}<div className="small muted mono">{a.id}</div></td>
                  <td data-label="Queues" className="mono">{a.queues.join(', ')}</td>
                  <td data-label="Active">{a.active ? 'Yes' : 'No'}</td>
                  <td data-label="Last seen">{formatDateTime(a.lastSeenAt)}</td>
                  <td data-label="">
                    <button type="button" className="btn btn-small" data-testid="agent-toggle" onClick={async () => {
                      if (a.active && !window.confirm(`Disable agent ${a.name}? Its token stops working.`)) return;
                      try { await setAgentActive(a.id, !a.active); void reload(); } catch (e) { setFormError(e); }
                    }}>{a.active ? 'Disable' : 'Enable'}</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="form-grid" onSubmit={submit} data-testid="agent-form">
        <div className="field"><label htmlFor={`${id}-name`}>New agent name</label><input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} data-testid="agent-name" /></div>
        <div className="field"><label htmlFor={`${id}-q`}>Queues (comma separated)</label><input id={`${id}-q`} value={queues} onChange={(e) => setQueues(e.target.value)} data-testid="agent-queues" /></div>
        <div className="span-2"><ErrorNotice error={formError} /></div>
        <div><button type="submit" className="btn" disabled={busy || !name.trim()} data-testid="agent-create">{busy ? 'Creating…' : 'Create agent'}</button></div>
      </form>
    </div>
  );
}
