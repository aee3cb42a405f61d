import { useEffect, useId, useState } from 'react';
import { listOrders, type AdminOrderRow } from '../api.ts';
import { formatDateTime, formatMoney } from '../format.ts';
import { Link, navigate, useSearch } from '../router.tsx';
import { ErrorNotice } from '../ui/Notice.tsx';
import { StatusBadge } from '../ui/StatusBadge.tsx';

export const ORDER_STATUSES = ['pending_payment', 'paid', 'on_hold', 'fulfilling', 'fulfilled', 'failed', 'refunded', 'expired', 'cancelled'];

/** Local date (yyyy-mm-dd) to an ISO instant at local midnight; `nextDay` gives the exclusive upper bound. */
function dayToIso(day: string, nextDay = false): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (nextDay) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

export function OrdersSection() {
  const search = useSearch();
  const status = search.get('status') ?? '';
  const q = search.get('q') ?? '';
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  const [qText, setQText] = useState(q);
  const [rows, setRows] = useState<AdminOrderRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [reloadTick, setReloadTick] = useState(0);
  const ids = { status: useId(), q: useId(), from: useId(), to: useId() };
  const filters = { status, q, from: dayToIso(from), to: dayToIso(to, true) };

  function setFilter(key: string, value: string) {
    const next = new URLSearchParams(window.location.search);
    if (value) next.set(key, value);
    else next.delete(key);
    const s = next.toString();
    navigate(`/console/orders${s ? `?${s}` : ''}`, { replace: true });
  }

  // Debounce the search box into the URL.
  useEffect(() => {
    if (qText.trim() === q) return;
    const t = window.setTimeout(() => setFilter('q', qText.trim()), 300);
    return () => window.clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [qText]);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    listOrders(filters, null, ctrl.signal)
      .then((page) => { setRows(page.data); setCursor(page.nextCursor); })
      .catch((e) => { if (!ctrl.signal.aborted) setError(e); })
      .finally(() => { if (!ctrl.signal.aborted) setLoading(false); });
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, q, from, to, reloadTick]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await listOrders(filters, cursor);
      setRows((r) => [...r, ...page.data]);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  return (
    <section className="stack" aria-labelledby="orders-title">
      <div className="section-head">
        <h1 id="orders-title">Orders</h1>
        <button type="button" className="btn btn-small" onClick={() => setReloadTick((n) => n + 1)} data-testid="orders-refresh">Refresh</button>
      </div>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); setFilter('q', qText.trim()); }} data-testid="orders-filters">
        <div className="field">
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={status} onChange={(e) => setFilter('status', e.target.value)} data-testid="orders-status-filter">
            <option value="">All</option>
            {ORDER_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        <div className="field grow">
          <label htmlFor={ids.q}>Search</label>
          <input id={ids.q} type="search" placeholder="Exact order id, e-mail or platform user id" value={qText} onChange={(e) => setQText(e.target.value)} data-testid="orders-search" />
        </div>
        <div className="field">
          <label htmlFor={ids.from}>From</label>
          <input id={ids.from} type="date" value={from} max={to || undefined} onChange={(e) => setFilter('from', e.target.value)} data-testid="orders-from" />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>To</label>
          <input id={ids.to} type="date" value={to} min={from || undefined} onChange={(e) => setFilter('to', e.target.value)} data-testid="orders-to" />
        </div>
      </form>
      <ErrorNotice error={error} />
      <div className="table-wrap">
        <table className="table" data-testid="orders-table">
          <thead>
            <tr><th>Order</th><th>Status</th><th>E-mail</th><th>Platform user</th><th className="num">Total</th><th>Created</th></tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr key={o.id} className="clickable" data-testid="order-row" data-order-id={o.id} onClick={(e) => {
                if ((e.target as HTMLElement).closest('a,button')) return;
                navigate(`/console/orders/${encodeURIComponent(o.id)}`);
              }}>
                <td data-label="Order"><Link to={`/console/orders/${encodeURIComponent(o.id)}`} className="mono">{o.id}</Link></td>
                <td data-label="Status">
                  <StatusBadge status={o.status} />
                  {o.holdReason && <div className="small muted">{o.holdReason}</div>}
                </td>
                <td data-label="E-mail" className="truncate">{o.email}</td>
                <td data-label="Platform user" className="mono">{o.platformUserId ?? '—'}</td>
                <td data-label="Total" className="num">{formatMoney(o.total)}</td>
                <td data-label="Created">{formatDateTime(o.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!loading && rows.length === 0 && !error && <p className="muted" data-testid="orders-empty">No orders match these filters.</p>}
      {loading && <p className="muted" aria-busy="true">Loading…</p>}
      {cursor && !loading && (
        <button type="button" className="btn" onClick={() => void loadMore()} data-testid="orders-load-more">Load more</button>
      )}
    </section>
  );
}
