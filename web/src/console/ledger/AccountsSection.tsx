import { useEffect, useState, type FormEvent } from 'react';
import { Link, navigate } from '../../router.tsx';
import { Field, SelectField } from '../../ui/Field.tsx';
import { ListFooter, rowClick } from '../../ui/ListFooter.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useCursorList } from '../../ui/useCursorList.ts';
import { useUrlFilters } from '../../ui/useUrlFilters.ts';
import { ACCOUNT_CODE_RE, listAccounts, type AccountFilters } from './ledgerApi.ts';
import { AccountStatusBadge, LEDGER_BASE, accountPath, money } from './ledgerUi.tsx';

const OWNER_TYPES = [{ value: 'customer', label: 'Customer' }, { value: 'system', label: 'System' }];
const STATUSES = [{ value: 'open', label: 'Open' }, { value: 'closed', label: 'Closed' }];

/** Ledger accounts with filters kept in the URL (owner, currency, code, status), paged with "Load more". */
export function AccountsSection({ canOpenCustomers }: { canOpenCustomers: boolean }) {
  const f = useUrlFilters(LEDGER_BASE, ['ownerType', 'ownerId', 'currency', 'code', 'status']);
  const filters = f.values;
  const [draft, setDraft] = useState({ ownerId: filters.ownerId, currency: filters.currency, code: filters.code });
  const list = useCursorList((cursor, signal) => listAccounts(filters as AccountFilters, cursor, 50, signal), [JSON.stringify(filters)]);
  useEffect(() => { document.title = 'Ledger accounts · Tollgate console'; }, []);

  const currency = draft.currency.trim().toUpperCase();
  const code = draft.code.trim();
  const currencyBad = !!currency && !/^[A-Z]{3}$/.test(currency);
  const codeBad = !!code && !ACCOUNT_CODE_RE.test(code);
  function apply(e: FormEvent) {
    e.preventDefault();
    if (currencyBad || codeBad) return;
    f.setMany({ ownerId: draft.ownerId.trim(), currency, code });
  }

  return (
    <section className="stack" aria-labelledby="accounts-title">
      <div className="section-head"><h1 id="accounts-title">Ledger accounts</h1></div>
      <form className="c4-filters" onSubmit={apply} data-testid="accounts-filters">
        <SelectField label="Owner type" value={filters.ownerType} onChange={(v) => f.set('ownerType', v)} options={OWNER_TYPES} testId="accounts-filter-owner-type" />
        <Field label="Owner id">
          {(id) => <input id={id} value={draft.ownerId} maxLength={64} placeholder="cus_…" onChange={(e) => setDraft({ ...draft, ownerId: e.target.value })} data-testid="accounts-filter-owner" />}
        </Field>
        <Field label="Currency" error={currencyBad && '3 letters, e.g. IDR'}>
          {(id) => <input id={id} value={draft.currency} maxLength={3} placeholder="IDR" aria-invalid={currencyBad || undefined} onChange={(e) => setDraft({ ...draft, currency: e.target.value })} data-testid="accounts-filter-currency" />}
        </Field>
        <Field label="Code" error={codeBad && 'lower-case letters, digits, _'}>
          {(id) => <input id={id} value={draft.code} maxLength={40} placeholder="wallet" aria-invalid={codeBad || undefined} onChange={(e) => setDraft({ ...draft, code: e.target.value })} data-testid="accounts-filter-code" />}
        </Field>
        <SelectField label="Status" value={filters.status} onChange={(v) => f.set('status', v)} options={STATUSES} testId="accounts-filter-status" />
        <div className="filters-clear row">
          <button type="submit" className="btn btn-small btn-primary" data-testid="accounts-apply">Apply</button>
          {f.any && <button type="button" className="btn btn-small btn-ghost" onClick={() => { setDraft({ ownerId: '', currency: '', code: '' }); f.clear(); }}>Clear</button>}
        </div>
      </form>

      <ErrorNotice error={list.error} />
      <div className="table-wrap">
        <table className="table" data-testid="accounts-table">
          <thead><tr><th>Account</th><th>Owner</th><th>Code</th><th>Status</th><th className="c4-amount">Balance</th><th className="c4-amount">Available</th></tr></thead>
          <tbody>
            {list.rows.map((a) => (
              <tr key={a.id} className="clickable" data-testid="account-row" data-id={a.id}
                onClick={rowClick(() => navigate(accountPath(a.id)))}>
                <td data-label="Account"><Link to={accountPath(a.id)} className="mono small">{a.id}</Link></td>
                <td data-label="Owner">
                  {a.ownerType === 'system' ? <span className="chip chip-muted">system</span>
                    : canOpenCustomers && a.ownerId?.startsWith('cus_') ? <Link to={`/console/customers/${encodeURIComponent(a.ownerId)}`} className="mono small">{a.ownerId}</Link>
                    : <span className="mono small">{a.ownerId}</span>}
                </td>
                <td data-label="Code">{a.code} <span className="muted small">{a.currency}</span></td>
                <td data-label="Status"><AccountStatusBadge status={a.status} /></td>
                <td data-label="Balance" className="c4-amount" data-testid="account-balance">{money(a.balance.amount, a.balance.currency)}</td>
                <td data-label="Available" className="c4-amount">{money(a.available.amount, a.available.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter list={list} empty={f.any ? 'No accounts match these filters.' : 'No accounts yet.'} testId="accounts" />
    </section>
  );
}
