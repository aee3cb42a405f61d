import { listOrders } from '../api.ts';
import { formatDateTime, formatMoney } from '../format.ts';
import { Link, navigate } from '../router.tsx';
import { dayToIso } from '../ui/dates.ts';
import { DateRangeFields, Field, SelectField } from '../ui/Field.tsx';
import { ListFooter, rowClick } from '../ui/ListFooter.tsx';
import { ErrorNotice } from '../ui/Notice.tsx';
import { StatusBadge } from '../ui/StatusBadge.tsx';
import { useCursorList } from '../ui/useCursorList.ts';
import { useDebouncedInput, useUrlFilters } from '../ui/useUrlFilters.ts';

export const ORDER_STATUSES = ['pending_payment', 'paid', 'on_hold', 'fulfilling', 'fulfilled', 'failed', 'refunded', 'expired', 'cancelled'];

export function OrdersSection() {
  const f = useUrlFilters('/console/orders', ['status', 'q', 'from', 'to']);
  const { status, q, from, to } = f.values;
  // Debounce the search box into the URL.
  const [qText, setQText] = useDebouncedInput(q, (v) => f.set('q', v));
  const filters = { status, q, from: dayToIso(from), to: dayToIso(to, true) };
  const list = useCursorList((cursor, signal) => listOrders(filters, cursor, signal), [status, q, from, to]);

  return (
    <section className="stack" aria-labelledby="orders-title">
      <div className="section-head">
        <h1 id="orders-title">Orders</h1>
        <button type="button" className="btn btn-small" onClick={list.reload} data-testid="orders-refresh">Refresh</button>
      </div>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); f.set('q', qText.trim()); }} data-testid="orders-filters">
        <SelectField label="Status" value={status} onChange={(v) => f.set('status', v)} options={ORDER_STATUSES} testId="orders-status-filter" />
        <Field label="Search" className="grow">
          {(id) => <input id={id} type="search" placeholder="Exact order id, e-mail or platform user id" value={qText} onChange={(e) => setQText(e.target.value)} data-testid="orders-search" />}
        </Field>
        <DateRangeFields from={from} to={to} onChange={f.set} testId="orders" />
      </form>
      <ErrorNotice error={list.error} />
      <div className="table-wrap">
        <table className="table" data-testid="orders-table">
          <thead>
            <tr><th>Order</th><th>Status</th><th>E-mail</th><th>Platform user</th><th className="num">Total</th><th>Created</th></tr>
          </thead>
          <tbody>
            {list.rows.map((o) => (
              <tr key={o.id} className="clickable" data-testid="order-row" data-order-id={o.id} onClick={rowClick(() => navigate(`/console/orders/${encodeURIComponent(o.id)}`))}>
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
      <ListFooter list={list} empty="No orders match these filters." emptyTestId="orders-empty" moreTestId="orders-load-more" />
    </section>
  );
}
