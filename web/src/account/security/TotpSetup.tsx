import { useState, type FormEvent } from 'react';
import { CopyButton } from '../../ui/CopyButton.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { totpConfirm, totpEnrol } from '../api.ts';
import { CodeField } from '../auth/CodeField.tsx';
import { StepUpCancelled, useStepUp } from '../StepUp.tsx';

type Enrolment = { secret: string; otpauthUri: string; qrDataUrl: string };

/** Authenticator app enrolment: QR code (or the key typed by hand), then a first code to prove it works. */
export function TotpSetup({ onDone, onCancel }: { onDone: (otherSessionsEnded: number) => void; onCancel?: () => void }) {
  const withStepUp = useStepUp();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      setEnrolment(await withStepUp(() => totpEnrol()));
    } catch (e) {
      setError(e instanceof StepUpCancelled ? null : e);
    } finally {
      setBusy(false);
    }
  }

  async function confirm(e: FormEvent) {
    e.preventDefault();
    if (code.length !== 6 || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await withStepUp(() => totpConfirm(code));
      onDone(r.otherSessionsEnded);
    } catch (err) {
      setCode('');
      setError(err instanceof StepUpCancelled ? null : err);
    } finally {
      setBusy(false);
    }
  }

  if (!enrolment) {
    return (
      <div className="stack-tight">
        <ErrorNotice error={error} testId="totp-error" />
        <div className="row">
          <button type="button" className="btn btn-primary" onClick={() => void start()} disabled={busy} data-testid="totp-start">
            {busy ? 'Preparing…' : 'Set up authenticator app'}
          </button>
          {onCancel && <button type="button" className="btn btn-ghost" onClick={onCancel}>Not now</button>}
        </div>
      </div>
    );
  }
  const grouped = enrolment.secret.replace(/(.{4})/g, '$1 ').trim();
  return (
    <form className="stack totp-setup" onSubmit={confirm} data-testid="totp-setup">
      <ol className="steps small">
        <li>Open your authenticator app (Google Authenticator, 1Password, Aegis…) and add an account.</li>
        <li>Scan this QR code, or type the key below.</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <img className="qr" src={enrolment.qrDataUrl} width={200} height={200} alt="QR code to add Tollgate to your authenticator app" data-testid="totp-qr" />
      <div className="row">
        <code className="code" data-testid="totp-secret" data-secret={enrolment.secret}>{grouped}</code>
        <CopyButton text={enrolment.secret} label="Copy key" testId="totp-copy" />
      </div>
      <CodeField value={code} onChange={setCode} kind="digits" />
      <ErrorNotice error={error} testId="totp-error" />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy || code.length !== 6} data-testid="totp-confirm">{busy ? 'Checking…' : 'Turn on'}</button>
        <button type="button" className="btn btn-ghost" onClick={() => { setEnrolment(null); setCode(''); onCancel?.(); }} disabled={busy}>Cancel</button>
      </div>
    </form>
  );
}
