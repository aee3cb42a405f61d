import { useEffect } from 'react';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { getTrialBalance } from './ledgerApi.ts';
import { money } from './ledgerUi.tsx';

/** Σ debits and Σ credits of every account per currency; the ledger is balanced when they are equal everywhere (posted and pending). */
export function TrialBalanceSection() {
  const { data, error, loading, reload } = useLoad(() => getTrialBalance(), []);
  useEffect(() => { document.title = 'Trial balance · Tollgate console'; }, []);

  return (
    <section className="stack" aria-labelledby="tb-title">
      <div className="section-head">
        <h1 id="tb-title">Trial balance</h1>
        <button type="button" className="btn btn-small" onClick={() => void reload()} disabled={loading} data-testid="tb-refresh">Refresh</button>
      </div>
      <p className="muted small">Every transfer debits one account and credits another, so per currency the debits of all accounts equal their credits. Holds (pending) are summed apart.</p>
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && (
        <div className={`notice ${data.balanced ? 'notice-success' : 'notice-error'} c4-banner`} role={data.balanced ? 'status' : 'alert'}
          data-testid="tb-status" data-balanced={String(data.balanced)}>
          {data.balanced ? '✓ Balanced: debits equal credits in every currency.' : '✗ Unbalanced: debits and credits differ. Check the currencies marked below and raise it with engineering.'}
        </div>
      )}
      {data && data.currencies.length === 0 && <p className="muted" data-testid="tb-empty">No transfers yet.</p>}
      {data && data.currencies.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="tb-table">
            <thead>
              <tr><th>Currency</th><th className="c4-amount">Debits</th><th className="c4-amount">Credits</th><th className="c4-amount">Difference</th><th className="c4-amount">Pending debits</th><th className="c4-amount">Pending credits</th><th className="c4-amount">Accounts</th></tr>
            </thead>
            <tbody>
              {data.currencies.map((c) => {
                const diff = c.debits - c.credits;
                const pdiff = c.debitsPending - c.creditsPending;
                const ok = diff === 0 && pdiff === 0;
                return (
                  <tr key={c.currency} data-testid="tb-row" data-currency={c.currency} data-balanced={String(ok)} className={ok ? '' : 'row-highlight'}>
                    <td data-label="Currency"><strong>{c.currency}</strong> {ok ? <span className="badge badge-success">balanced</span> : <span className="badge badge-danger">unbalanced</span>}</td>
                    <td data-label="Debits" className="c4-amount">{money(c.debits, c.currency)}</td>
                    <td data-label="Credits" className="c4-amount">{money(c.credits, c.currency)}</td>
                    <td data-label="Difference" className={`c4-amount ${diff ? 'c4-debit' : ''}`}>{money(diff, c.currency)}</td>
                    <td data-label="Pending debits" className="c4-amount">{money(c.debitsPending, c.currency)}</td>
                    <td data-label="Pending credits" className={`c4-amount ${pdiff ? 'c4-debit' : ''}`}>{money(c.creditsPending, c.currency)}</td>
                    <td data-label="Accounts" className="c4-amount">{c.accounts}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
