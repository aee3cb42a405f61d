import { useState } from 'react';
import { ErrorNotice, Notice } from '../../ui/Notice.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { totpRemove } from '../api.ts';
import { StepUpCancelled, useStepUp } from '../StepUp.tsx';
import { endedText } from './endedText.ts';
import { TotpSetup } from './TotpSetup.tsx';

export function TotpCard({ enabled, onChanged }: { enabled: boolean; onChanged: () => void }) {
  const withStepUp = useStepUp();
  const [done, setDone] = useState<string | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      const r = await withStepUp(() => totpRemove());
      setDone(`Authenticator app removed.${endedText(r.otherSessionsEnded)}`);
      setConfirmRemove(false);
      onChanged();
    } catch (e) {
      setError(e instanceof StepUpCancelled ? null : e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack-tight" aria-labelledby="totp-h" data-testid="totp-card">
      <div className="section-head">
        <h2 id="totp-h">Authenticator app</h2>
        <StatusBadge status={enabled ? 'done' : 'pending'} label={enabled ? 'On' : 'Off'} testId="totp-state" />
      </div>
      <p className="muted small">Codes from an app on your phone — works without mobile signal and cannot be intercepted like a text.</p>
      {done && <Notice tone="success" testId="totp-done">{done}</Notice>}
      {!enabled ? (
        <TotpSetup onDone={(n) => { setDone(`Authenticator app turned on.${endedText(n)}`); onChanged(); }} />
      ) : confirmRemove ? (
        <div className="confirm-box">
          <p className="confirm-prompt">Remove the authenticator app? You will confirm logins with a text message or a passkey instead.</p>
          <div className="row">
            <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={busy} data-testid="totp-remove-confirm">{busy ? 'Removing…' : 'Remove'}</button>
            <button type="button" className="btn btn-ghost" onClick={() => setConfirmRemove(false)} disabled={busy}>Cancel</button>
          </div>
        </div>
      ) : (
        <div className="row"><button type="button" className="btn btn-danger-outline" onClick={() => setConfirmRemove(true)} data-testid="totp-remove">Remove</button></div>
      )}
      <ErrorNotice error={error} />
    </section>
  );
}
