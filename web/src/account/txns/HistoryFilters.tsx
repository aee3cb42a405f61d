import { useId, useState, type FormEvent } from 'react';
import { parseMajor } from '../../format.ts';
import { FILTER_KINDS } from '../txnFormat.ts';

/** The history filters as the URL keeps them: dates as YYYY-MM-DD, amounts in major units as typed. */
export interface FilterValues {
  from: string;
  to: string;
  kind: string;
  direction: string;
  min: string;
  max: string;
}

export const EMPTY_FILTERS: FilterValues = { from: '', to: '', kind: '', direction: '', min: '', max: '' };

export function checkFilters(f: FilterValues, currency: string): string | null {
  if (f.from && f.to && f.from > f.to) return 'The start date is after the end date.';
  const min = f.min ? parseMajor(f.min, currency) : null;
  const max = f.max ? parseMajor(f.max, currency) : null;
  if (f.min && min === null) return 'The minimum amount is not a number (example: 10 or 9.99).';
  if (f.max && max === null) return 'The maximum amount is not a number (example: 100 or 99.99).';
  if (min !== null && max !== null && min > max) return 'The minimum amount is above the maximum.';
  return null;
}

export function HistoryFilters({ value, currency, onApply }: { value: FilterValues; currency: string; onApply: (f: FilterValues) => void }) {
  const [f, setF] = useState<FilterValues>(value);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const set = (k: keyof FilterValues) => (e: { target: { value: string } }) => setF((x) => ({ ...x, [k]: e.target.value }));
  const dirty = JSON.stringify(f) !== JSON.stringify(value);
  const any = Object.values(value).some(Boolean);

  function submit(e: FormEvent) {
    e.preventDefault();
    const problem = checkFilters(f, currency);
    setError(problem);
    if (!problem) onApply(f);
  }

  return (
    <form className="card history-filters" onSubmit={submit} noValidate data-testid="history-filters" aria-label="Filter the history">
      <div className="filter-grid">
        <div className="field">
          <label htmlFor={`${id}-from`}>From</label>
          <input id={`${id}-from`} type="date" value={f.from} max={f.to || undefined} onChange={set('from')} data-testid="filter-from" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>To</label>
          <input id={`${id}-to`} type="date" value={f.to} min={f.from || undefined} onChange={set('to')} data-testid="filter-to" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-kind`}>Type</label>
          <select id={`${id}-kind`} value={f.kind} onChange={set('kind')} data-testid="filter-kind">
            <option value="">All types</option>
            {FILTER_KINDS.map((k) => <option key={k.value} value={k.value}>{k.label}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-dir`}>Direction</label>
          <select id={`${id}-dir`} value={f.direction} onChange={set('direction')} data-testid="filter-direction">
            <option value="">In and out</option>
            <option value="in">Money in</option>
            <option value="out">Money out</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-min`}>Min amount ({currency})</label>
          <input id={`${id}-min`} type="text" inputMode="decimal" value={f.min} onChange={set('min')} placeholder="0" data-testid="filter-min" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-max`}>Max amount ({currency})</label>
          <input id={`${id}-max`} type="text" inputMode="decimal" value={f.max} onChange={set('max')} placeholder="Any" data-testid="filter-max" />
        </div>
      </div>
      {error && <p className="field-error" role="alert" data-testid="filter-error">{error}</p>}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={!dirty} data-testid="filter-apply">Apply filters</button>
        {any && (
          <button type="button" className="btn btn-ghost" onClick={() => { setF(EMPTY_FILTERS); setError(null); onApply(EMPTY_FILTERS); }} data-testid="filter-clear">
            Clear
          </button>
        )}
      </div>
    </form>
  );
}
