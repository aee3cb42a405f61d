import { useEffect, useState } from 'react';
import { qs } from '../../api.ts';
import { parseMajor } from '../../format.ts';
import { Link, navigate, useSearch } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { listTransactions, type Txn, type TxnFilters } from '../api.ts';
import { useWalletCurrency } from '../useWalletCurrency.ts';
import { checkFilters, EMPTY_FILTERS, HistoryFilters, type FilterValues } from './HistoryFilters.tsx';
import { TxnList } from './TxnList.tsx';

const PAGE = 20;

function readFilters(s: URLSearchParams): FilterValues {
  const f = { ...EMPTY_FILTERS };
  for (const k of Object.keys(f) as (keyof FilterValues)[]) f[k] = s.get(k) ?? '';
  return f;
}

/** Dates are the customer's local days: from the start of `from` to the end of `to`. */
function toApi(f: FilterValues, currency: string): TxnFilters {
  const day = (d: string, plus = 0) => {
    const [y, m, dd] = d.split('-').map(Number);
    return new Date(y, m - 1, dd + plus).toISOString();
  };
  return {
    from: f.from ? day(f.from) : undefined,
    to: f.to ? day(f.to, 1) : undefined,
    kind: f.kind || undefined,
    direction: f.direction === 'in' || f.direction === 'out' ? f.direction : undefined,
    minAmount: f.min ? parseMajor(f.min, currency) ?? undefined : undefined,
    maxAmount: f.max ? parseMajor(f.max, currency) ?? undefined : undefined,
  };
}

type State = { rows: Txn[]; cursor: string | null; loading: boolean; error: unknown; done: boolean };

/** The full history: filters in the URL (back/forward work), pages of 20 with "Load more". */
export function HistoryPage() {
  const search = useSearch();
  const key = search.toString();
  const currency = useWalletCurrency();
  const filters = readFilters(search);
  const [s, setS] = useState<State>({ rows: [], cursor: null, loading: true, error: null, done: false });

  useEffect(() => {
    document.title = 'History · Tollgate';
  }, []);

  async function load(cursor: string | null, signal?: AbortSignal) {
    if (!currency) return;
    const f = readFilters(new URLSearchParams(key));
    if (checkFilters(f, currency)) {
      setS({ rows: [], cursor: null, loading: false, error: null, done: true });
      return;
    }
    setS((x) => ({ ...x, loading: true, error: null, ...(cursor ? {} : { rows: [] }) }));
    try {
      const r = await listTransactions(toApi(f, currency), cursor, PAGE, signal);
      setS((x) => ({ rows: cursor ? [...x.rows, ...r.data] : r.data, cursor: r.nextCursor, loading: false, error: null, done: !r.nextCursor }));
    } catch (e) {
      if (signal?.aborted) return;
      setS((x) => ({ ...x, loading: false, error: e }));
    }
  }

  useEffect(() => {
    const ac = new AbortController();
    void load(null, ac.signal);
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, currency]);

  const filtered = Object.values(filters).some(Boolean);
  return (
    <div className="stack" data-testid="history-page">
      <h1>History</h1>
      {currency && (
        <HistoryFilters key={key} value={filters} currency={currency}
          onApply={(f) => navigate(`/account/history${qs({ ...f })}`)} />
      )}
      {s.error != null && (
        <div className="stack">
          <ErrorNotice error={s.error} testId="history-error" />
          <button type="button" className="btn" onClick={() => void load(s.rows.length ? s.cursor : null)}>Try again</button>
        </div>
      )}
      {s.rows.length > 0 && <TxnList txns={s.rows} testId="history-list" />}
      {!s.loading && !s.error && s.rows.length === 0 && (
        <p className="card muted empty" data-testid="history-empty">
          {filtered ? 'No operations match these filters.' : <>No operations yet. <Link to="/account/topup">Top up your wallet</Link> to get started.</>}
        </p>
      )}
      {s.loading && <p className="muted center" aria-busy="true" data-testid="history-loading">Loading…</p>}
      {!s.loading && !s.error && !s.done && (
        <button type="button" className="btn btn-block" onClick={() => void load(s.cursor)} data-testid="load-more">Load more</button>
      )}
    </div>
  );
}
