import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api.ts';
import { formatMoney, minorUnits, parseMajor } from '../../format.ts';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { uuid } from '../../util.ts';
import { createTopup } from '../api.ts';
import { useWalletCurrency } from '../useWalletCurrency.ts';

const PRESETS = [10, 25, 50, 100];

/** Top up: choose an amount, pay on the gateway's page, come back to /account/topups/<id>. */
export function TopupPage() {
  const currency = useWalletCurrency();
  const [text, setText] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const attempt = useRef<{ amount: number; key: string } | null>(null);
  const id = useId();

  useEffect(() => {
    document.title = 'Top up · Tollgate';
  }, []);

  if (!currency) return <p className="muted" aria-busy="true">Loading…</p>;
  const amount = parseMajor(text, currency);
  const invalid = text.trim() === '' || amount === null || amount <= 0;
  const scale = 10 ** minorUnits(currency);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (invalid || amount === null || busy || !currency) return;
    // the same amount submitted again (a retry after a network error) reuses its idempotency key
    if (!attempt.current || attempt.current.amount !== amount) attempt.current = { amount, key: uuid() };
    setBusy(true);
    setError(null);
    try {
      const r = await createTopup({ amount, currency }, attempt.current.key);
      setLeaving(true);
      window.location.assign(r.payment.checkoutUrl);
    } catch (err) {
      if (!(err instanceof ApiError && err.retryable)) attempt.current = null;
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stack narrow-page" data-testid="topup-page">
      <h1>Top up your wallet</h1>
      <form className="card stack" onSubmit={submit} noValidate data-testid="topup-form">
        <div className="field">
          <label htmlFor={id}>Amount ({currency})</label>
          <input id={id} type="text" inputMode="decimal" autoComplete="off" value={text} placeholder="25"
            aria-invalid={touched && invalid} aria-describedby={`${id}-h`} data-testid="topup-amount"
            onChange={(e) => setText(e.target.value)} onBlur={() => setTouched(true)} />
          <p id={`${id}-h`} className={touched && invalid ? 'field-error' : 'hint'}>
            {touched && invalid ? 'Enter an amount above zero, e.g. 25 or 9.99.' : 'You pay on our payment provider\'s page and come straight back.'}
          </p>
        </div>
        <div className="row" role="group" aria-label="Quick amounts">
          {PRESETS.map((p) => (
            <button key={p} type="button" className={`btn btn-small${amount === p * scale ? ' btn-selected' : ''}`} onClick={() => { setText(String(p)); setTouched(true); }} data-testid={`topup-preset-${p}`}>
              {formatMoney({ amount: p * scale, currency })}
            </button>
          ))}
        </div>
        <ErrorNotice error={error} testId="topup-error" />
        <button type="submit" className="btn btn-primary btn-block btn-large" disabled={busy || leaving} data-testid="topup-submit">
          {leaving ? 'Opening the payment page…' : busy ? 'Preparing…' : `Continue to payment${!invalid && amount !== null ? ` · ${formatMoney({ amount, currency })}` : ''}`}
        </button>
      </form>
    </div>
  );
}
