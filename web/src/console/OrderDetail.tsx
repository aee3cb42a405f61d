import { useEffect } from 'react';
import {
  TERMINAL_STATUSES,
  cancelOrder,
  completeFulfilment,
  getAdminOrder,
  refundOrder,
  releaseHold,
  retryFulfilment,
  type StaffSession,
} from '../api.ts';
import { formatDateTime, formatMoney } from '../format.ts';
import { OrderItems } from '../order/OrderItems.tsx';
import { Link } from '../router.tsx';
import { ErrorNotice, Notice } from '../ui/Notice.tsx';
import { ReasonAction } from '../ui/ReasonAction.tsx';
import { StatusBadge } from '../ui/StatusBadge.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { DetailPending } from './detail.tsx';
import { can } from './session.ts';
import { Timeline } from './Timeline.tsx';

/** Mirrors the server's order transitions (orders.states.ts). */
const REFUNDABLE = ['paid', 'on_hold', 'failed'];
const CANCELLABLE = ['pending_payment', 'on_hold'];
const POLL_MS = 3000;

export function OrderDetail({ id, session }: { id: string; session: StaffSession }) {
  const { data: order, error, loading, reload } = useLoad(() => getAdminOrder(id), [id]);
  const canWrite = can(session, 'orders:write');
  const terminal = order ? TERMINAL_STATUSES.includes(order.status) : true;

  // Keep a live order fresh while it is still moving.
  useEffect(() => {
    if (terminal) return;
    const t = window.setInterval(() => void reload(), POLL_MS);
    return () => window.clearInterval(t);
  }, [terminal, reload]);

  useEffect(() => { document.title = `${id} · Tollgate console`; }, [id]);

  if (!order) return <DetailPending backTo="/console/orders" backLabel="Orders" what="order" error={error} loading={loading} />;

  const hasFailedFulfilment = order.fulfilments.some((f) => f.status === 'failed');
  // The server allows completing by hand a manual delivery that is not done yet, or any failed one.
  const manualOpen = order.fulfilments.filter((f) => (f.driver === 'manual' && f.status !== 'delivered') || f.status === 'failed');
  const lineName = (lineId: string) => order.lines.find((l) => l.id === lineId)?.name ?? lineId;
  const actions = canWrite && (REFUNDABLE.includes(order.status) || CANCELLABLE.includes(order.status) || hasFailedFulfilment || manualOpen.length > 0);

  return (
    <section className="stack" aria-labelledby="order-title" data-testid="admin-order" data-order-id={order.id}>
      <Link to="/console/orders" className="back-link">← Orders</Link>
      <div className="section-head">
        <h1 id="order-title" className="mono order-title">{order.id}</h1>
        <StatusBadge status={order.status} testId="admin-order-status" />
        <button type="button" className="btn btn-small" onClick={() => void reload()} disabled={loading} data-testid="order-refresh">Refresh</button>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      {order.status === 'on_hold' && (
        <Notice tone="warning" testId="hold-reason">
          <strong>On hold:</strong> {order.holdReason ?? 'no reason recorded'}
          {order.holdReason === 'risk_review' && can(session, 'risk:review') && (
            <Link to="/console/risk/reviews" data-testid="hold-review-link">Approve or reject it in the review queue →</Link>
          )}
        </Notice>
      )}

      {actions && (
        <div className="card stack" data-testid="order-actions">
          <h2>Actions</h2>
          <div className="actions">
            {order.status === 'on_hold' && (
              <ReasonAction label="Release hold" testId="action-release-hold" prompt="Release the hold and let fulfilment run?" onConfirm={(r) => releaseHold(order.id, r)} onDone={reload} />
            )}
            {(order.status === 'failed' || hasFailedFulfilment) && (
              <ReasonAction label="Retry fulfilment" testId="action-retry-fulfilment" askReason={false} prompt="Queue the failed deliveries again? Drivers use idempotency keys, so nothing is sent twice." onConfirm={() => retryFulfilment(order.id)} onDone={reload} />
            )}
            {manualOpen.map((f) => (
              <ReasonAction
                key={f.id}
                label={`Complete manually${manualOpen.length > 1 ? `: ${lineName(f.lineId)}` : ''}`}
                testId="action-complete-manual"
                reasonLabel="Note (what you delivered, reference)"
                prompt={`Mark "${lineName(f.lineId)}" as delivered by hand?`}
                onConfirm={(note) => completeFulfilment(order.id, f.id, note)}
                onDone={reload}
              />
            ))}
            {CANCELLABLE.includes(order.status) && (
              <ReasonAction label="Cancel order" danger testId="action-cancel" prompt="Cancel this order? The customer will not be able to pay it any more." onConfirm={(r) => cancelOrder(order.id, r)} onDone={reload} />
            )}
            {REFUNDABLE.includes(order.status) && (
              <ReasonAction label="Refund" danger testId="action-refund" prompt={`Refund ${formatMoney(order.total)} to the customer? This cannot be undone.`} onConfirm={(r) => refundOrder(order.id, r)} onDone={reload} />
            )}
          </div>
        </div>
      )}

      <div className="grid-2">
        <div className="card stack">
          <h2>Customer</h2>
          <dl className="kv">
            <dt>E-mail</dt><dd data-testid="admin-order-email">{order.email}</dd>
            {order.platformUserId && (<><dt>Platform user</dt><dd><span className="mono">{order.platformUserId}</span>{order.platformUserName && <> · {order.platformUserName}</>} <span className="muted">({order.platform})</span></dd></>)}
            <dt>IP</dt><dd className="mono">{order.ip ?? '—'}</dd>
            <dt>Created</dt><dd>{formatDateTime(order.createdAt)}</dd>
            {order.status === 'pending_payment' && (<><dt>Expires</dt><dd>{formatDateTime(order.expiresAt)}</dd></>)}
          </dl>
          {can(session, 'blacklist:write') && (
            <div className="row small">
              {order.platformUserId && <Link to={`/console/blacklist?kind=platform_user&value=${encodeURIComponent(order.platformUserId)}&ref=${encodeURIComponent(order.id)}`}>Blacklist platform user…</Link>}
              <Link to={`/console/blacklist?kind=email&value=${encodeURIComponent(order.email)}&ref=${encodeURIComponent(order.id)}`}>Blacklist e-mail…</Link>
              {order.ip && <Link to={`/console/blacklist?kind=ip&value=${encodeURIComponent(order.ip)}&ref=${encodeURIComponent(order.id)}`}>Blacklist IP…</Link>}
            </div>
          )}
        </div>
        <div className="card stack">
          <h2>Items</h2>
          <OrderItems order={order} />
        </div>
      </div>

      {order.fulfilments.length > 0 && (
        <div className="card stack">
          <h2>Deliveries</h2>
          <div className="table-wrap">
            <table className="table" data-testid="order-fulfilments">
              <thead><tr><th>Delivery</th><th>Item</th><th>Driver</th><th>Status</th><th>Details</th></tr></thead>
              <tbody>
                {order.fulfilments.map((f) => (
                  <tr key={f.id} data-testid="fulfilment-row" data-status={f.status} data-driver={f.driver}>
                    <td data-label="Delivery" className="mono">{f.id}</td>
                    <td data-label="Item">{lineName(f.lineId)}</td>
                    <td data-label="Driver">{f.driver}</td>
                    <td data-label="Status"><StatusBadge status={f.status} /></td>
                    <td data-label="Details" className="wrap-anywhere">
                      {f.error && <div className="error-text">{f.error}</div>}
                      {f.reference && f.reference !== f.id && <div className="small muted">ref {f.reference}</div>}
                      {f.delivered?.note && <div className="small">Note: {f.delivered.note}</div>}
                      {f.delivered?.codes && <div className="small">{f.delivered.codes.length} code(s) delivered</div>}
                      {f.delivered?.coins != null && <div className="small">{f.delivered.coins} coins → {f.delivered.platformUserId ?? order.platformUserId}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}

      <div className="card stack">
        <h2>Timeline</h2>
        <Timeline history={order.history} />
      </div>

      <div className="card stack">
        <h2>Payments</h2>
        {order.payments.length === 0 ? <p className="muted small">No payments.</p> : (
          <div className="table-wrap">
            <table className="table" data-testid="order-payments">
              <thead><tr><th>Payment</th><th>Status</th><th className="num">Amount</th><th className="num">Captured</th><th>Gateway ref</th><th>Created</th></tr></thead>
              <tbody>
                {order.payments.map((p) => (
                  <tr key={p.id}>
                    <td data-label="Payment"><span className="mono">{p.id}</span><div className="small muted">{p.gateway}</div></td>
                    <td data-label="Status"><StatusBadge status={p.status} />{p.failureReason && <div className="small error-text">{p.failureReason}</div>}</td>
                    <td data-label="Amount" className="num">{formatMoney(p.amount)}</td>
                    <td data-label="Captured" className="num">{p.captured ? formatMoney(p.captured) : '—'}</td>
                    <td data-label="Gateway ref" className="mono">{p.gatewayRef ?? '—'}</td>
                    <td data-label="Created" className="nowrap">{formatDateTime(p.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>

      <div className="card stack">
        <h2>Jobs</h2>
        {order.jobs.length === 0 ? <p className="muted small">No jobs.</p> : (
          <div className="table-wrap">
            <table className="table" data-testid="order-jobs">
              <thead><tr><th>Job</th><th>Kind</th><th>Status</th><th className="num">Attempts</th><th>Last error</th><th>Updated</th></tr></thead>
              <tbody>
                {order.jobs.map((j) => (
                  <tr key={j.id}>
                    <td data-label="Job" className="mono">{j.id}</td>
                    <td data-label="Kind">{j.kind}{j.queue && <div className="small muted">{j.queue}</div>}</td>
                    <td data-label="Status"><StatusBadge status={j.status} /></td>
                    <td data-label="Attempts" className="num">{j.attempts}</td>
                    <td data-label="Last error" className="wrap-anywhere">{j.lastError ? <span className="error-text">{j.lastError}</span> : <span className="muted">—</span>}</td>
                    <td data-label="Updated" className="nowrap">{formatDateTime(j.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  );
}
