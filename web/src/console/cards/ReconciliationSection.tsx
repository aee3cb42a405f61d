import { useState } from 'react';
import { downloadAdmin } from '../../api.ts';
import { formatDateTime, parseMajor } from '../../format.ts';
import { Link } from '../../router.tsx';
import { dayToIso, localDay } from '../../ui/dates.ts';
import { saveBlob } from '../../ui/download.ts';
import { DateRangeFields, Field } from '../../ui/Field.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useAction } from '../../ui/useAction.ts';
import { useLoad } from '../../ui/useLoad.ts';
import { useUrlFilters } from '../../ui/useUrlFilters.ts';
import { getReconciliation, reconciliationCsvUrl, type ReconQuery } from './cardsApi.ts';
import { fmt } from './cardsUi.tsx';
import { UnmatchedSpendTable } from './UnmatchedSpendTable.tsx';

/**
 * Seed 002's reconciliation table: per order, the items supplied value, the slip total (final amounts of its
 * card transactions), the difference, flagged beyond the tolerance; then card spend no order explains. CSV download.
 */
export function ReconciliationSection() {
  const f = useUrlFilters('/console/reconciliation', ['from', 'to', 'tolerance']);
  const { from, to, tolerance: tol } = f.values;
  const [tolText, setTolText] = useState(tol);
  const tolerance = tol ? parseMajor(tol, 'ZAR') : 0;
  const q: ReconQuery = { from: dayToIso(from), to: dayToIso(to, true), ...(tolerance ? { tolerance } : {}) };
  const { data, error, loading, reload } = useLoad(() => getReconciliation(q), [from, to, tol]);
  const csv = useAction();
  const tolBad = !!tolText.trim() && parseMajor(tolText, 'ZAR') === null;

  function download() {
    return csv.run(async () => saveBlob(await downloadAdmin(reconciliationCsvUrl(q)), `reconciliation-${localDay(new Date())}.csv`));
  }

  const flagged = data?.data.filter((o) => o.flagged).length ?? 0;
  return (
    <section className="stack cards-page" aria-labelledby="recon-title">
      <div className="section-head">
        <h1 id="recon-title">Reconciliation</h1>
        <Link to="/console/card-assignments" className="btn btn-small">Spend assignments</Link>
        <button type="button" className="btn btn-small" onClick={() => void reload()} data-testid="recon-refresh">Refresh</button>
        <button type="button" className="btn btn-small" onClick={() => void download()} disabled={csv.busy} data-testid="recon-csv">{csv.busy ? 'Preparing…' : 'Download CSV'}</button>
      </div>
      <ErrorNotice error={csv.error} testId="recon-csv-error" />
      <form className="cards-filters" onSubmit={(e) => { e.preventDefault(); if (!tolBad) f.set('tolerance', tolText.trim()); }} data-testid="recon-filters">
        <DateRangeFields from={from} to={to} onChange={f.set} testId="recon" />
        <Field label="Tolerance" error={tolBad && 'Enter an amount like 10.00.'}>
          {(id) => (
            <input id={id} inputMode="decimal" placeholder="0.00" value={tolText} onChange={(e) => setTolText(e.target.value)} onBlur={() => { if (!tolBad) f.set('tolerance', tolText.trim()); }}
              aria-invalid={tolBad || undefined} data-testid="recon-tolerance" />
          )}
        </Field>
        <div className="field"><button type="submit" className="btn" disabled={tolBad} data-testid="recon-apply">Apply</button></div>
      </form>
      <p className="muted small">
        {from || to ? 'Orders whose shopping window overlaps the chosen days.' : 'Orders whose shopping window overlaps the last 30 days.'} Differences beyond the tolerance (in the order's currency) are flagged.
      </p>

      <ErrorNotice error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && (
        <div className="tiles">
          <div className="tile"><span className="tile-num" data-testid="recon-orders">{data.data.length}</span><span className="tile-label">orders</span></div>
          <div className={`tile ${flagged ? 'tile-danger' : ''}`}><span className="tile-num" data-testid="recon-flagged">{flagged}</span><span className="tile-label">flagged</span></div>
          <div className={`tile ${data.unmatched.length ? 'tile-danger' : ''}`}><span className="tile-num">{data.unmatched.length}</span><span className="tile-label">unexplained spend</span></div>
        </div>
      )}
      {data && (
        <div className="table-wrap">
          <table className="table" data-testid="recon-table">
            <thead><tr><th>Order</th><th>Shopper</th><th>Window</th><th className="num">Items supplied value</th><th className="num">Slip total</th><th className="num">Difference</th><th className="num">Transactions</th><th>Flag</th></tr></thead>
            <tbody>
              {data.data.map((o) => (
                <tr key={o.assignmentId} className={o.flagged ? 'row-flagged' : ''} data-testid="recon-row" data-ref={o.externalOrderRef} data-flagged={String(o.flagged)} data-difference={o.difference.amount}>
                  <td data-label="Order"><strong className="wrap-anywhere">{o.externalOrderRef}</strong></td>
                  <td data-label="Shopper">{o.cardholderName ?? <span className="mono small">{o.cardholderId}</span>}</td>
                  <td data-label="Window" className="small">{formatDateTime(o.windowStart)} –<br />{formatDateTime(o.windowEnd)}</td>
                  <td data-label="Items supplied value" className="num">{fmt(o.itemsSuppliedValue)}</td>
                  <td data-label="Slip total" className="num">{fmt(o.slipTotal)}</td>
                  <td data-label="Difference" className={`num ${o.difference.amount < 0 ? 'num-neg' : ''}`} data-testid="recon-difference">{o.difference.amount > 0 ? '+' : ''}{fmt(o.difference)}</td>
                  <td data-label="Transactions" className="num">{o.transactions}{o.pending > 0 && <div className="small muted">{o.pending} not cleared</div>}{o.declined > 0 && <div className="small muted">{o.declined} declined</div>}</td>
                  <td data-label="Flag">{o.flagged ? <span className="badge badge-danger" data-testid="recon-flag">flagged</span> : <span className="badge badge-success">ok</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && data.data.length === 0 && <p className="muted" data-testid="recon-empty">No spend assignments in this period.</p>}
      {data && data.unmatched.length > 0 && <UnmatchedSpendTable rows={data.unmatched} />}
    </section>
  );
}
