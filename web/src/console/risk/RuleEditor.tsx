import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import {
  RISK_EVENT_KINDS,
  RULE_ACTIONS,
  SIDE_ACTIONS,
  createRiskRule,
  deleteRiskRule,
  listRiskFeatures,
  listRiskRules,
  listRuleVersions,
  updateRiskRule,
  type RiskEventKind,
  type RiskFeature,
  type RiskRule,
  type RuleAction,
  type RuleInput,
  type RuleMode,
  type SideAction,
} from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { ErrorNotice, Notice } from '../../ui/Notice.tsx';
import { ReasonAction } from '../../ui/ReasonAction.tsx';
import { useAction } from '../../ui/useAction.ts';
import { useLoad } from '../../ui/useLoad.ts';
import { BacktestPanel } from './BacktestPanel.tsx';
import { ExpressionEditor, compileErrorFrom, insertAtCursor, useExpressionCheck, type CheckState } from './ExpressionEditor.tsx';
import { FeatureReference } from './FeatureReference.tsx';
import { ActionBadge, EVENT_LABELS } from './riskUi.tsx';

const ACTION_HELP: Record<RuleAction, string> = {
  block: 'Refuse the event (the strongest outcome wins).',
  review: 'Hold it for an analyst (checkouts wait in the review queue).',
  allow: 'Let it through unless another rule blocks.',
  score: 'Add points; the total decides against the thresholds in Settings.',
};
const SIDE_ACTION_LABELS: Record<SideAction, string> = {
  blacklist: 'Add what the rule reads (IP, e-mail, card…) to the block list',
  freeze_card: 'Freeze the card (card authorizations)',
  alert: 'Raise an alert to the team',
};

/** New rule (`id` null) or edit an existing one, with backtest and version history. */
export function RuleEditor({ id, canWrite }: { id: string | null; canWrite: boolean }) {
  const rules = useLoad(() => listRiskRules(), []);
  const features = useLoad(() => listRiskFeatures(), []);
  const rule = id ? rules.data?.data.find((r) => r.id === id) ?? null : null;

  useEffect(() => { document.title = `${id ? (rule?.name ?? 'Rule') : 'New rule'} · Tollgate console`; }, [id, rule?.name]);

  if (id && !rule) {
    return (
      <section className="stack">
        <Link to="/console/risk/rules" className="back-link">← Rules</Link>
        <ErrorNotice error={rules.error} />
        {rules.loading ? <p className="muted">Loading rule…</p> : !rules.error && <Notice tone="warning">This rule does not exist (any more).</Notice>}
      </section>
    );
  }
  return <RuleForm key={rule ? `${rule.id}-${rule.version}` : 'new'} rule={rule} features={features.data?.data ?? []} canWrite={canWrite} onSaved={rules.reload} />;
}

function RuleForm({ rule, features, canWrite, onSaved }: { rule: RiskRule | null; features: RiskFeature[]; canWrite: boolean; onSaved: () => void }) {
  const [name, setName] = useState(rule?.name ?? '');
  const [description, setDescription] = useState(rule?.description ?? '');
  const [expression, setExpression] = useState(rule?.expression ?? '');
  const [events, setEvents] = useState<RiskEventKind[]>(rule?.events ?? ['checkout']);
  const [action, setAction] = useState<RuleAction>(rule?.action ?? 'review');
  const [score, setScore] = useState(String(rule?.score ?? 0));
  const [sideActions, setSideActions] = useState<SideAction[]>(rule?.sideActions ?? []);
  const [mode, setMode] = useState<RuleMode>(rule?.mode ?? (rule ? 'active' : 'shadow'));
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const { busy, error, setError, run } = useAction();
  const [saveCheck, setSaveCheck] = useState<{ expression: string; state: CheckState } | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const live = useExpressionCheck(expression);
  // A compile error from the save (422) stands until the expression changes and the live check answers.
  const check: CheckState = saveCheck && saveCheck.expression === expression && live.status !== 'ok' && live.status !== 'error' ? saveCheck.state : live;
  const id = useId();
  const ro = !canWrite;

  function toggle<T>(list: T[], v: T, on: boolean): T[] {
    return on ? [...new Set([...list, v])] : list.filter((x) => x !== v);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSaveCheck(null);
    const sc = Number(score);
    if (!name.trim()) return setError(new Error('Give the rule a name.'));
    if (!expression.trim()) return setError(new Error('Write the expression.'));
    if (events.length === 0) return setError(new Error('Pick at least one event the rule applies to.'));
    if (!Number.isInteger(sc) || sc < 0 || sc > 100) return setError(new Error('The score is a whole number from 0 to 100.'));
    const body: RuleInput = { name: name.trim(), description: description.trim(), expression, events, action, score: sc, sideActions, mode, enabled };
    await run(async () => {
      try {
        let saved: RiskRule;
        if (rule) {
          // Send only what changed: every PATCH makes a new version.
          const patch: Partial<RuleInput> = {};
          const norm = (v: unknown) => JSON.stringify(Array.isArray(v) ? [...v].sort() : v);
          (Object.keys(body) as (keyof RuleInput)[]).forEach((k) => {
            if (norm(rule[k as keyof RiskRule]) !== norm(body[k])) (patch as Record<string, unknown>)[k] = body[k];
          });
          if (Object.keys(patch).length === 0) { navigate(`/console/risk/rules?saved=${encodeURIComponent(rule.id)}`); return; }
          saved = await updateRiskRule(rule.id, patch);
        } else {
          saved = await createRiskRule(body);
        }
        onSaved();
        navigate(`/console/risk/rules?saved=${encodeURIComponent(saved.id)}&v=${saved.version}`);
      } catch (err) {
        // A compile error from the save marks the expression too.
        const ce = compileErrorFrom(err);
        if (ce) setSaveCheck({ expression, state: { status: 'error', error: ce } });
        throw err;
      }
    });
  }

  return (
    <section className="stack" aria-labelledby={`${id}-title`} data-testid="rule-editor" data-rule-id={rule?.id ?? ''}>
      <Link to="/console/risk/rules" className="back-link">← Rules</Link>
      <div className="section-head">
        <h1 id={`${id}-title`}>{rule ? rule.name : 'New rule'}</h1>
        {rule && <span className="chip chip-muted">version {rule.version}</span>}
        {rule?.builtin && <span className="chip chip-muted" title={`Built-in rule ${rule.builtin}`}>built-in</span>}
      </div>
      {ro && <Notice tone="info">You can read and backtest rules; changing them needs the risk:write permission.</Notice>}

      <div className="rule-layout">
        <div className="stack rule-main">
          <form className="card stack" onSubmit={submit} data-testid="rule-form" noValidate>
            <div className="form-grid">
              <div className="field span-2">
                <label htmlFor={`${id}-name`}>Name</label>
                <input id={`${id}-name`} value={name} maxLength={120} disabled={ro} onChange={(e) => setName(e.target.value)} data-testid="rule-name" />
              </div>
              <div className="field span-2">
                <label htmlFor={`${id}-desc`}>Description <span className="muted">(optional)</span></label>
                <input id={`${id}-desc`} value={description} maxLength={500} disabled={ro} onChange={(e) => setDescription(e.target.value)} data-testid="rule-description" />
              </div>
              <div className="field span-2">
                <label htmlFor={`${id}-expr`}>Expression</label>
                <ExpressionEditor id={`${id}-expr`} value={expression} onChange={setExpression} check={check} features={features} textareaRef={textarea} disabled={ro} />
              </div>
            </div>

            <fieldset className="fieldset" disabled={ro}>
              <legend>Applies to</legend>
              <div className="row">
                {RISK_EVENT_KINDS.map((k) => (
                  <label key={k} className="check">
                    <input type="checkbox" checked={events.includes(k)} onChange={(e) => setEvents((l) => toggle(l, k, e.target.checked))} data-testid={`rule-event-${k}`} />
                    <span>{EVENT_LABELS[k] ?? k}</span>
                  </label>
                ))}
              </div>
            </fieldset>

            <div className="form-grid">
              <div className="field">
                <label htmlFor={`${id}-action`}>When it matches</label>
                <select id={`${id}-action`} value={action} disabled={ro} onChange={(e) => setAction(e.target.value as RuleAction)} data-testid="rule-action-select">
                  {RULE_ACTIONS.map((a) => <option key={a} value={a}>{a}</option>)}
                </select>
                <span className="hint">{ACTION_HELP[action]}</span>
              </div>
              <div className="field">
                <label htmlFor={`${id}-score`}>Score (0–100)</label>
                <input id={`${id}-score`} type="number" inputMode="numeric" min={0} max={100} step={1} value={score} disabled={ro} onChange={(e) => setScore(e.target.value)} data-testid="rule-score" />
                <span className="hint">{action === 'score' ? 'Points added to the event’s score.' : action === 'allow' ? 'Not used by allow rules.' : `Counted in the total score; 0 means ${action === 'block' ? 100 : 50}.`}</span>
              </div>
            </div>

            <fieldset className="fieldset" disabled={ro}>
              <legend>Also do</legend>
              <div className="stack-tight">
                {SIDE_ACTIONS.map((a) => (
                  <label key={a} className="check">
                    <input type="checkbox" checked={sideActions.includes(a)} onChange={(e) => setSideActions((l) => toggle(l, a, e.target.checked))} data-testid={`rule-side-${a}`} />
                    <span>{SIDE_ACTION_LABELS[a]}</span>
                  </label>
                ))}
              </div>
            </fieldset>

            <fieldset className="fieldset" disabled={ro}>
              <legend>Mode</legend>
              <div className="row">
                <label className="check">
                  <input type="radio" name={`${id}-mode`} checked={mode === 'active'} onChange={() => setMode('active')} data-testid="rule-mode-active" />
                  <span>Active — acts on events</span>
                </label>
                <label className="check">
                  <input type="radio" name={`${id}-mode`} checked={mode === 'shadow'} onChange={() => setMode('shadow')} data-testid="rule-mode-shadow" />
                  <span>Shadow — only records what it would have done</span>
                </label>
              </div>
              <label className="check">
                <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} data-testid="rule-enabled" />
                <span>Enabled</span>
              </label>
            </fieldset>

            <ErrorNotice error={error} testId="rule-save-error" />
            {canWrite && (
              <div className="row">
                <button type="submit" className="btn btn-primary" disabled={busy} data-testid="rule-save">{busy ? 'Saving…' : rule ? 'Save new version' : 'Create rule'}</button>
                <Link to="/console/risk/rules" className="btn btn-ghost">Cancel</Link>
              </div>
            )}
          </form>

          <BacktestPanel expression={expression} />
          {rule && <RuleVersions rule={rule} onUse={canWrite ? (expr) => { setExpression(expr); textarea.current?.focus(); } : undefined} current={expression} />}
          {rule && canWrite && (
            <div className="card stack danger-zone">
              <h2>Delete</h2>
              <p className="small muted">A deleted rule stops acting at once; its versions and past decisions stay. To pause it instead, untick Enabled or use shadow mode.</p>
              <div className="actions">
                <ReasonAction label="Delete rule" danger askReason={false} testId="rule-delete" prompt={`Delete “${rule.name}”?`} confirmLabel="Yes, delete"
                  onConfirm={() => deleteRiskRule(rule.id)} onDone={() => { onSaved(); navigate('/console/risk/rules'); }} />
              </div>
            </div>
          )}
        </div>

        <aside className="rule-side">
          <FeatureReference features={features} disabled={ro} onPick={(f) => insertAtCursor(textarea.current, expression, f.type === 'function' ? `${f.path}(` : f.path, setExpression)} />
        </aside>
      </div>
    </section>
  );
}

function RuleVersions({ rule, current, onUse }: { rule: RiskRule; current: string; onUse?: (expression: string) => void }) {
  const { data, error, loading } = useLoad(() => listRuleVersions(rule.id), [rule.id, rule.version]);
  return (
    <div className="card stack" data-testid="rule-versions">
      <h2>Version history</h2>
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted small">Loading…</p>}
      <ol className="versions">
        {(data?.data ?? []).map((v) => (
          <li key={v.version} className="version" data-testid="rule-version" data-version={v.version}>
            <div className="row small">
              <strong>v{v.version}</strong>
              <span className="muted">{formatDateTime(v.changedAt)} · <span className="mono">{v.changedBy}</span></span>
              {v.deleted ? <span className="badge badge-danger">deleted</span> : (
                <>
                  <ActionBadge action={v.action} score={v.score} />
                  {v.mode === 'shadow' && <span className="badge badge-info">shadow</span>}
                  {!v.enabled && <span className="badge badge-muted">disabled</span>}
                </>
              )}
            </div>
            <pre className="pre expr-pre">{v.expression}</pre>
            {onUse && v.expression !== current && !v.deleted && (
              <button type="button" className="linklike small" onClick={() => onUse(v.expression)} data-testid="rule-version-use">Use this expression</button>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
