import { useEffect, useState, type FormEvent } from 'react';
import { formatDateTime, formatMoney } from '../../format.ts';
import { Link } from '../../router.tsx';
import { Drawer } from '../../ui/Drawer.tsx';
import { Field, SelectField } from '../../ui/Field.tsx';
import { ListFooter, rowClick } from '../../ui/ListFooter.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useCursorList } from '../../ui/useCursorList.ts';
import { useLoad } from '../../ui/useLoad.ts';
import { useUrlFilters } from '../../ui/useUrlFilters.ts';
import { BILL_POSTING_STATUSES, getBillPosting, listBillPostings } from './securityApi.ts';
import '../ledger/ledger.css';

const TONE: Record<string, string> = { queued: 'warning', posted: 'success', failed: 'danger' };

/** Bill payments owed to the internal accounting system: queued (retrying), posted, failed for good; attempts and last error. */
export function BillPostingsSection({ canOpenCustomers }: { canOpenCustomers: boolean }) {
  const f = useUrlFilters('/console/bill-postings', ['status', 'customerId']);
  const { status, customerId } = f.values;
  const open = f.search.get('p') ?? '';
  const [customerText, setCustomerText] = useState(customerId);
  const list = useCursorList((cursor, signal) => listBillPostings({ status, customerId }, cursor, 50, signal), [status, customerId]);
  useEffect(() => { document.title = 'Bill postings · Tollgate console'; }, []);

  function applyCustomer(e: FormEvent) {
    e.preventDefault();
    f.set('customerId', customerText.trim());
  }

  return (
    <section className="stack" aria-labelledby="bp-title">
      <div className="section-head">
        <h1 id="bp-title">Bill postings</h1>
        <button type="button" className="btn btn-small" onClick={list.reload} disabled={list.loading} data-testid="postings-refresh">Refresh</button>
      </div>
      <p className="muted small">A paid bill is posted to the internal accounting system by a job. While the system is down the posting stays queued and retries; it is never lost and never posted twice.</p>
      <form className="c4-filters" onSubmit={applyCustomer}>
        <SelectField label="Status" value={status} onChange={(v) => f.set('status', v)} options={BILL_POSTING_STATUSES} testId="postings-filter-status" />
        <Field label="Customer id">
          {(id) => <input id={id} value={customerText} maxLength={64} placeholder="cus_…" onChange={(e) => setCustomerText(e.target.value)} onBlur={() => customerText.trim() !== customerId && f.set('customerId', customerText.trim())} />}
        </Field>
      </form>
      <ErrorNotice error={list.error} />
      {list.rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="postings-table">
            <thead><tr><th>Bill</th><th>Customer</th><th className="c4-amount">Amount</th><th>Status</th><th>Attempts</th><th>Last error</th><th>Created</th></tr></thead>
            <tbody>
              {list.rows.map((p) => (
                <tr key={p.id} className="clickable" data-testid="posting-row" data-id={p.id} data-status={p.status}
                  onClick={rowClick(() => f.set('p', p.id))}>
                  <td data-label="Bill"><button type="button" className="linklike mono small" onClick={() => f.set('p', p.id)}>{p.billId}</button><div className="small muted">{p.reference}</div></td>
                  <td data-label="Customer">{canOpenCustomers ? <Link to={`/console/customers/${encodeURIComponent(p.customerId)}`} className="mono small">{p.customerId}</Link> : <span className="mono small">{p.customerId}</span>}</td>
                  <td data-label="Amount" className="c4-amount">{formatMoney(p.amount)}</td>
                  <td data-label="Status"><span className={`badge badge-${TONE[p.status] ?? 'muted'}`}>{p.status}</span></td>
                  <td data-label="Attempts">{p.attempts}</td>
                  <td data-label="Last error" className="wrap-anywhere small">{p.failureReason ?? p.lastError ?? <span className="muted">—</span>}</td>
                  <td data-label="Created" className="nowrap">{formatDateTime(p.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ListFooter list={list} empty={f.any ? 'No postings match these filters.' : 'No bill payments posted yet.'} testId="postings" />
      <Drawer open={!!open} onClose={() => f.set('p', '')} title="Bill posting" testId="posting-drawer">
        {open && <PostingDetail id={open} />}
      </Drawer>
    </section>
  );
}

function PostingDetail({ id }: { id: string }) {
  const { data: p, error, loading } = useLoad(() => getBillPosting(id), [id]);
  if (!p) return error ? <ErrorNotice error={error} /> : loading ? <p className="muted">Loading…</p> : null;
  return (
    <div className="stack">
      <dl className="kv">
        <dt>Id</dt><dd className="mono">{p.id}</dd>
        <dt>Bill</dt><dd className="mono">{p.billId}</dd>
        <dt>Reference</dt><dd className="mono">{p.reference}</dd>
        <dt>Amount</dt><dd>{formatMoney(p.amount)}</dd>
        <dt>Status</dt><dd><span className={`badge badge-${TONE[p.status] ?? 'muted'}`}>{p.status}</span></dd>
        <dt>Attempts</dt><dd>{p.attempts}</dd>
        {p.internalPaymentId && <><dt>Internal payment</dt><dd className="mono">{p.internalPaymentId}</dd></>}
        {p.postedAt && <><dt>Posted</dt><dd>{formatDateTime(p.postedAt)}</dd></>}
        {p.failedAt && <><dt>Failed</dt><dd>{formatDateTime(p.failedAt)}</dd></>}
        {p.failureReason && <><dt>Why it failed</dt><dd>{p.failureReason}</dd></>}
        {p.lastError && <><dt>Last error</dt><dd className="wrap-anywhere">{p.lastError}</dd></>}
      </dl>
      <h3 className="h3">History</h3>
      <ul className="plain-list stack-tight">
        {p.history.map((h, i) => (
          <li key={i} className="small"><strong>{h.from ? `${h.from} → ` : ''}{h.to}</strong> · {formatDateTime(h.at)} · {h.actor}{h.reason ? ` · ${h.reason}` : ''}</li>
        ))}
      </ul>
    </div>
  );
}
