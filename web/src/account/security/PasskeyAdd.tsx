import { useId, useState, type FormEvent } from 'react';
import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { passkeyRegister, passkeyRegistrationOptions, type Passkey } from '../api.ts';
import { passkeyAttestation } from '../passkey.ts';
import { StepUpCancelled, useStepUp } from '../StepUp.tsx';

function defaultName(): string {
  const ua = navigator.userAgent;
  const os = /iPhone|iPad/.test(ua) ? 'iPhone' : /Android/.test(ua) ? 'Android' : /Mac/.test(ua) ? 'Mac' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : 'This device';
  return `Passkey on ${os}`;
}

/** Registers a passkey on this device (the browser's prompt) under a name the customer recognises later. */
export function PasskeyAdd({ onAdded }: { onAdded: (p: Passkey) => void }) {
  const withStepUp = useStepUp();
  const [name, setName] = useState(defaultName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();
  const supported = browserSupportsWebAuthn();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const { challengeId, options } = await withStepUp(() => passkeyRegistrationOptions());
      const response = await passkeyAttestation(options);
      onAdded(await withStepUp(() => passkeyRegister({ challengeId, response, ...(name.trim() ? { name: name.trim().slice(0, 60) } : {}) })));
    } catch (err) {
      setError(err instanceof StepUpCancelled ? null : err);
    } finally {
      setBusy(false);
    }
  }

  if (!supported) return <p className="muted small">This browser cannot create passkeys.</p>;
  return (
    <form className="row passkey-add" onSubmit={submit} data-testid="passkey-add">
      <div className="field grow">
        <label htmlFor={id}>Name</label>
        <input id={id} type="text" maxLength={60} value={name} onChange={(e) => setName(e.target.value)} data-testid="passkey-name" />
      </div>
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="passkey-add-button">{busy ? 'Follow your browser…' : 'Add a passkey'}</button>
      <div className="grow"><ErrorNotice error={error} testId="passkey-error" /></div>
    </form>
  );
}
