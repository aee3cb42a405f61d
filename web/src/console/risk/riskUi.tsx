import type { RiskListKind, RiskReason } from '../../api.ts';

export const LIST_KIND_LABELS: Record<RiskListKind, string> = {
  ip: 'IP address',
  email: 'E-mail',
  email_domain: 'E-mail domain',
  bin: 'Card BIN',
  card_fingerprint: 'Card fingerprint',
  device: 'Device id',
  platform_user: 'Platform user id',
  asn: 'ASN (network)',
  country: 'Country (ISO-2)',
  phone: 'Phone',
  customer: 'Customer id',
};

export const EVENT_LABELS: Record<string, string> = {
  checkout: 'Checkout',
  card_authorization: 'Card authorization',
  transfer: 'Transfer',
  login: 'Login',
  signup: 'Sign-up',
};

const DECISION_TONE: Record<string, string> = { allow: 'success', review: 'warning', block: 'danger' };

export function DecisionBadge({ decision, testId }: { decision: string; testId?: string }) {
  return <span className={`badge badge-${DECISION_TONE[decision] ?? 'muted'}`} data-testid={testId} data-decision={decision}>{decision}</span>;
}

/** The effect of one reason: block / review / allow / "score +N" / snoozed / skipped. */
export function EffectBadge({ effect }: { effect: string }) {
  const tone = DECISION_TONE[effect] ?? (effect.startsWith('score') ? 'info' : 'muted');
  const label = effect === 'skipped' ? 'not judged' : effect;
  return <span className={`badge badge-${tone}`} data-effect={effect}>{label}</span>;
}

export function ActionBadge({ action, score }: { action: string; score?: number }) {
  const tone = DECISION_TONE[action] ?? 'info';
  return <span className={`badge badge-${tone}`} data-testid="rule-action" data-action={action}>{action === 'score' ? `score +${score ?? 0}` : action}</span>;
}

export function LabelBadge({ label }: { label: string | null }) {
  if (!label) return <span className="muted small">—</span>;
  return <span className={`badge ${label === 'fraud' ? 'badge-danger' : 'badge-success'}`} data-testid="decision-label" data-label={label}>{label}</span>;
}

/** Reasons as a compact list: effect badge, rule, message. `skipped` reasons are shown muted (not judged). */
export function ReasonList({ reasons, compact = false }: { reasons: RiskReason[]; compact?: boolean }) {
  if (reasons.length === 0) return <p className="muted small">No rule fired.</p>;
  return (
    <ul className={`reasons ${compact ? 'reasons-compact' : ''}`} data-testid="reasons">
      {reasons.map((r, i) => (
        <li key={`${r.rule}-${i}`} className={r.effect === 'skipped' ? 'reason-skipped' : ''} data-testid="reason" data-rule={r.rule} data-effect={r.effect}>
          <EffectBadge effect={r.effect} /> <strong className="reason-rule">{r.rule}</strong>
          {!compact && <div className="small muted wrap-anywhere">{r.message}</div>}
        </li>
      ))}
    </ul>
  );
}

/** A score 0–100 as a number with a small meter coloured by the thresholds. */
export function ScoreMeter({ score, review = 50, block = 80 }: { score: number; review?: number; block?: number }) {
  const tone = score >= block ? 'danger' : score >= review ? 'warning' : 'ok';
  return (
    <span className={`score score-${tone}`} data-testid="score" data-score={score} title={`Score ${score}`}>
      <span className="score-num">{score}</span>
      <span className="score-bar" aria-hidden="true"><span style={{ width: `${Math.min(100, Math.max(0, score))}%` }} /></span>
    </span>
  );
}

export function formatFeature(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
