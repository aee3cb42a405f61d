import { useId, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { isEmail } from '../../util.ts';
import { addPayee, type Payee } from '../api.ts';
import { StepUpCancelled, useStepUp } from '../StepUp.tsx';

/** Adds another customer as a payee by their exact e-mail or phone (a fresh second factor is asked for). */
export function AddPayeeForm({ onAdded, onCancel }: { onAdded: (p: Payee) => void; onCancel?: () => void }) {
  const withStepUp = useStepUp();
  const [who, setWho] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();
  const value = who.trim();
  const byEmail = value.includes('@');
  const phone = value.replace(/[\s\-().]/g, '').replace(/^00/, '+');
  const valid = byEmail ? isEmail(value) : /^\+[1-9][0-9]{7,14}$/.test(phone);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!valid || busy) return;
    setBusy(true);
    setError(null);
    try {
      const extra = name.trim() ? { name: name.trim() } : {};
      onAdded(await withStepUp(() => addPayee(byEmail ? { email: value, ...extra } : { phone, ...extra })));
      setWho('');
      setName('');
    } catch (err) {
      setError(err instanceof StepUpCancelled ? null : err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack-tight" onSubmit={submit} noValidate data-testid="payee-form">
      <div className="field">
        <label htmlFor={`${id}-w`}>Their e-mail or phone</label>
        <input id={`${id}-w`} type="text" autoComplete="off" autoCapitalize="off" spellCheck={false} value={who} maxLength={254}
          placeholder="friend@example.com or +4915123456789" onChange={(e) => setWho(e.target.value)} data-testid="payee-who"
          aria-invalid={value !== '' && !valid} aria-describedby={`${id}-h`} />
        <p id={`${id}-h`} className={value !== '' && !valid ? 'field-error' : 'hint'}>
          {value !== '' && !valid ? (byEmail ? 'This e-mail address does not look right.' : 'Enter a phone number with its country code, e.g. +4915123456789.') : 'They need a Tollgate account with this exact e-mail or phone.'}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-n`}>Name <span className="muted">(optional, for you)</span></label>
        <input id={`${id}-n`} type="text" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} data-testid="payee-name" />
      </div>
      <ErrorNotice error={error} testId="payee-error" />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy || !valid} data-testid="payee-submit">{busy ? 'Adding…' : 'Add payee'}</button>
        {onCancel && <button type="button" className="btn btn-ghost" onClick={onCancel} disabled={busy}>Cancel</button>}
      </div>
    </form>
  );
}
