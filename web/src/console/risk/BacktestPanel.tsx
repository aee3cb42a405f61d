import { useState, type FormEvent } from 'react';
import { runBacktest, type BacktestResult } from '../../api.ts';
import { formatNumber } from '../../format.ts';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { dayToIso, daysAgo, localDay } from '../../ui/dates.ts';
import { DateRangeFields } from '../../ui/Field.tsx';
import { useAction } from '../../ui/useAction.ts';
import { compileErrorFrom } from './ExpressionEditor.tsx';

const pct = (n: number, d: number) => (d > 0 ? `${Math.round((n / d) * 1000) / 10}%` : '—');

/** Runs the draft expression over the stored decisions of a period: what it would have caught. */
export function BacktestPanel({ expression }: { expression: string }) {
  const [from, setFrom] = useState(daysAgo(7));
  const [to, setTo] = useState(localDay(new Date()));
  const { busy, error, setError, run: act } = useAction();
  const [result, setResult] = useState<{ r: BacktestResult; expression: string } | null>(null);

  async function run(e: FormEvent) {
    e.preventDefault();
    const f = dayToIso(from);
    const t = dayToIso(to, true);
    if (!f || !t) return setError(new Error('Pick both dates.'));
    if (f >= t) return setError(new Error('The start date must be on or before the end date.'));
    await act(async () => {
      try {
        setResult({ r: await runBacktest({ expression, from: f, to: t }), expression });
      } catch (err) {
        setResult(null);
        const ce = compileErrorFrom(err);
        throw ce ? new Error(`The expression does not compile (line ${ce.line}, column ${ce.column}): ${ce.message}`) : err;
      }
    });
  }

  const r = result?.r;
  const stale = result && result.expression !== expression;
  return (
    <form className="card stack" onSubmit={run} data-testid="backtest">
      <div>
        <h2>Backtest</h2>
        <p className="small muted">Runs the expression above over the decisions stored in the period, with the features they had then. Nothing is saved.</p>
      </div>
      <div className="row backtest-range">
        <DateRangeFields from={from} to={to} onChange={(k, v) => (k === 'from' ? setFrom(v) : setTo(v))} testId="backtest" />
        <button type="submit" className="btn" disabled={busy || !expression.trim()} data-testid="backtest-run">{busy ? 'Running…' : 'Run backtest'}</button>
      </div>
      <ErrorNotice error={error} testId="backtest-error" />
      {r && (
        <div className="stack" data-testid="backtest-result" data-evaluated={r.evaluated} data-matched={r.matched}>
          {stale && <p className="small muted">The expression changed since this run.</p>}
          <table className="bt-table">
            <tbody>
              <tr><th scope="row">Decisions evaluated</th><td className="num" data-testid="bt-evaluated">{formatNumber(r.evaluated)}</td></tr>
              <tr><th scope="row">Matched</th><td className="num" data-testid="bt-matched"><strong>{formatNumber(r.matched)}</strong> <span className="muted small">({pct(r.matched, r.evaluated)})</span></td></tr>
              <tr><th scope="row">Not judged (feature missing)</th><td className="num" data-testid="bt-missing">{formatNumber(r.missing)}</td></tr>
              <tr><th scope="row">Matched, then allowed</th><td className="num" data-testid="bt-allow">{formatNumber(r.matchedByDecision.allow ?? 0)}</td></tr>
              <tr><th scope="row">Matched, then reviewed</th><td className="num" data-testid="bt-review">{formatNumber(r.matchedByDecision.review ?? 0)}</td></tr>
              <tr><th scope="row">Matched, then blocked</th><td className="num" data-testid="bt-block">{formatNumber(r.matchedByDecision.block ?? 0)}</td></tr>
              <tr><th scope="row">Labelled fraud caught</th><td className="num" data-testid="bt-fraud">{formatNumber(r.matchedFraud)} of {formatNumber(r.fraudTotal)} <span className="muted small">({pct(r.matchedFraud, r.fraudTotal)})</span></td></tr>
              <tr><th scope="row">Labelled fraud missed</th><td className="num" data-testid="bt-fraud-missed">{formatNumber(r.fraudMissed)}</td></tr>
              <tr><th scope="row">Labelled legit hit (false positives)</th><td className="num" data-testid="bt-legit">{formatNumber(r.matchedLegit)}</td></tr>
            </tbody>
          </table>
        </div>
      )}
    </form>
  );
}
