import { useState } from 'react';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { SelectField } from '../../ui/Field.tsx';
import { ListFooter } from '../../ui/ListFooter.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useCursorList } from '../../ui/useCursorList.ts';
import { TRANSFER_KINDS, TRANSFER_TYPES, listAccountTransfers, type TransferFilters } from './ledgerApi.ts';
import { AccountLink, TransferTypeBadge, money, transferPath } from './ledgerUi.tsx';

const spaced = (values: readonly string[]) => values.map((k) => ({ value: k, label: k.replace(/_/g, ' ') }));
const KINDS = spaced(TRANSFER_KINDS);
const TYPES = spaced(TRANSFER_TYPES);
const ORDERS = [{ value: 'desc', label: 'Newest first' }, { value: 'asc', label: 'Oldest first' }];

/** One account's transfers, newest first (or oldest), filtered by kind and type, with a stable cursor ("Load more"). */
export function AccountTransfers({ accountId, tick = 0 }: { accountId: string; tick?: number }) {
  const [filters, setFilters] = useState<Required<TransferFilters>>({ kind: '', type: '', order: 'desc' });
  const list = useCursorList((cursor, signal) => listAccountTransfers(accountId, filters, cursor, 25, signal), [accountId, JSON.stringify(filters), tick]);

  return (
    <div className="card stack" data-testid="account-transfers">
      <h2>Transfers</h2>
      <div className="c4-filters">
        <SelectField label="Kind" value={filters.kind} onChange={(kind) => setFilters({ ...filters, kind })} options={KINDS} testId="transfers-filter-kind" />
        <SelectField label="Type" value={filters.type} onChange={(type) => setFilters({ ...filters, type })} options={TYPES} testId="transfers-filter-type" />
        <SelectField label="Order" value={filters.order} onChange={(v) => setFilters({ ...filters, order: v as 'asc' | 'desc' })} options={ORDERS} all={null} testId="transfers-order" />
      </div>
      <ErrorNotice error={list.error} />
      {list.rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="transfers-table">
            <thead><tr><th>When</th><th>Transfer</th><th>Kind</th><th>Type</th><th>Other account</th><th className="c4-amount">Debit</th><th className="c4-amount">Credit</th></tr></thead>
            <tbody>
              {list.rows.map((t) => {
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
      <ListFooter list={list} empty={`No transfers${filters.kind || filters.type ? ' match these filters' : ' on this account yet'}.`} testId="transfers" />
    </div>
  );
}
