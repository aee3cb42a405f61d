import { useState, type FormEvent } from 'react';
import { ErrorNotice, Notice } from '../../ui/Notice.tsx';
import { changePassword } from '../api.ts';
import { PasswordField } from '../auth/PasswordField.tsx';
import { StepUpCancelled, useStepUp } from '../StepUp.tsx';
import { endedText } from './endedText.ts';

/** Change the password: the current one, the new one twice; a step-up; every other session ends. */
export function PasswordCard() {
  const withStepUp = useStepUp();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const tooShort = [...next].length < 10;
  const mismatch = again !== next;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    if (!current || tooShort || mismatch || busy) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const r = await withStepUp(() => changePassword({ currentPassword: current, newPassword: next }));
      setDone(`Password changed.${endedText(r.otherSessionsEnded)}`);
      setCurrent('');
      setNext('');
      setAgain('');
      setSubmitted(false);
    } catch (err) {
      setError(err instanceof StepUpCancelled ? null : err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="pw-h" data-testid="password-card">
      <form className="stack-tight" onSubmit={submit} noValidate>
        <h2 id="pw-h">Password</h2>
        {done && <Notice tone="success" testId="password-done">{done}</Notice>}
        <PasswordField label="Current password" value={current} onChange={setCurrent} autoComplete="current-password" testId="password-current"
          error={submitted && !current ? 'Enter your current password.' : null} />
        <PasswordField label="New password" value={next} onChange={setNext} autoComplete="new-password" testId="password-new"
          hint="At least 10 characters." error={submitted && tooShort ? 'Use at least 10 characters.' : null} />
        <PasswordField label="New password again" value={again} onChange={setAgain} autoComplete="new-password" testId="password-again"
          error={submitted && mismatch ? 'The two new passwords are different.' : null} />
        <ErrorNotice error={error} testId="password-error" />
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="password-submit">{busy ? 'Changing…' : 'Change password'}</button>
        </div>
        <p className="hint">Changing it logs you out everywhere else.</p>
      </form>
    </section>
  );
}
