import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link, navigate, useSearch } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { ACCOUNT_CODE_RE, listAccounts, type AccountFilters, type LedgerAccount } from './ledgerApi.ts';
import { AccountStatusBadge, LEDGER_BASE, accountPath, money } from './ledgerUi.tsx';

function filtersFrom(s: URLSearchParams): AccountFilters {
  return {
    ownerType: (s.get('ownerType') ?? '') as AccountFilters['ownerType'], ownerId: s.get('ownerId') ?? '', currency: s.get('currency') ?? '',
    code: s.get('code') ?? '', status: (s.get('status') ?? '') as AccountFilters['status'],
  };
}

function go(f: AccountFilters) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, String(v));
  const s = p.toString();
  navigate(`${LEDGER_BASE}${s ? `?${s}` : ''}`, { replace: true });
}

/** Ledger accounts with filters kept in the URL (owner, currency, code, status), paged with "Load more". */
export function AccountsSection({ canOpenCustomers }: { canOpenCustomers: boolean }) {
  const search = useSearch();
  const filters = filtersFrom(search);
  const key = JSON.stringify(filters);
  const [draft, setDraft] = useState({ ownerId: filters.ownerId ?? '', currency: filters.currency ?? '', code: filters.code ?? '' });
  const [rows, setRows] = useState<LedgerAccount[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const ids = { ownerType: useId(), ownerId: useId(), currency: useId(), code: useId(), status: useId() };
  useEffect(() => { document.title = 'Ledger accounts · Tollgate console'; }, []);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    listAccounts(filters, null, 50, ctrl.signal)
      .then((p) => { setRows(p.data); setCursor(p.nextCursor); })
      .catch((e) => { if (!ctrl.signal.aborted) { setRows([]); setCursor(null); setError(e); } })
      .finally(() => { if (!ctrl.signal.aborted) setLoading(false); });
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const p = await listAccounts(filters, cursor, 50);
      setRows((r) => [...r, ...p.data]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  const currency = draft.currency.trim().toUpperCase();
  const code = draft.code.trim();
  const currencyBad = !!currency && !/^[A-Z]{3}$/.test(currency);
  const codeBad = !!code && !ACCOUNT_CODE_RE.test(code);
  function apply(e: FormEvent) {
    e.preventDefault();
    if (currencyBad || codeBad) return;
    go({ ...filters, ownerId: draft.ownerId.trim(), currency, code });
  }
  const anyFilter = Object.values(filters).some(Boolean);

  return (
    <section className="stack" aria-labelledby="accounts-title">
      <div className="section-head"><h1 id="accounts-title">Ledger accounts</h1></div>
      <form className="c4-filters" onSubmit={apply} data-testid="accounts-filters">
        <div className="field">
          <label htmlFor={ids.ownerType}>Owner type</label>
          <select id={ids.ownerType} value={filters.ownerType} onChange={(e) => go({ ...filters, ownerType: e.target.value as AccountFilters['ownerType'] })} data-testid="accounts-filter-owner-type">
            <option value="">All</option><option value="customer">Customer</option><option value="system">System</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.ownerId}>Owner id</label>
          <input id={ids.ownerId} value={draft.ownerId} maxLength={64} placeholder="cus_…" onChange={(e) => setDraft({ ...draft, ownerId: e.target.value })} data-testid="accounts-filter-owner" />
        </div>
        <div className="field">
          <label htmlFor={ids.currency}>Currency</label>
          <input id={ids.currency} value={draft.currency} maxLength={3} placeholder="IDR" aria-invalid={currencyBad || undefined} onChange={(e) => setDraft({ ...draft, currency: e.target.value })} data-testid="accounts-filter-currency" />
          {currencyBad && <span className="field-error">3 letters, e.g. IDR</span>}
        </div>
        <div className="field">
          <label htmlFor={ids.code}>Code</label>
          <input id={ids.code} value={draft.code} maxLength={40} placeholder="wallet" aria-invalid={codeBad || undefined} onChange={(e) => setDraft({ ...draft, code: e.target.value })} data-testid="accounts-filter-code" />
          {codeBad && <span className="field-error">lower-case letters, digits, _</span>}
        </div>
        <div className="field">
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={filters.status} onChange={(e) => go({ ...filters, status: e.target.value as AccountFilters['status'] })} data-testid="accounts-filter-status">
            <option value="">All</option><option value="open">Open</option><option value="closed">Closed</option>
          </select>
        </div>
        <div className="filters-clear row">
          <button type="submit" className="btn btn-small btn-primary" data-testid="accounts-apply">Apply</button>
          {anyFilter && <button type="button" className="btn btn-small btn-ghost" onClick={() => { setDraft({ ownerId: '', currency: '', code: '' }); go({}); }}>Clear</button>}
        </div>
      </form>

      <ErrorNotice error={error} />
      <div className="table-wrap">
        <table className="table" data-testid="accounts-table">
          <thead><tr><th>Account</th><th>Owner</th><th>Code</th><th>Status</th><th className="c4-amount">Balance</th><th className="c4-amount">Available</th></tr></thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id} className="clickable" data-testid="account-row" data-id={a.id}
                onClick={(e) => { if (!(e.target as HTMLElement).closest('a,button')) navigate(accountPath(a.id)); }}>
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
      {!loading && rows.length === 0 && !error && <p className="muted" data-testid="accounts-empty">{anyFilter ? 'No accounts match these filters.' : 'No accounts yet.'}</p>}
      {loading && <p className="muted" aria-busy="true">Loading…</p>}
      {cursor && !loading && <button type="button" className="btn" onClick={() => void loadMore()} data-testid="accounts-more">Load more</button>}
    </section>
  );
}
