import { useId, useState } from 'react';
import { getRiskDecision, labelRiskDecision, type RiskDecision, type RiskLabel } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { Drawer } from '../../ui/Drawer.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useAction } from '../../ui/useAction.ts';
import { useLoad } from '../../ui/useLoad.ts';
import { ActionBadge, DecisionBadge, EVENT_LABELS, LabelBadge, ReasonList, ScoreMeter, formatFeature } from './riskUi.tsx';

export function DecisionDrawer({ id, canLabel, canOpenOrders, onClose, onLabelled }: {
  id: string | null;
  canLabel: boolean;
  canOpenOrders: boolean;
  onClose: () => void;
  onLabelled: (d: RiskDecision) => void;
}) {
  return (
    <Drawer open={!!id} onClose={onClose} title={<>Decision <span className="mono small">{id}</span></>} testId="decision-drawer">
      {id && <DecisionDetail key={id} id={id} canLabel={canLabel} canOpenOrders={canOpenOrders} onLabelled={onLabelled} />}
    </Drawer>
  );
}

function DecisionDetail({ id, canLabel, canOpenOrders, onLabelled }: { id: string; canLabel: boolean; canOpenOrders: boolean; onLabelled: (d: RiskDecision) => void }) {
  const { data: d, error, loading, setData } = useLoad(() => getRiskDecision(id), [id]);
  const [filter, setFilter] = useState('');
  const filterId = useId();

  if (!d) return error ? <ErrorNotice error={error} /> : loading ? <p className="muted">Loading…</p> : null;

  const judged = d.reasons.filter((r) => r.effect !== 'skipped');
  const skipped = d.reasons.filter((r) => r.effect === 'skipped');
  const shadow = Array.isArray(d.shadow) ? d.shadow : [];
  const f = filter.trim().toLowerCase();
  const features = Object.entries(d.features)
    .filter(([k, v]) => !f || k.toLowerCase().includes(f) || formatFeature(v).toLowerCase().includes(f))
    .sort(([a], [b]) => a.localeCompare(b));

  return (
    <div className="stack" data-testid="decision-detail" data-decision-id={d.id}>
      <div className="decision-summary">
        <DecisionBadge decision={d.decision} testId="detail-decision" />
        <span className="small muted">score</span> <ScoreMeter score={d.score} />
        {d.label && <LabelBadge label={d.label} />}
      </div>
      <dl className="kv small">
        <dt>When</dt><dd>{formatDateTime(d.createdAt)}</dd>
        <dt>Event</dt><dd>{EVENT_LABELS[d.kind] ?? d.kind}</dd>
        <dt>Subject</dt>
        <dd className="mono">{d.subjectId?.startsWith('ord_') && canOpenOrders ? <Link to={`/console/orders/${encodeURIComponent(d.subjectId)}`}>{d.subjectId}</Link> : (d.subjectId ?? '—')}</dd>
        <dt>Ruleset</dt><dd>v{d.rulesetVersion}</dd>
        {d.actions.length > 0 && (<><dt>Side actions</dt><dd>{d.actions.map((a) => `${a.type.replace(/_/g, ' ')} (${a.rule})`).join(', ')}</dd></>)}
        {d.label && (<><dt>Labelled</dt><dd>{d.label} by <span className="mono">{d.labelledBy}</span> {formatDateTime(d.labelledAt)}{d.labelReason && <div className="muted">{d.labelReason}</div>}</dd></>)}
      </dl>

      {canLabel && <LabelForm decision={d} onLabelled={(nd) => { setData(nd); onLabelled(nd); }} />}

      <div className="stack-tight">
        <h3 className="h3">Reasons</h3>
        <ReasonList reasons={judged} />
      </div>

      <div className="stack-tight" data-testid="shadow-hits">
        <h3 className="h3">Shadow rules matched</h3>
        {shadow.length === 0 ? <p className="muted small">None.</p> : (
          <ul className="reasons">
            {shadow.map((s, i) => (
              <li key={`${s.rule}-${i}`} data-testid="shadow-hit" data-rule={s.rule}>
                <ActionBadge action={s.action} score={s.score} /> <strong className="reason-rule">{s.rule}</strong>
                <div className="small muted">would have {wouldHave(s.action, s.score)}</div>
              </li>
            ))}
          </ul>
        )}
      </div>

      {skipped.length > 0 && (
        <details className="stack-tight">
          <summary className="small"><strong>Not judged</strong> <span className="muted">({skipped.length}: a feature they read was missing)</span></summary>
          <ReasonList reasons={skipped} />
        </details>
      )}

      <div className="stack-tight">
        <h3 className="h3">Features</h3>
        <label htmlFor={filterId} className="sr-only">Filter features</label>
        <input id={filterId} type="search" placeholder="Filter features" value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="detail-features-filter" />
        <table className="features-table" data-testid="detail-features">
          <tbody>
            {features.map(([k, v]) => (
              <tr key={k} data-feature={k}>
                <th scope="row" className="mono">{k}</th>
                <td className="mono wrap-anywhere">{formatFeature(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {features.length === 0 && <p className="muted small">No feature matches.</p>}
      </div>
    </div>
  );
}

function wouldHave(action: string, score: number): string {
  if (action === 'block') return `blocked it (score +${score})`;
  if (action === 'review') return `sent it to review (score +${score})`;
  if (action === 'allow') return 'allowed it';
  return `added ${score} to the score`;
}

function LabelForm({ decision: d, onLabelled }: { decision: RiskDecision; onLabelled: (d: RiskDecision) => void }) {
  const [reason, setReason] = useState('');
  const { busy, pending, error, run } = useAction();
  const id = useId();

  function set(label: RiskLabel | null) {
    return run(async () => {
      await labelRiskDecision(d.id, label, reason.trim() || undefined);
      onLabelled(await getRiskDecision(d.id).catch(() => ({ ...d, label, labelReason: label ? reason.trim() || null : null })));
      setReason('');
    }, label ?? 'clear');
  }

  return (
    <div className="label-box stack-tight" data-testid="label-form">
      <div className="field">
        <label htmlFor={id}>Label this decision <span className="muted">(reason optional)</span></label>
        <input id={id} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} placeholder="e.g. chargeback received" data-testid="label-reason" />
      </div>
      <div className="row">
        <button type="button" className={`btn btn-small ${d.label === 'fraud' ? 'btn-danger' : 'btn-danger-outline'}`} aria-pressed={d.label === 'fraud'} disabled={busy} onClick={() => void set('fraud')} data-testid="label-fraud">
          {pending === 'fraud' ? 'Saving…' : 'Fraud'}
        </button>
        <button type="button" className={`btn btn-small ${d.label === 'legit' ? 'btn-success' : ''}`} aria-pressed={d.label === 'legit'} disabled={busy} onClick={() => void set('legit')} data-testid="label-legit">
          {pending === 'legit' ? 'Saving…' : 'Legit'}
        </button>
        {d.label && <button type="button" className="btn btn-small btn-ghost" disabled={busy} onClick={() => void set(null)} data-testid="label-clear">Clear label</button>}
      </div>
      <ErrorNotice error={error} />
    </div>
  );
}
