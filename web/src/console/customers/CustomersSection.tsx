import { useEffect, useId, useState, type FormEvent } from 'react';
import { formatDateTime } from '../../format.ts';
import { Link, navigate, useSearch } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { searchCustomers, type CustomerRow } from './customersApi.ts';
import { CUSTOMERS_BASE, CustomerStatusBadge, customerPath } from './customersUi.tsx';

/**
 * Customer search: an exact customer id, e-mail, phone or external reference (personal data is encrypted, so
 * matching goes through blind indexes, not substrings). Without a query: the newest customers, paged.
 */
export function CustomersSection() {
  const search = useSearch();
  const q = search.get('q') ?? '';
  const [text, setText] = useState(q);
  const [rows, setRows] = useState<CustomerRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const id = useId();
  useEffect(() => { document.title = 'Customers · Tollgate console'; }, []);
  useEffect(() => { setText(q); }, [q]);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    searchCustomers(q, null, ctrl.signal)
      .then((p) => { setRows(p.data); setCursor(p.nextCursor); })
      .catch((e) => { if (!ctrl.signal.aborted) { setRows([]); setCursor(null); setError(e); } })
      .finally(() => { if (!ctrl.signal.aborted) setLoading(false); });
    return () => ctrl.abort();
  }, [q]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const p = await searchCustomers(q, cursor);
      setRows((r) => [...r, ...p.data]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const v = text.trim();
    navigate(`${CUSTOMERS_BASE}${v ? `?q=${encodeURIComponent(v)}` : ''}`, { replace: true });
  }

  return (
    <section className="stack" aria-labelledby="customers-title">
      <div className="section-head"><h1 id="customers-title">Customers</h1></div>
      <form className="row" onSubmit={submit} role="search">
        <div className="field grow">
          <label htmlFor={id}>E-mail, phone or customer id</label>
          <input id={id} type="search" value={text} maxLength={254} placeholder="ana@example.com, +62 812…, cus_…" onChange={(e) => setText(e.target.value)} data-testid="customers-q" />
        </div>
        <button type="submit" className="btn btn-primary" data-testid="customers-search">Search</button>
        {q && <button type="button" className="btn btn-ghost" onClick={() => { setText(''); navigate(CUSTOMERS_BASE, { replace: true }); }}>Show newest</button>}
      </form>
      <p className="small muted">Matches are exact (whole e-mail, whole phone number, whole id): personal data is stored encrypted.</p>

      <ErrorNotice error={error} />
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="customers-table">
            <thead><tr><th>Customer</th><th>Phone</th><th>Status</th><th>Signed up</th></tr></thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id} className="clickable" data-testid="customer-row" data-id={c.id} data-email={c.email} data-status={c.status}
                  onClick={(e) => { if (!(e.target as HTMLElement).closest('a,button')) navigate(customerPath(c.id)); }}>
                  <td data-label="Customer">
                    <Link to={customerPath(c.id)} data-testid="customer-link">{c.email}</Link>
                    <div className="mono small muted">{c.id}{c.externalRef ? ` · ${c.externalRef}` : ''}</div>
                  </td>
                  <td data-label="Phone" className="nowrap">
                    {c.phone} {c.phoneVerified ? <span className="chip chip-tiny" title="Phone verified: SMS codes work">SMS ✓</span> : <span className="chip chip-muted chip-tiny">not verified</span>}
                  </td>
                  <td data-label="Status"><CustomerStatusBadge status={c.status} testId="customer-row-status" /></td>
                  <td data-label="Signed up" className="nowrap">{formatDateTime(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!loading && rows.length === 0 && !error && <p className="muted" data-testid="customers-empty">{q ? `No customer with exactly “${q}”.` : 'No customers yet.'}</p>}
      {loading && <p className="muted" aria-busy="true">Loading…</p>}
      {cursor && !loading && <button type="button" className="btn" onClick={() => void loadMore()} data-testid="customers-more">Load more</button>}
    </section>
  );
}
