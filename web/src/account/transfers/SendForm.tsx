import { useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api.ts';
import { formatMoney, parseMajor } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorNotice, Notice } from '../../ui/Notice.tsx';
import { uuid } from '../../util.ts';
import { sendTransfer, type Payee, type Txn } from '../api.ts';
import { StepUpCancelled, useStepUp } from '../StepUp.tsx';

/**
 * Sends money to a payee's wallet. One idempotency key per attempt: pressing Send again after a network error
 * (same payee, amount and note) cannot send twice.
 */
export function SendForm({ payees, currency, available }: { payees: Payee[]; currency: string; available: number | null }) {
  const withStepUp = useStepUp();
  const [payeeId, setPayeeId] = useState(payees[0]?.id ?? '');
  const [text, setText] = useState('');
  const [note, setNote] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<Txn | null>(null);
  const attempt = useRef<{ fp: string; key: string } | null>(null);
  const id = useId();

  const amount = parseMajor(text, currency);
  const amountError = text.trim() === '' || amount === null || amount <= 0 ? 'Enter an amount above zero, e.g. 10 or 4.50.'
    : available !== null && amount > available ? `That is more than you have available (${formatMoney({ amount: available, currency })}).` : null;
  const payee = payees.find((p) => p.id === payeeId) ?? null;

  function review(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    setSent(null);
    if (!payee || amountError) return;
    setConfirming(true);
  }

  async function send() {
    if (!payee || amount === null) return;
    const body = { payeeId: payee.id, amount: { amount, currency }, ...(note.trim() ? { description: note.trim() } : {}) };
    const fp = JSON.stringify(body);
    if (!attempt.current || attempt.current.fp !== fp) attempt.current = { fp, key: uuid() };
    const key = attempt.current.key;
    setBusy(true);
    setError(null);
    try {
      const t = await withStepUp(() => sendTransfer({ ...body, idempotencyKey: key }));
      attempt.current = null;
      setSent(t);
      setConfirming(false);
      setText('');
      setNote('');
      setSubmitted(false);
    } catch (err) {
      if (!(err instanceof ApiError && err.retryable)) attempt.current = null;
      setError(err instanceof StepUpCancelled ? null : err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card stack" onSubmit={review} noValidate data-testid="send-form">
      <h2>Send money</h2>
      {sent && (
        <Notice tone="success" testId="send-done">
          <span>Sent {formatMoney(sent.amount)}. <Link to={`/account/transactions/${encodeURIComponent(sent.id)}`}>View operation</Link></span>
        </Notice>
      )}
      <div className="field">
        <label htmlFor={`${id}-p`}>To</label>
        <select id={`${id}-p`} value={payeeId} onChange={(e) => { setPayeeId(e.target.value); setConfirming(false); }} data-testid="send-payee">
          {payees.map((p) => <option key={p.id} value={p.id}>{p.name ? `${p.name} (${p.label})` : p.label}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-a`}>Amount ({currency})</label>
        <input id={`${id}-a`} type="text" inputMode="decimal" autoComplete="off" value={text} onChange={(e) => { setText(e.target.value); setConfirming(false); }}
          aria-invalid={submitted && !!amountError} aria-describedby={`${id}-ah`} data-testid="send-amount" />
        <p id={`${id}-ah`} className={submitted && amountError ? 'field-error' : 'hint'}>
          {submitted && amountError ? amountError : available !== null ? `Available: ${formatMoney({ amount: available, currency })}` : '\u00a0'}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-n`}>Note <span className="muted">(optional, they see it)</span></label>
        <input id={`${id}-n`} type="text" maxLength={140} value={note} onChange={(e) => { setNote(e.target.value); setConfirming(false); }} data-testid="send-note" />
      </div>
      {confirming && payee && amount !== null ? (
        <div className="confirm-box" data-testid="send-confirm">
          <p className="confirm-prompt">Send {formatMoney({ amount, currency })} to {payee.name ?? payee.label}?</p>
          <p className="small muted">Transfers between wallets arrive at once and cannot be taken back.</p>
          <div className="row">
            <button type="button" className="btn btn-primary" onClick={() => void send()} disabled={busy} data-testid="send-confirm-button" autoFocus>
              {busy ? 'Sending…' : `Send ${formatMoney({ amount, currency })}`}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setConfirming(false)} disabled={busy}>Cancel</button>
          </div>
        </div>
      ) : (
        <button type="submit" className="btn btn-primary btn-block" data-testid="send-review">Continue</button>
      )}
      <ErrorNotice error={error} testId="send-error" />
    </form>
  );
}
