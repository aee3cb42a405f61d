import { useEffect, useState, type FormEvent } from 'react';
import { formatDateTime } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { Field } from '../../ui/Field.tsx';
import { ListFooter, rowClick } from '../../ui/ListFooter.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useCursorList } from '../../ui/useCursorList.ts';
import { useUrlFilters } from '../../ui/useUrlFilters.ts';
import { searchCustomers } from './customersApi.ts';
import { CUSTOMERS_BASE, CustomerStatusBadge, customerPath } from './customersUi.tsx';

/**
 * Customer search: an exact customer id, e-mail, phone or external reference (personal data is encrypted, so
 * matching goes through blind indexes, not substrings). Without a query: the newest customers, paged.
 */
export function CustomersSection() {
  const f = useUrlFilters(CUSTOMERS_BASE, ['q']);
  const { q } = f.values;
  const [text, setText] = useState(q);
  const list = useCursorList((cursor, signal) => searchCustomers(q, cursor, signal), [q]);
  useEffect(() => { document.title = 'Customers · Tollgate console'; }, []);
  useEffect(() => { setText(q); }, [q]);

  function submit(e: FormEvent) {
    e.preventDefault();
    f.set('q', text.trim());
  }

  return (
    <section className="stack" aria-labelledby="customers-title">
      <div className="section-head"><h1 id="customers-title">Customers</h1></div>
      <form className="row" onSubmit={submit} role="search">
        <Field label="E-mail, phone or customer id" className="grow">
          {(id) => <input id={id} type="search" value={text} maxLength={254} placeholder="ana@example.com, +62 812…, cus_…" onChange={(e) => setText(e.target.value)} data-testid="customers-q" />}
        </Field>
        <button type="submit" className="btn btn-primary" data-testid="customers-search">Search</button>
        {q && <button type="button" className="btn btn-ghost" onClick={() => { setText(''); f.clear(); }}>Show newest</button>}
      </form>
      <p className="small muted">Matches are exact (whole e-mail, whole phone number, whole id): personal data is stored encrypted.</p>

      <ErrorNotice error={list.error} />
      {list.rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="customers-table">
            <thead><tr><th>Customer</th><th>Phone</th><th>Status</th><th>Signed up</th></tr></thead>
            <tbody>
              {list.rows.map((c) => (
                <tr key={c.id} className="clickable" data-testid="customer-row" data-id={c.id} data-email={c.email} data-status={c.status}
                  onClick={rowClick(() => navigate(customerPath(c.id)))}>
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
      <ListFooter list={list} empty={q ? `No customer with exactly “${q}”.` : 'No customers yet.'} testId="customers" />
    </section>
  );
}
