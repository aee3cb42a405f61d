import { useId, useState, type FormEvent } from 'react';
import { parseMajor } from '../../format.ts';
import { uuid } from '../../util.ts';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useAction } from '../../ui/useAction.ts';
import { ACCOUNT_ID_RE, postCorrection, type LedgerAccount, type LedgerTransfer } from './ledgerApi.ts';
import { money } from './ledgerUi.tsx';

type Draft = { side: 'debit' | 'credit'; other: string; amount: string; description: string; reason: string };

/**
 * Posts a correction touching this account (ledger:write; transfers are never edited, a correction is a new
 * transfer, audited). Confirmed twice: a review of exactly what will be posted, then a ticked confirmation.
 * The client id is fixed for one review, so a retry after a network error cannot post twice.
 */
export function CorrectionForm({ account, onPosted }: { account: LedgerAccount; onPosted: (t: LedgerTransfer) => void }) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<Draft>({ side: 'debit', other: '', amount: '', description: '', reason: '' });
  const [review, setReview] = useState<{ id: string; debit: string; credit: string; amount: number } | null>(null);
  const [checked, setChecked] = useState(false);
  const { busy, error, setError, run } = useAction();
  const [done, setDone] = useState<LedgerTransfer | null>(null);
  const ids = { side: useId(), other: useId(), amount: useId(), description: useId(), reason: useId(), check: useId() };

  const other = draft.other.trim();
  const amount = parseMajor(draft.amount, account.currency);
  const otherBad = !!other && (!ACCOUNT_ID_RE.test(other) || other === account.id);
  const amountBad = !!draft.amount.trim() && (amount === null || amount <= 0);
  const ready = !!other && !otherBad && amount !== null && amount > 0 && !!draft.description.trim() && !!draft.reason.trim();

  function toReview(e: FormEvent) {
    e.preventDefault();
    if (!ready || amount === null) return;
    setError(null);
    setChecked(false);
    setReview({
      id: `correction-${uuid()}`, amount,
      debit: draft.side === 'debit' ? account.id : other, credit: draft.side === 'debit' ? other : account.id,
    });
  }

  async function post() {
    if (!review) return;
    await run(async () => {
      const t = await postCorrection({
        id: review.id, debitAccountId: review.debit, creditAccountId: review.credit, amount: { amount: review.amount, currency: account.currency },
        description: draft.description.trim(), reason: draft.reason.trim(),
      });
      setDone(t);
      setReview(null);
      setOpen(false);
      setDraft({ side: 'debit', other: '', amount: '', description: '', reason: '' });
      onPosted(t);
    });
  }

  if (!open) {
    return (
      <div className="stack">
        {done && <p className="notice notice-success" data-testid="correction-done">Correction {done.id} posted.</p>}
        <div><button type="button" className="btn" onClick={() => { setOpen(true); setDone(null); }} data-testid="correction-open">Post a correction…</button></div>
      </div>
    );
  }

  if (review) {
    return (
      <div className="c4-review stack" data-testid="correction-review">
        <strong>Check the correction before posting it. Posted transfers cannot be edited or deleted.</strong>
        <dl className="kv">
          <dt>Debit</dt><dd className="mono" data-testid="correction-review-debit">{review.debit}{review.debit === account.id ? ' (this account)' : ''}</dd>
          <dt>Credit</dt><dd className="mono" data-testid="correction-review-credit">{review.credit}{review.credit === account.id ? ' (this account)' : ''}</dd>
          <dt>Amount</dt><dd data-testid="correction-review-amount"><strong>{money(review.amount, account.currency)}</strong></dd>
          <dt>Description</dt><dd>{draft.description.trim()}</dd>
          <dt>Reason (audit log)</dt><dd>{draft.reason.trim()}</dd>
        </dl>
        <label className="check" htmlFor={ids.check}>
          <input id={ids.check} type="checkbox" checked={checked} onChange={(e) => setChecked(e.target.checked)} data-testid="correction-check" />
          I checked both accounts and the amount.
        </label>
        <ErrorNotice error={error} testId="correction-error" />
        <div className="row">
          <button type="button" className="btn btn-danger" disabled={!checked || busy} onClick={() => void post()} data-testid="correction-confirm">
            {busy ? 'Posting…' : `Post correction of ${money(review.amount, account.currency)}`}
          </button>
          <button type="button" className="btn btn-ghost" disabled={busy} onClick={() => { setReview(null); setError(null); }}>Back to edit</button>
        </div>
      </div>
    );
  }

  return (
    <form className="stack" onSubmit={toReview} data-testid="correction-form">
      <p className="small muted">A correction is a new transfer of kind “correction” between this account and another account in {account.currency}.</p>
      <div className="c4-filters">
        <div className="field">
          <label htmlFor={ids.side}>This account is</label>
          <select id={ids.side} value={draft.side} onChange={(e) => setDraft({ ...draft, side: e.target.value as Draft['side'] })} data-testid="correction-side">
            <option value="debit">debited</option><option value="credit">credited</option>
          </select>
        </div>
        <div className="field grow">
          <label htmlFor={ids.other}>{draft.side === 'debit' ? 'Account credited' : 'Account debited'}</label>
          <input id={ids.other} value={draft.other} placeholder="lac_…" aria-invalid={otherBad || undefined} onChange={(e) => setDraft({ ...draft, other: e.target.value })} data-testid="correction-other" />
          {otherBad && <span className="field-error">{other === account.id ? 'Another account than this one' : 'An account id: lac_ and 26 characters'}</span>}
        </div>
        <div className="field">
          <label htmlFor={ids.amount}>Amount ({account.currency})</label>
          <input id={ids.amount} inputMode="decimal" value={draft.amount} aria-invalid={amountBad || undefined} onChange={(e) => setDraft({ ...draft, amount: e.target.value })} data-testid="correction-amount" />
          {amountBad && <span className="field-error">A positive amount</span>}
        </div>
      </div>
      <div className="field">
        <label htmlFor={ids.description}>Description (shown on the transfer)</label>
        <input id={ids.description} maxLength={500} value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} data-testid="correction-description" />
      </div>
      <div className="field">
        <label htmlFor={ids.reason}>Reason (audit log)</label>
        <textarea id={ids.reason} rows={2} maxLength={500} value={draft.reason} onChange={(e) => setDraft({ ...draft, reason: e.target.value })} data-testid="correction-reason" />
      </div>
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={!ready} data-testid="correction-review-btn">Review…</button>
        <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)}>Cancel</button>
      </div>
    </form>
  );
}
