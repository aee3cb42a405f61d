import { useId, useState } from 'react';
import { listRiskRules, updateRiskRule, type RiskRule } from '../../api.ts';
import { Link, navigate, useSearch } from '../../router.tsx';
import { ErrorNotice, Notice } from '../../ui/Notice.tsx';
import { useAction } from '../../ui/useAction.ts';
import { useLoad } from '../../ui/useLoad.ts';
import { ActionBadge, EVENT_LABELS } from './riskUi.tsx';

export function RulesSection({ canWrite }: { canWrite: boolean }) {
  const { data, error, loading, reload } = useLoad(() => listRiskRules(), []);
  const search = useSearch();
  const saved = search.get('saved');
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const f = filter.trim().toLowerCase();
  const rules = (data?.data ?? []).filter((r) => !f || r.name.toLowerCase().includes(f) || r.expression.toLowerCase().includes(f) || r.description.toLowerCase().includes(f));
  const savedRule = saved ? data?.data.find((r) => r.id === saved) : undefined;

  return (
    <section className="stack" aria-labelledby="rules-title">
      <div className="section-head">
        <h1 id="rules-title">Risk rules</h1>
        {data && <span className="chip chip-muted" data-testid="ruleset-version" title="Every change makes a new ruleset version; decisions record the one they used">ruleset v{data.rulesetVersion}</span>}
        {canWrite && <Link to="/console/risk/rules/new" className="btn btn-primary" data-testid="rule-new">New rule</Link>}
      </div>
      <p className="muted small">Rules run on every checkout, card authorization or transfer they apply to. The strongest action wins (block › review › allow); score rules add up against the thresholds in Risk settings. Shadow rules only record what they would have done.</p>
      {savedRule && (
        <Notice tone="success" testId="rule-saved">
          Saved “{savedRule.name}” (version {savedRule.version}).{' '}
          <button type="button" className="linklike" onClick={() => navigate('/console/risk/rules', { replace: true })}>Dismiss</button>
        </Notice>
      )}
      <div className="field">
        <label htmlFor={filterId}>Filter</label>
        <input id={filterId} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Name, description or expression" data-testid="rules-filter" />
      </div>
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      <div className="table-wrap">
        <table className="table" data-testid="rules-table">
          <thead>
            <tr><th>Rule</th><th>Applies to</th><th>Action</th><th>State</th><th>Expression</th></tr>
          </thead>
          <tbody>
            {rules.map((r) => <RuleRow key={r.id} rule={r} canWrite={canWrite} highlight={r.id === saved} onChanged={reload} />)}
          </tbody>
        </table>
      </div>
      {data && rules.length === 0 && <p className="muted">{f ? 'No rule matches.' : 'No rules yet.'}</p>}
    </section>
  );
}

function RuleRow({ rule: r, canWrite, highlight, onChanged }: { rule: RiskRule; canWrite: boolean; highlight: boolean; onChanged: () => void }) {
  const { busy, error, run } = useAction();
  const href = `/console/risk/rules/${encodeURIComponent(r.id)}`;

  async function patch(p: { enabled?: boolean; mode?: 'active' | 'shadow' }) {
    if (await run(() => updateRiskRule(r.id, p))) onChanged();
  }

  return (
    <tr className={`${highlight ? 'row-highlight' : ''} ${r.enabled ? '' : 'row-disabled'}`} data-testid="rule-row" data-rule-id={r.id} data-name={r.name} data-mode={r.mode} data-enabled={r.enabled}>
      <td data-label="Rule" className="rule-cell">
        <Link to={href} className="rule-name" data-testid="rule-link">{r.name}</Link>
        {r.description && <div className="small muted">{r.description}</div>}
        <div className="small muted">v{r.version}{r.builtin ? ' · built-in' : ''}</div>
        <ErrorNotice error={error} />
      </td>
      <td data-label="Applies to" className="small">{r.events.map((e) => EVENT_LABELS[e] ?? e).join(', ')}</td>
      <td data-label="Action">
        <ActionBadge action={r.action} score={r.score} />
        {r.sideActions.length > 0 && <div className="small muted">+ {r.sideActions.join(', ').replace(/_/g, ' ')}</div>}
      </td>
      <td data-label="State">
        <div className="toggles">
          <label className="switch" title={r.enabled ? 'Enabled: click to disable' : 'Disabled: click to enable'}>
            <input type="checkbox" role="switch" checked={r.enabled} disabled={!canWrite || busy} onChange={(e) => void patch({ enabled: e.target.checked })} data-testid="rule-toggle-enabled" />
            <span className="switch-track" aria-hidden="true" />
            <span>{r.enabled ? 'On' : 'Off'}</span>
          </label>
          <div className="segmented" role="group" aria-label={`Mode of ${r.name}`}>
            <button type="button" className={r.mode === 'active' ? 'on' : ''} aria-pressed={r.mode === 'active'} disabled={!canWrite || busy || r.mode === 'active'} onClick={() => void patch({ mode: 'active' })} data-testid="rule-mode-to-active">Active</button>
            <button type="button" className={r.mode === 'shadow' ? 'on' : ''} aria-pressed={r.mode === 'shadow'} disabled={!canWrite || busy || r.mode === 'shadow'} onClick={() => void patch({ mode: 'shadow' })} data-testid="rule-mode-to-shadow">Shadow</button>
          </div>
        </div>
      </td>
      <td data-label="Expression"><code className="expr-cell" title={r.expression}>{r.expression}</code></td>
    </tr>
  );
}
