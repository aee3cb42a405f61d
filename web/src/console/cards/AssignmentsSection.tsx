import { useState } from 'react';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorNotice, Notice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { AssignmentForm } from './AssignmentForm.tsx';
import { listAssignments, listCardholders, type Assignment } from './cardsApi.ts';
import { fmt } from './cardsUi.tsx';

/** Spend assignments (seed 002: every card transaction tied to an order), newest first, and a form to add one. */
export function AssignmentsSection({ canWrite }: { canWrite: boolean }) {
  const [ref, setRef] = useState('');
  const [more, setMore] = useState<Assignment[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const [created, setCreated] = useState<{ matched: number; created: boolean } | null>(null);
  const holders = useLoad(() => listCardholders(null, 500).then((r) => r.data), []);
  const q = ref.trim();
  const { data, error, loading, reload } = useLoad(async () => {
    const p = await listAssignments({ ref: q || undefined });
    setMore([]);
    setCursor(p.nextCursor);
    return p.data;
  }, [q]);
  const rows = [...(data ?? []), ...more];

  async function loadMore() {
    if (!cursor) return;
    try {
      const p = await listAssignments({ ref: q || undefined }, cursor);
      setMore((m) => [...m, ...p.data]);
      setCursor(p.nextCursor);
    } catch (e) {
      setMoreError(e);
    }
  }

  return (
    <section className="stack cards-page" aria-labelledby="assignments-title">
      <div className="section-head">
        <h1 id="assignments-title">Spend assignments</h1>
        <Link to="/console/reconciliation" className="btn btn-small">Reconciliation report →</Link>
      </div>
      {canWrite && holders.data && <AssignmentForm holders={holders.data} onCreated={(r) => { setCreated(r); void reload(); }} />}
      {created && (
        <Notice tone="success" testId="assignment-created">
          {created.created ? `Assignment created; ${created.matched} card transaction${created.matched === 1 ? '' : 's'} already in its window matched.` : 'This order was already assigned with the same details: nothing changed.'}
        </Notice>
      )}
      <div className="cards-filters">
        <div className="field">
          <label htmlFor="assignments-ref">Order reference starts with</label>
          <input id="assignments-ref" type="search" value={ref} onChange={(e) => setRef(e.target.value)} data-testid="assignments-filter-ref" />
        </div>
      </div>
      <ErrorNotice error={error ?? moreError ?? holders.error} />
      {loading && !data && <p className="muted">Loading…</p>}
      <div className="table-wrap">
        <table className="table" data-testid="assignments-table">
          <thead><tr><th>Order</th><th>Shopper</th><th>Window</th><th className="num">Items supplied</th><th className="num">Matched</th><th className="num">Slip total</th></tr></thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id} data-testid="assignment-row" data-ref={a.externalOrderRef} data-transactions={a.transactions}>
                <td data-label="Order"><strong className="wrap-anywhere">{a.externalOrderRef}</strong><div className="mono small muted">{a.id}</div></td>
                <td data-label="Shopper">{a.cardholderName ?? <span className="mono small">{a.cardholderId}</span>}</td>
                <td data-label="Window" className="small">{formatDateTime(a.windowStart)} –<br />{formatDateTime(a.windowEnd)}</td>
                <td data-label="Items supplied" className="num">{fmt(a.expectedSuppliedValue)}</td>
                <td data-label="Matched" className="num">{a.transactions}{a.declined > 0 && <div className="small muted">{a.declined} declined</div>}</td>
                <td data-label="Slip total" className="num">{fmt(a.slipTotal)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && rows.length === 0 && <p className="muted" data-testid="assignments-empty">No spend assignments{q ? ' match' : ' yet'}.</p>}
      {cursor && <button type="button" className="btn" onClick={() => void loadMore()} data-testid="assignments-more">Load more</button>}
    </section>
  );
}
