import { useState } from 'react';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ListFooter } from '../../ui/ListFooter.tsx';
import { ErrorNotice, Notice } from '../../ui/Notice.tsx';
import { useCursorList } from '../../ui/useCursorList.ts';
import { useLoad } from '../../ui/useLoad.ts';
import { AssignmentForm } from './AssignmentForm.tsx';
import { listAssignments, listCardholders } from './cardsApi.ts';
import { fmt } from './cardsUi.tsx';

/** Spend assignments (seed 002: every card transaction tied to an order), newest first, and a form to add one. */
export function AssignmentsSection({ canWrite }: { canWrite: boolean }) {
  const [ref, setRef] = useState('');
  const [created, setCreated] = useState<{ matched: number; created: boolean } | null>(null);
  const holders = useLoad(() => listCardholders(null, 500).then((r) => r.data), []);
  const q = ref.trim();
  const list = useCursorList((cursor) => listAssignments({ ref: q || undefined }, cursor), [q]);

  return (
    <section className="stack cards-page" aria-labelledby="assignments-title">
      <div className="section-head">
        <h1 id="assignments-title">Spend assignments</h1>
        <Link to="/console/reconciliation" className="btn btn-small">Reconciliation report →</Link>
      </div>
      {canWrite && holders.data && <AssignmentForm holders={holders.data} onCreated={(r) => { setCreated(r); list.reload(); }} />}
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
      <ErrorNotice error={list.error ?? holders.error} />
      <div className="table-wrap">
        <table className="table" data-testid="assignments-table">
          <thead><tr><th>Order</th><th>Shopper</th><th>Window</th><th className="num">Items supplied</th><th className="num">Matched</th><th className="num">Slip total</th></tr></thead>
          <tbody>
            {list.rows.map((a) => (
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
      <ListFooter list={list} empty={`No spend assignments${q ? ' match' : ' yet'}.`} testId="assignments" />
    </section>
  );
}
