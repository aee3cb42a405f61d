import { useEffect, useState } from 'react';
import { ApiError, TERMINAL_STATUSES, getOrder, type OrderView } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { Link } from '../router.tsx';
import { Notice } from '../ui/Notice.tsx';
import { StatusBadge } from '../ui/StatusBadge.tsx';
import { orderSecretKey, storageGet, storageSet } from '../util.ts';
import { OrderItems } from './OrderItems.tsx';
import { OrderProgress } from './OrderProgress.tsx';
import { EXPLANATIONS, HEADLINES, MANUAL_EXPLANATION, PUBLIC_HOLD_REASONS, PUBLIC_LABELS } from './orderStatus.ts';

const POLL_MS = 1500;
/** 'failed' is not final on the server (support can retry delivery), so keep watching it, slowly. */
const SLOW_POLL_MS = 10000;

/** `#secret=…` (from the e-mail link) wins: it is moved to localStorage and removed from the address bar. */
function takeSecret(orderId: string): string | null {
  const hash = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const fromHash = hash.get('secret');
  if (fromHash) {
    storageSet(localStorage, orderSecretKey(orderId), fromHash);
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    return fromHash;
  }
  return storageGet(localStorage, orderSecretKey(orderId));
}

type LoadProblem = { kind: 'no_secret' } | { kind: 'denied'; message: string } | null;

export function OrderPage({ id }: { id: string }) {
  const [secret, setSecret] = useState(() => takeSecret(id));
  const [order, setOrder] = useState<OrderView | null>(null);
  const [problem, setProblem] = useState<LoadProblem>(secret ? null : { kind: 'no_secret' });

  // A pasted link with a new #secret= on the same page (no reload) still counts.
  useEffect(() => {
    const onHash = () => {
      if (!window.location.hash.includes('secret=')) return;
      const s = takeSecret(id);
      if (s) {
        setProblem(null);
        setSecret(s);
      }
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [id]);
  const [connection, setConnection] = useState<'ok' | 'retrying'>('ok');

  useEffect(() => {
    document.title = `Order ${id} · Tollgate`;
  }, [id]);

  useEffect(() => {
    if (!secret) return;
    let timer = 0;
    let stopped = false;
    let failures = 0;
    const ctrl = new AbortController();
    async function tick() {
      try {
        const o = await getOrder(id, secret!, ctrl.signal);
        if (stopped) return;
        failures = 0;
        setOrder(o);
        setConnection('ok');
        if (o.status === 'failed') timer = window.setTimeout(tick, SLOW_POLL_MS);
        else if (!TERMINAL_STATUSES.includes(o.status)) timer = window.setTimeout(tick, POLL_MS);
      } catch (e) {
        if (stopped) return;
        if (e instanceof ApiError && [401, 403, 404].includes(e.status)) {
          setProblem({ kind: 'denied', message: e.message });
          return;
        }
        failures++;
        setConnection('retrying');
        timer = window.setTimeout(tick, Math.min(POLL_MS * 2 ** failures, 15000));
      }
    }
    void tick();
    return () => {
      stopped = true;
      ctrl.abort();
      window.clearTimeout(timer);
    };
  }, [id, secret]);

  return (
    <div className="page-public">
      <header className="site-header">
        <div className="wrap site-header-inner">
          <Link to="/" className="brand"><span className="brand-mark" aria-hidden="true">T</span> Tollgate</Link>
        </div>
      </header>
      <main className="wrap main narrow">
        {problem ? (
          <div className="card stack" data-testid="order-unavailable">
            <h1>We can't show this order</h1>
            <p>
              {problem.kind === 'no_secret'
                ? 'This page needs the private link we e-mailed you after checkout. Open the link from that e-mail on this device.'
                : 'The link is not valid for this order, or the order does not exist. Open the link from your order e-mail.'}
            </p>
            <p className="muted small">Order number: <code>{id}</code></p>
            <Link to="/" className="btn">Back to the store</Link>
          </div>
        ) : !order ? (
          <p className="muted" aria-busy="true" data-testid="order-loading">Loading your order…</p>
        ) : (
          <OrderDetails order={order} retrying={connection === 'retrying'} />
        )}
      </main>
    </div>
  );
}

function OrderDetails({ order, retrying }: { order: OrderView; retrying: boolean }) {
  const terminal = TERMINAL_STATUSES.includes(order.status);
  const tone = order.status === 'fulfilled' ? 'success' : ['failed'].includes(order.status) ? 'error' : order.status === 'on_hold' ? 'warning' : 'info';
  const payUrl = order.status === 'pending_payment' ? order.payment?.checkoutUrl : null;
  const waitingOnHuman = ['paid', 'fulfilling'].includes(order.status) && order.fulfilments.some((f) => f.driver === 'manual' && f.status !== 'delivered');
  const explanation = waitingOnHuman ? MANUAL_EXPLANATION : (EXPLANATIONS[order.status] ?? `Status: ${order.status}`);
  const holdNote = order.status === 'on_hold' && order.holdReason ? PUBLIC_HOLD_REASONS[order.holdReason] : undefined;
  return (
    <article className="stack" data-testid="order-view" data-order-id={order.id}>
      <div className="order-head">
        <h1 data-testid="order-headline">{HEADLINES[order.status] ?? 'Your order'}</h1>
        <StatusBadge status={order.status} label={PUBLIC_LABELS[order.status]} testId="order-status" />
      </div>
      <p className="muted small">
        Order <code data-testid="order-id">{order.id}</code> · {formatDateTime(order.createdAt)}
      </p>

      <div className="card stack">
        <OrderProgress order={order} />
        <Notice tone={tone} testId="order-explanation">
          {explanation}
          {holdNote && <span className="block small">{holdNote}</span>}
          {order.status === 'pending_payment' && order.expiresAt && (
            <span className="block small">Please pay before {formatDateTime(order.expiresAt)}.</span>
          )}
        </Notice>
        {payUrl && (
          <a className="btn btn-primary btn-block btn-large" href={payUrl} data-testid="pay-now">
            Pay now
          </a>
        )}
        {order.status === 'expired' && <Link to="/" className="btn btn-block">Start a new order</Link>}
        {!terminal && (
          <p className="muted small center" aria-live="polite">
            {retrying ? 'Connection lost — retrying…' : <><span className="spinner" aria-hidden="true" /> This page updates automatically.</>}
          </p>
        )}
      </div>

      <section className="card stack" aria-labelledby="items-title">
        <h2 id="items-title">Items</h2>
        {order.platformUserId && (
          <p className="small">
            For {order.platform} user <strong>{order.platformUserName ?? order.platformUserId}</strong>
            {order.platformUserName && <span className="muted"> ({order.platformUserId})</span>}
          </p>
        )}
        <OrderItems order={order} />
      </section>
      <p className="muted small center">Receipt sent to {order.email}</p>
    </article>
  );
}
