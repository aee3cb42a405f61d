import { useEffect, useState } from 'react';
import { approveReview, listReviews, rejectReview, type ReviewItem } from '../../api.ts';
import { formatDateTime, formatMoney, formatRelative } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorNotice, Notice } from '../../ui/Notice.tsx';
import { ReasonAction } from '../../ui/ReasonAction.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { DecisionBadge, ReasonList, ScoreMeter } from './riskUi.tsx';

const POLL_MS = 15000;

/** Held checkouts: the payment is authorized, not captured, until an analyst approves or rejects. */
export function ReviewQueue({ canOpenOrders }: { canOpenOrders: boolean }) {
  const { data, error, loading, reload } = useLoad(() => listReviews(), []);
  const [done, setDone] = useState<string | null>(null);

  useEffect(() => {
    const t = window.setInterval(() => void reload(), POLL_MS);
    return () => window.clearInterval(t);
  }, [reload]);

  const items = data?.data ?? [];
  return (
    <section className="stack" aria-labelledby="reviews-title">
      <div className="section-head">
        <h1 id="reviews-title">Review queue</h1>
        {data && <span className="chip" data-testid="reviews-count">{items.length} waiting</span>}
        <button type="button" className="btn btn-small" onClick={() => void reload()} disabled={loading} data-testid="reviews-refresh">Refresh</button>
      </div>
      <p className="muted small">Orders the risk engine held before delivery. Approving delivers the order, capturing the card first when it is only authorized. Rejecting stops it — an authorization is voided, money already taken is refunded — and labels the decision fraud. Authorizations nobody reviews are voided when they run out.</p>
      {done && <Notice tone="success" testId="review-done">{done}</Notice>}
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && items.length === 0 && <p className="muted" data-testid="reviews-empty">Nothing waiting for review.</p>}
      <ul className="admin-list">
        {items.map((it) => (
          <ReviewCard key={it.orderId} item={it} canOpenOrders={canOpenOrders} onDone={(msg) => { setDone(msg); void reload(); }} />
        ))}
      </ul>
    </section>
  );
}

function ReviewCard({ item: it, canOpenOrders, onDone }: { item: ReviewItem; canOpenOrders: boolean; onDone: (msg: string) => void }) {
  const card = it.payment?.card;
  const approved = !!it.approvedAt;
  const authorizedOnly = it.payment?.status === 'authorized';
  return (
    <li className="card review" data-testid="review-item" data-order-id={it.orderId}>
      <div className="review-head">
        <div className="review-amount" data-testid="review-amount">{formatMoney(it.total)}</div>
        <div className="review-who">
          {canOpenOrders
            ? <Link to={`/console/orders/${encodeURIComponent(it.orderId)}`} className="mono" data-testid="review-order-link">{it.orderId}</Link>
            : <span className="mono">{it.orderId}</span>}
          <div className="small wrap-anywhere">{it.email}</div>
        </div>
        {it.decision && (
          <div className="review-score">
            <DecisionBadge decision={it.decision.decision} />
            <span className="small muted">score</span> <ScoreMeter score={it.decision.score} />
          </div>
        )}
      </div>
      <dl className="kv small">
        <dt>Card</dt>
        <dd className="mono" data-testid="review-card">{card ? `${card.bin ?? '••••••'}…${card.last4 ?? '••••'}` : '—'}</dd>
        <dt>Payment</dt>
        <dd>{it.payment ? <><StatusBadge status={it.payment.status} /> {it.payment.authorizedAt && <span className="muted" title={formatDateTime(it.payment.authorizedAt)}>{formatRelative(it.payment.authorizedAt)}</span>}</> : '—'}</dd>
        <dt>Held</dt>
        <dd title={formatDateTime(it.heldAt)}>{formatRelative(it.heldAt)}</dd>
      </dl>
      {it.holdReason ? (
        <p className="small hold-why" data-testid="review-why">{it.holdReason}</p>
      ) : it.decision?.decision === 'allow' && (
        <p className="small hold-why" data-testid="review-why">The rules allowed it; it is held for its amount (above the auto-capture limit in Risk settings).</p>
      )}
      {it.decision ? (it.decision.reasons.length > 0 && <ReasonList reasons={it.decision.reasons} />) : <p className="small muted">No risk decision recorded for this order.</p>}
      {approved ? (
        <Notice tone="info" testId="review-approved">Approved {formatRelative(it.approvedAt)} — {authorizedOnly ? 'capturing the payment…' : 'delivering…'}</Notice>
      ) : (
        <div className="actions">
          <ReasonAction label="Approve" testId="review-approve"
            prompt={authorizedOnly ? `Capture ${formatMoney(it.total)} and deliver the order?` : 'Deliver the order? The payment is already captured.'}
            confirmLabel={authorizedOnly ? 'Approve and capture' : 'Approve and deliver'}
            onConfirm={(reason) => approveReview(it.orderId, reason)}
            onDone={() => onDone(`Approved ${it.orderId}: ${authorizedOnly ? 'the payment is being captured and the order delivered' : 'the order is being delivered'}.`)} />
          <RejectAction item={it} onDone={onDone} />
        </div>
      )}
    </li>
  );
}

function RejectAction({ item: it, onDone }: { item: ReviewItem; onDone: (msg: string) => void }) {
  const [blacklist, setBlacklist] = useState(false);
  const captured = it.payment?.status === 'captured';
  return (
    <ReasonAction label="Reject" danger testId="review-reject" confirmLabel="Reject order"
      prompt={captured ? `Reject: refund ${formatMoney(it.total)}, stop the order and label it fraud?` : 'Reject: void the authorization, cancel the order and label it fraud?'}
      onConfirm={(reason) => rejectReview(it.orderId, reason, blacklist)}
      onDone={() => onDone(`Rejected ${it.orderId}: ${captured ? 'the payment is being refunded' : 'the authorization is voided and the order cancelled'}${blacklist ? '; the e-mail and card are blocked' : ''}.`)}>
      <label className="check">
        <input type="checkbox" checked={blacklist} onChange={(e) => setBlacklist(e.target.checked)} data-testid="review-reject-blacklist" />
        <span>Also block the e-mail and card{it.email ? <> (<span className="wrap-anywhere">{it.email}</span>{it.payment?.card?.last4 ? `, …${it.payment.card.last4}` : ''})</> : ''}</span>
      </label>
      {blacklist && <p className="hint">The buyer’s IP is blocked too, unless it is a private (proxy or local) address. Entries appear in Risk lists.</p>}
    </ReasonAction>
  );
}
