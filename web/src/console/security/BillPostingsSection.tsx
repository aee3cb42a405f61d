import { useEffect, useId, useState, type FormEvent } from 'react';
import { formatDateTime } from '../../format.ts';
import { formatMoney } from '../../format.ts';
import { Link, navigate, useSearch } from '../../router.tsx';
import { Drawer } from '../../ui/Drawer.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { BILL_POSTING_STATUSES, getBillPosting, listBillPostings, type BillPosting } from './securityApi.ts';
import '../ledger/ledger.css';

const BASE = '/console/bill-postings';
const TONE: Record<string, string> = { queued: 'warning', posted: 'success', failed: 'danger' };

function setParam(key: string, value: string) {
  const next = new URLSearchParams(window.location.search);
  if (value) next.set(key, value);
  else next.delete(key);
  const s = next.toString();
  navigate(`${BASE}${s ? `?${s}` : ''}`, { replace: true });
}

/** Bill payments owed to the internal accounting system: queued (retrying), posted, failed for good; attempts and last error. */
export function BillPostingsSection({ canOpenCustomers }: { canOpenCustomers: boolean }) {
  const search = useSearch();
  const status = search.get('status') ?? '';
  const customerId = search.get('customerId') ?? '';
  const open = search.get('p') ?? '';
  const [customerText, setCustomerText] = useState(customerId);
  const [rows, setRows] = useState<BillPosting[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const ids = { status: useId(), customer: useId() };
  useEffect(() => { document.title = 'Bill postings · Tollgate console'; }, []);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    listBillPostings({ status, customerId }, null, 50, ctrl.signal)
      .then((p) => { setRows(p.data); setCursor(p.nextCursor); })
      .catch((e) => { if (!ctrl.signal.aborted) { setRows([]); setCursor(null); setError(e); } })
      .finally(() => { if (!ctrl.signal.aborted) setLoading(false); });
    return () => ctrl.abort();
  }, [status, customerId, tick]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const p = await listBillPostings({ status, customerId }, cursor, 50);
      setRows((r) => [...r, ...p.data]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  function applyCustomer(e: FormEvent) {
    e.preventDefault();
    setParam('customerId', customerText.trim());
  }

  return (
    <section className="stack" aria-labelledby="bp-title">
      <div className="section-head">
        <h1 id="bp-title">Bill postings</h1>
        <button type="button" className="btn btn-small" onClick={() => setTick((n) => n + 1)} disabled={loading} data-testid="postings-refresh">Refresh</button>
      </div>
      <p className="muted small">A paid bill is posted to the internal accounting system by a job. While the system is down the posting stays queued and retries; it is never lost and never posted twice.</p>
      <form className="c4-filters" onSubmit={applyCustomer}>
        <div className="field">
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={status} onChange={(e) => setParam('status', e.target.value)} data-testid="postings-filter-status">
            <option value="">All</option>
            {BILL_POSTING_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.customer}>Customer id</label>
          <input id={ids.customer} value={customerText} maxLength={64} placeholder="cus_…" onChange={(e) => setCustomerText(e.target.value)} onBlur={() => customerText.trim() !== customerId && setParam('customerId', customerText.trim())} />
        </div>
      </form>
      <ErrorNotice error={error} />
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="postings-table">
            <thead><tr><th>Bill</th><th>Customer</th><th className="c4-amount">Amount</th><th>Status</th><th>Attempts</th><th>Last error</th><th>Created</th></tr></thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id} className="clickable" data-testid="posting-row" data-id={p.id} data-status={p.status}
                  onClick={(e) => { if (!(e.target as HTMLElement).closest('a,button')) setParam('p', p.id); }}>
                  <td data-label="Bill"><button type="button" className="linklike mono small" onClick={() => setParam('p', p.id)}>{p.billId}</button><div className="small muted">{p.reference}</div></td>
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
      {!loading && rows.length === 0 && !error && <p className="muted" data-testid="postings-empty">{status || customerId ? 'No postings match these filters.' : 'No bill payments posted yet.'}</p>}
      {loading && <p className="muted" aria-busy="true">Loading…</p>}
      {cursor && !loading && <button type="button" className="btn" onClick={() => void loadMore()} data-testid="postings-more">Load more</button>}
      <Drawer open={!!open} onClose={() => setParam('p', '')} title="Bill posting" testId="posting-drawer">
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
