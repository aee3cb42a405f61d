import { useId, useState, type FormEvent } from 'react';
import { parseMajor } from '../../format.ts';
import { localDateTime } from '../../ui/dates.ts';
import { useAction } from '../../ui/useAction.ts';
import { createAssignment, type Cardholder } from './cardsApi.ts';
import { ApiErrorNotice, errorField } from './cardsUi.tsx';

/** Assign a shopper's card spend in a time window to an order (idempotent per order reference). */
export function AssignmentForm({ holders, onCreated }: { holders: Cardholder[]; onCreated: (r: { id: string; matched: number; created: boolean }) => void }) {
  const [ref, setRef] = useState('');
  const [holder, setHolder] = useState('');
  const [value, setValue] = useState('');
  const [currency, setCurrency] = useState('ZAR');
  const [start, setStart] = useState(() => localDateTime(new Date()));
  const [end, setEnd] = useState(() => localDateTime(new Date(Date.now() + 3 * 3600_000)));
  const { busy, error, run } = useAction();
  const id = useId();
  const minor = value.trim() ? parseMajor(value, currency) : undefined;
  const startD = new Date(start);
  const endD = new Date(end);
  const windowBad = !!start && !!end && !(endD > startD);
  const ok = ref.trim() && holder && minor !== undefined && minor !== null && start && end && !windowBad && /^[A-Z]{3}$/.test(currency);
  const bad = errorField(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!ok) return;
    await run(async () => {
      const r = await createAssignment({ externalOrderRef: ref.trim(), cardholderId: holder, expectedSuppliedValue: { amount: minor!, currency }, windowStart: startD.toISOString(), windowEnd: endD.toISOString() });
      setRef('');
      setValue('');
      onCreated(r);
    });
  }

  return (
    <details className="card" data-testid="assignment-add">
      <summary className="summary-btn"><strong>New spend assignment</strong></summary>
      <form className="stack form-top" onSubmit={submit} data-testid="assignment-form" noValidate>
        <p className="muted small">The shopper's card transactions inside the window are tied to the order; the reconciliation report compares their total with the items supplied value.</p>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`${id}-ref`}>Order reference</label>
            <input id={`${id}-ref`} required maxLength={128} value={ref} onChange={(e) => setRef(e.target.value)} aria-invalid={bad === 'externalOrderRef' || undefined} data-testid="assignment-ref" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-holder`}>Shopper (cardholder)</label>
            <select id={`${id}-holder`} value={holder} onChange={(e) => setHolder(e.target.value)} data-testid="assignment-holder">
              <option value="">Choose…</option>
              {holders.map((h) => <option key={h.id} value={h.id}>{h.name}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-value`}>Items supplied value</label>
            <input id={`${id}-value`} inputMode="decimal" placeholder="e.g. 2699.33" value={value} onChange={(e) => setValue(e.target.value)} aria-invalid={minor === null || bad === 'expectedSuppliedValue' || undefined} data-testid="assignment-value" />
            {minor === null && <span className="field-error">Enter an amount like 2699.33.</span>}
          </div>
          <div className="field">
            <label htmlFor={`${id}-cur`}>Currency</label>
            <input id={`${id}-cur`} maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} data-testid="assignment-currency" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-start`}>Window start</label>
            <input id={`${id}-start`} type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} aria-invalid={windowBad || undefined} data-testid="assignment-start" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-end`}>Window end</label>
            <input id={`${id}-end`} type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} aria-invalid={windowBad || undefined} data-testid="assignment-end" />
            {windowBad && <span className="field-error">The window must end after it starts.</span>}
          </div>
        </div>
        <ApiErrorNotice error={error} testId="assignment-error" />
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy || !ok} data-testid="assignment-submit">{busy ? 'Saving…' : 'Create assignment'}</button>
        </div>
      </form>
    </details>
  );
}
