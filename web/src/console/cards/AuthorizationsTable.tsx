import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import type { CardAuthorization } from './cardsApi.ts';
import { OutcomeBadge, TxBadge, money } from './cardsUi.tsx';

const STAGE_LABELS: Record<string, string> = { card: 'card', controls: 'controls', rules: 'risk rules', fallback: 'fallback' };
const decisionLink = (id: string) => `/console/risk/decisions?d=${encodeURIComponent(id)}`;

/** A risk decision id, short (…last 6) with the full id on hover; a link to its drawer for staff who may read decisions. */
function DecisionRef({ id, canOpen, testId }: { id: string; canOpen: boolean; testId?: string }) {
  const short = `dec…${id.slice(-6)}`;
  return canOpen
    ? <Link to={decisionLink(id)} className="mono nowrap" title={`Open risk decision ${id}`} data-testid={testId}>{short}</Link>
    : <span className="mono nowrap" title={id}>{short}</span>;
}

/** Authorization decisions as a table: outcome, where the answer came from, why, score, fallback, and the risk decision behind it. */
export function AuthorizationsTable({ rows, showCard, canOpenDecisions, testId = 'auth-table' }: {
  rows: CardAuthorization[]; showCard: boolean; canOpenDecisions: boolean; testId?: string;
}) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th>When</th>{showCard && <th>Card</th>}<th>Merchant</th><th className="num">Amount</th><th>Outcome</th><th>Stage</th><th>Reason</th><th className="num">Score</th><th>Decision</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.id} data-testid="auth-row" data-id={a.id} data-approved={String(a.approved)} data-stage={a.stage} data-fallback={String(a.fallback)}>
              <td data-label="When" className="nowrap">{formatDateTime(a.occurredAt)}<div className="mono small muted wrap-anywhere">{a.id}</div></td>
              {showCard && (
                <td data-label="Card">
                  {a.cardId ? <Link to={`/console/cards/${encodeURIComponent(a.cardId)}`} className="masked-card">{a.card ?? a.cardId}</Link> : <span className="mono small" title="not a known card">{a.cardRef}</span>}
                  {a.cardholderName && <div className="small">{a.cardholderName}</div>}
                </td>
              )}
              <td data-label="Merchant">
                {a.merchantName ?? '—'}
                <div className="small muted">{[a.merchantMcc && `MCC ${a.merchantMcc}`, a.merchantCity, a.merchantCountry].filter(Boolean).join(' · ')}</div>
              </td>
              <td data-label="Amount" className="num">
                {money(a.amount, a.currency)}
                {a.finalAmount !== null && a.finalAmount !== a.amount && <div className="small muted" title="final amount after clearing and refunds">final {money(a.finalAmount, a.currency)}</div>}
              </td>
              <td data-label="Outcome">
                <OutcomeBadge approved={a.approved} />
                {a.approved && a.status !== 'approved' && <> <TxBadge type={a.status} /></>}
                {a.fallback && <> <span className="chip chip-tiny" data-testid="auth-fallback" title="No decision within the budget: the card program's fallback answered">fallback</span></>}
              </td>
              <td data-label="Stage">{STAGE_LABELS[a.stage] ?? a.stage}</td>
              <td data-label="Reason" className="reason-text" data-testid="auth-reason">
                {a.reason}
                {a.lateReason && <div className="small muted">later: {a.lateReason}</div>}
              </td>
              <td data-label="Score" className="num">{a.score}</td>
              <td data-label="Risk decision" className="small">
                {a.decisionId ? <DecisionRef id={a.decisionId} canOpen={canOpenDecisions} testId="auth-decision-link" /> : <span className="muted">—</span>}
                {a.lateDecisionId && <div>late: <DecisionRef id={a.lateDecisionId} canOpen={canOpenDecisions} /></div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
