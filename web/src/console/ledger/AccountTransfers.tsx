import { useEffect, useId, useState } from 'react';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { TRANSFER_KINDS, TRANSFER_TYPES, listAccountTransfers, type LedgerTransfer, type TransferFilters } from './ledgerApi.ts';
import { AccountLink, TransferTypeBadge, money, transferPath } from './ledgerUi.tsx';

/** One account's transfers, newest first (or oldest), filtered by kind and type, with a stable cursor ("Load more"). */
export function AccountTransfers({ accountId, tick = 0 }: { accountId: string; tick?: number }) {
  const [filters, setFilters] = useState<TransferFilters>({ kind: '', type: '', order: 'desc' });
  const [rows, setRows] = useState<LedgerTransfer[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const ids = { kind: useId(), type: useId(), order: useId() };
  const key = JSON.stringify(filters);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    listAccountTransfers(accountId, filters, null, 25, ctrl.signal)
      .then((p) => { setRows(p.data); setCursor(p.nextCursor); })
      .catch((e) => { if (!ctrl.signal.aborted) setError(e); })
      .finally(() => { if (!ctrl.signal.aborted) setLoading(false); });
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [accountId, key, tick]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const p = await listAccountTransfers(accountId, filters, cursor, 25);
      setRows((r) => [...r, ...p.data]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  return (
    <div className="card stack" data-testid="account-transfers">
      <h2>Transfers</h2>
      <div className="c4-filters">
        <div className="field">
          <label htmlFor={ids.kind}>Kind</label>
          <select id={ids.kind} value={filters.kind} onChange={(e) => setFilters({ ...filters, kind: e.target.value })} data-testid="transfers-filter-kind">
            <option value="">All</option>
            {TRANSFER_KINDS.map((k) => <option key={k} value={k}>{k.replace(/_/g, ' ')}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.type}>Type</label>
          <select id={ids.type} value={filters.type} onChange={(e) => setFilters({ ...filters, type: e.target.value })} data-testid="transfers-filter-type">
            <option value="">All</option>
            {TRANSFER_TYPES.map((k) => <option key={k} value={k}>{k.replace(/_/g, ' ')}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.order}>Order</label>
          <select id={ids.order} value={filters.order} onChange={(e) => setFilters({ ...filters, order: e.target.value as 'asc' | 'desc' })} data-testid="transfers-order">
            <option value="desc">Newest first</option><option value="asc">Oldest first</option>
          </select>
        </div>
      </div>
      <ErrorNotice error={error} />
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="transfers-table">
            <thead><tr><th>When</th><th>Transfer</th><th>Kind</th><th>Type</th><th>Other account</th><th className="c4-amount">Debit</th><th className="c4-amount">Credit</th></tr></thead>
            <tbody>
              {rows.map((t) => {
                const debit = t.direction ? t.direction === 'debit' : t.debitAccountId === accountId;
                const other = debit ? t.creditAccountId : t.debitAccountId;
                return (
                  <tr key={t.id} data-testid="transfer-row" data-id={t.id} data-direction={debit ? 'debit' : 'credit'}>
                    <td data-label="When" className="nowrap">{formatDateTime(t.createdAt)}</td>
                    <td data-label="Transfer">
                      <Link to={transferPath(t.id)} className="mono small" data-testid="transfer-link">{t.id}</Link>
                      {t.description && <div className="small muted wrap-anywhere">{t.description}</div>}
                    </td>
                    <td data-label="Kind">{t.kind.replace(/_/g, ' ')}</td>
                    <td data-label="Type"><TransferTypeBadge type={t.type} /></td>
                    <td data-label="Other account"><AccountLink id={other} /></td>
                    <td data-label="Debit" className="c4-amount c4-debit">{debit ? money(t.amount.amount, t.amount.currency) : ''}</td>
                    <td data-label="Credit" className="c4-amount c4-credit">{debit ? '' : money(t.amount.amount, t.amount.currency)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {!loading && rows.length === 0 && !error && <p className="muted" data-testid="transfers-empty">No transfers{filters.kind || filters.type ? ' match these filters' : ' on this account yet'}.</p>}
      {loading && <p className="muted" aria-busy="true">Loading…</p>}
      {cursor && !loading && <button type="button" className="btn" onClick={() => void loadMore()} data-testid="transfers-more">Load more</button>}
    </div>
  );
}
