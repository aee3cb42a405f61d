import { useState } from 'react';
import { formatDateTime } from '../../format.ts';
import { ErrorNotice, Notice } from '../../ui/Notice.tsx';
import { passkeyRemove, type Passkey } from '../api.ts';
import { StepUpCancelled, useStepUp } from '../StepUp.tsx';
import { PasskeyAdd } from './PasskeyAdd.tsx';

export function PasskeysCard({ passkeys, onChanged }: { passkeys: Passkey[]; onChanged: () => void }) {
  const withStepUp = useStepUp();
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function remove(p: Passkey) {
    setBusy(p.id);
    setError(null);
    try {
      await withStepUp(() => passkeyRemove(p.id));
      setNotice(`“${p.name}” removed.`);
      onChanged();
    } catch (e) {
      setError(e instanceof StepUpCancelled ? null : e);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="card stack-tight" aria-labelledby="pk-h" data-testid="passkeys-card">
      <h2 id="pk-h">Passkeys</h2>
      <p className="muted small">Log in with your fingerprint, face or device PIN. Nothing to type, nothing to phish.</p>
      {notice && <Notice tone="success" testId="passkey-done">{notice}</Notice>}
      {passkeys.length > 0 && (
        <ul className="plain-list item-list">
          {passkeys.map((p) => (
            <li key={p.id} className="item-row" data-testid="passkey">
              <span className="item-main">
                <strong>{p.name}</strong>
                <span className="muted small">Added {formatDateTime(p.createdAt)} · {p.lastUsedAt ? `last used ${formatDateTime(p.lastUsedAt)}` : 'not used yet'}</span>
              </span>
              <button type="button" className="btn btn-small btn-danger-outline" onClick={() => void remove(p)} disabled={busy !== null} aria-label={`Remove ${p.name}`}>
                {busy === p.id ? 'Removing…' : 'Remove'}
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorNotice error={error} />
      <PasskeyAdd onAdded={(p) => { setNotice(`“${p.name}” added. You can log in with it now.`); onChanged(); }} />
    </section>
  );
}
