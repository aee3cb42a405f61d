import { useId, useState, type FormEvent } from 'react';
import { parseMajor } from '../../format.ts';
import { useAction } from '../../ui/useAction.ts';
import { createCard, type Cardholder, type CardProgram } from './cardsApi.ts';
import { ApiErrorNotice, errorField } from './cardsUi.tsx';

/**
 * Register a card the processor issued: BIN, last 4 digits and the processor's card id (never the card number),
 * expiry, currency, an optional program and an optional daily limit (the rest of the controls are on the card's page).
 */
export function NewCardForm({ holders, programs, cardholderId, onCreated, open }: {
  holders: Cardholder[]; programs: CardProgram[]; cardholderId?: string; onCreated: (id: string) => void; open?: boolean;
}) {
  const year = new Date().getFullYear();
  const [holder, setHolder] = useState(cardholderId ?? '');
  const [processorCardId, setProcessorCardId] = useState('');
  const [bin, setBin] = useState('');
  const [last4, setLast4] = useState('');
  const [expMonth, setExpMonth] = useState('12');
  const [expYear, setExpYear] = useState(String(year + 3));
  const [currency, setCurrency] = useState('ZAR');
  const [program, setProgram] = useState('');
  const [daily, setDaily] = useState('');
  const { busy, error, run } = useAction();
  const id = useId();
  const bad = errorField(error);
  const dailyMinor = daily.trim() ? parseMajor(daily, currency) : undefined;
  const dailyBad = dailyMinor === null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!holder || dailyBad) return;
    await run(async () => {
      const r = await createCard({
        cardholderId: holder, processorCardId: processorCardId.trim(), bin: bin.trim(), last4: last4.trim(), expMonth: Number(expMonth), expYear: Number(expYear),
        currency: currency.trim().toUpperCase(), ...(program ? { program } : {}), ...(dailyMinor !== undefined && dailyMinor !== null ? { controls: { daily: dailyMinor } } : {}),
      });
      onCreated(r.id);
    });
  }

  const inv = (f: string) => bad === f || undefined;
  return (
    <details className="card" open={open} data-testid="card-add">
      <summary className="summary-btn"><strong>Register a card</strong></summary>
      <form className="stack form-top" onSubmit={submit} data-testid="card-form" noValidate>
        <p className="muted small">Tollgate never takes a card number: enter the BIN (first 6–8 digits), the last 4 and the processor's id for the card.</p>
        <div className="form-grid">
          <div className="field span-2">
            <label htmlFor={`${id}-holder`}>Cardholder</label>
            <select id={`${id}-holder`} value={holder} onChange={(e) => setHolder(e.target.value)} aria-invalid={inv('cardholderId')} data-testid="card-holder">
              <option value="">Choose a cardholder…</option>
              {holders.map((h) => <option key={h.id} value={h.id}>{h.name}{h.email ? ` (${h.email})` : ''}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-pcid`}>Processor card id</label>
            <input id={`${id}-pcid`} required maxLength={128} value={processorCardId} onChange={(e) => setProcessorCardId(e.target.value)} aria-invalid={inv('processorCardId')} data-testid="card-processor-id" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-program`}>Program <span className="muted">(optional)</span></label>
            <select id={`${id}-program`} value={program} onChange={(e) => setProgram(e.target.value)} data-testid="card-program">
              <option value="">No program</option>
              {programs.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-bin`}>BIN</label>
            <input id={`${id}-bin`} inputMode="numeric" maxLength={8} placeholder="422254" value={bin} onChange={(e) => setBin(e.target.value)} aria-invalid={inv('bin')} data-testid="card-bin" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-last4`}>Last 4 digits</label>
            <input id={`${id}-last4`} inputMode="numeric" maxLength={4} placeholder="7072" value={last4} onChange={(e) => setLast4(e.target.value)} aria-invalid={inv('last4')} data-testid="card-last4" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-month`}>Expiry month</label>
            <input id={`${id}-month`} type="number" min={1} max={12} value={expMonth} onChange={(e) => setExpMonth(e.target.value)} aria-invalid={inv('expMonth')} data-testid="card-exp-month" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-year`}>Expiry year</label>
            <input id={`${id}-year`} type="number" min={year} max={2100} value={expYear} onChange={(e) => setExpYear(e.target.value)} aria-invalid={inv('expYear')} data-testid="card-exp-year" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-cur`}>Currency</label>
            <input id={`${id}-cur`} maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} aria-invalid={inv('currency')} data-testid="card-currency" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-daily`}>Daily limit <span className="muted">({currency || '—'}, optional)</span></label>
            <input id={`${id}-daily`} inputMode="decimal" placeholder="e.g. 5000.00" value={daily} onChange={(e) => setDaily(e.target.value)} aria-invalid={dailyBad || inv('controls')} data-testid="card-daily" />
            {dailyBad && <span className="field-error">Enter an amount like 5000 or 5000.00.</span>}
          </div>
        </div>
        <ApiErrorNotice error={error} testId="card-error" />
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy || !holder || dailyBad} data-testid="card-submit">{busy ? 'Saving…' : 'Register card'}</button>
        </div>
      </form>
    </details>
  );
}
