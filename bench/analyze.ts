import { summary } from './lib/stats.ts';

export type Query = <T = any>(sql: string, params?: unknown[]) => Promise<T[]>;

/**
 * Server-side timings from the database after a run (timestamps are the `now()` of the writing
 * transaction, so each is the start of that transaction).
 *  - webhook → fulfilled: webhook_inbox.received_at → order_history(to 'fulfilled').at
 *    split into received → paid (queue wait + processing of payments.process_event) and paid → fulfilled
 *    (fulfilment.deliver job wait + run).
 *  - end-to-end throughput: fulfilled bench orders / (last fulfilled − first order created).
 */
export async function analyzeOrders(q: Query, runId: string) {
  const skuLike = `bench-${runId}-%`;
  const statuses = await q<{ status: string; n: number }>(
    `SELECT o.status, count(*)::int AS n FROM orders o WHERE EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.sku LIKE $1) GROUP BY o.status`, [skuLike]);
  const rows = await q<{ to_paid: number; to_fulfilled: number }>(
    `SELECT EXTRACT(EPOCH FROM (hp.at - i.received_at))::float8 * 1000 AS to_paid,
            EXTRACT(EPOCH FROM (hf.at - i.received_at))::float8 * 1000 AS to_fulfilled
       FROM webhook_inbox i
       JOIN payments p ON p.id = i.payload->>'paymentId'
       JOIN order_history hp ON hp.order_id = p.order_id AND hp.to_status = 'paid'
       JOIN order_history hf ON hf.order_id = p.order_id AND hf.to_status = 'fulfilled'
      WHERE i.provider = 'sandbox' AND i.event_id LIKE $1`, [`evt_b1_${runId}_%`]);
  const [span] = await q<{ n: number; span_ms: number; create_span_ms: number; last_received_ms: number; last_paid_ms: number }>(
    `SELECT count(*)::int AS n,
            EXTRACT(EPOCH FROM ((SELECT max(received_at) FROM webhook_inbox WHERE event_id LIKE $2) - min(o.created_at)))::float8 * 1000 AS last_received_ms,
            EXTRACT(EPOCH FROM ((SELECT max(h.at) FROM order_history h JOIN orders o2 ON o2.id = h.order_id WHERE h.to_status = 'paid' AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o2.id AND l.sku LIKE $1)) - min(o.created_at)))::float8 * 1000 AS last_paid_ms,
            EXTRACT(EPOCH FROM (max(hf.at) - min(o.created_at)))::float8 * 1000 AS span_ms,
            EXTRACT(EPOCH FROM (max(o.created_at) - min(o.created_at)))::float8 * 1000 AS create_span_ms
       FROM orders o JOIN order_history hf ON hf.order_id = o.id AND hf.to_status = 'fulfilled'
      WHERE EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.sku LIKE $1)`, [skuLike, `evt_b1_${runId}_%`]);
  const jobs = await q<{ kind: string; status: string; n: number; attempts: number }>(
    `SELECT kind, status, count(*)::int AS n, sum(attempts)::int AS attempts FROM jobs GROUP BY kind, status ORDER BY kind, status`);
  return {
    statuses: Object.fromEntries(statuses.map((r) => [r.status, r.n])),
    fulfilled: span?.n ?? 0,
    spanMs: span?.span_ms ?? NaN,
    createSpanMs: span?.create_span_ms ?? NaN,
    lastReceivedMs: span?.last_received_ms ?? NaN,
    lastPaidMs: span?.last_paid_ms ?? NaN,
    toPaid: summary(rows.map((r) => r.to_paid)),
    toFulfilled: summary(rows.map((r) => r.to_fulfilled)),
    paidToFulfilled: summary(rows.map((r) => r.to_fulfilled - r.to_paid)),
    jobs,
  };
}

export async function analyzeWebhooks(q: Query, runId: string) {
  const rows = await q<{ wait_ms: number | null }>(
    `SELECT EXTRACT(EPOCH FROM (processed_at - received_at))::float8 * 1000 AS wait_ms FROM webhook_inbox WHERE provider = 'sandbox' AND event_id LIKE $1`,
    [`evt_b2_${runId}_%`]);
  const [span] = await q<{ n: number; processed: number; span_ms: number; recv_span_ms: number }>(
    `SELECT count(*)::int AS n, count(processed_at)::int AS processed,
            EXTRACT(EPOCH FROM (max(processed_at) - min(received_at)))::float8 * 1000 AS span_ms,
            EXTRACT(EPOCH FROM (max(received_at) - min(received_at)))::float8 * 1000 AS recv_span_ms
       FROM webhook_inbox WHERE provider = 'sandbox' AND event_id LIKE $1`, [`evt_b2_${runId}_%`]);
  const outcomes = await q<{ outcome: string | null; n: number }>(
    `SELECT outcome, count(*)::int AS n FROM webhook_inbox WHERE provider = 'sandbox' AND event_id LIKE $1 GROUP BY outcome`, [`evt_b2_${runId}_%`]);
  return {
    stored: span?.n ?? 0, processed: span?.processed ?? 0, spanMs: span?.span_ms ?? NaN, receiveSpanMs: span?.recv_span_ms ?? NaN,
    receivedToProcessed: summary(rows.filter((r) => r.wait_ms !== null).map((r) => r.wait_ms!)),
    outcomes: Object.fromEntries(outcomes.map((r) => [r.outcome ?? 'unprocessed', r.n])),
  };
}
