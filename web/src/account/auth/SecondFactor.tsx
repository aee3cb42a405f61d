import { useState, type FormEvent } from 'react';
import { passkeyRequestOptions, textCode, verifyChallenge, type Challenge, type Method, type VerifyResult } from '../api.ts';
import { passkeyAssertion } from '../passkey.ts';
import { AuthError, isClosedChallenge } from './AuthError.tsx';
import { CodeField } from './CodeField.tsx';
import { MethodPicker } from './MethodPicker.tsx';

function firstMethod(c: Challenge): Method {
  if (c.smsSentTo && c.methods.includes('sms')) return 'sms';
  for (const m of ['totp', 'passkey', 'sms', 'recovery_code'] as const) if (c.methods.includes(m)) return m;
  return c.methods[0] ?? 'sms';
}

/**
 * The second step of every sign-in, sign-up and step-up: pick a factor the challenge offers, answer it.
 * SMS codes are texted on request (or were already, when SMS is the only factor); passkeys run the browser's
 * WebAuthn prompt with the server's options. A closed challenge (expired, out of attempts) offers a restart.
 */
export function SecondFactor({ challenge, onVerified, onRestart, submitLabel = 'Confirm' }: {
  challenge: Challenge;
  onVerified: (r: VerifyResult) => void | Promise<void>;
  onRestart?: () => void;
  submitLabel?: string;
}) {
  const [method, setMethod] = useState<Method>(() => firstMethod(challenge));
  const [sentTo, setSentTo] = useState<string | null>(challenge.smsSentTo ?? null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState<'verify' | 'sms' | 'passkey' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [resent, setResent] = useState(false);
  const closed = isClosedChallenge(error);

  async function run(kind: 'verify' | 'sms' | 'passkey', fn: () => Promise<void>) {
    setBusy(kind);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  const sendSms = () =>
    run('sms', async () => {
      const r = await textCode(challenge.challengeId);
      if (sentTo) setResent(true);
      setSentTo(r.smsSentTo);
    });

  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim() || busy) return;
    void run('verify', async () => {
      try {
        const r = await verifyChallenge(challenge.challengeId, { method, code: code.trim() });
        await onVerified(r);
      } catch (err) {
        setCode('');
        throw err;
      }
    });
  };

  const answerWithPasskey = () =>
    run('passkey', async () => {
      const options = await passkeyRequestOptions(challenge.challengeId);
      const response = await passkeyAssertion(options);
      await onVerified(await verifyChallenge(challenge.challengeId, { method: 'passkey', response }));
    });

  return (
    <div className="stack" data-testid="second-factor" data-method={method}>
      <MethodPicker methods={challenge.methods} value={method} disabled={!!busy} onChange={(m) => { setMethod(m); setCode(''); setError(null); }} />

      {method === 'passkey' ? (
        <div className="stack">
          <p className="muted">Use the passkey saved on this device or your security key.</p>
          <button type="button" className="btn btn-primary btn-block" onClick={() => void answerWithPasskey()} disabled={!!busy || closed} data-testid="passkey-button">
            {busy === 'passkey' ? 'Waiting for your passkey…' : 'Use passkey'}
          </button>
        </div>
      ) : method === 'sms' && !sentTo ? (
        <div className="stack">
          <p className="muted">We will text a 6-digit code to the phone number on your account.</p>
          <button type="button" className="btn btn-primary btn-block" onClick={() => void sendSms()} disabled={!!busy || closed} data-testid="send-sms">
            {busy === 'sms' ? 'Sending…' : 'Text me a code'}
          </button>
        </div>
      ) : (
        <form className="stack" onSubmit={submitCode} noValidate>
          {method === 'sms' && (
            <p className="notice notice-info" role="status" data-testid="sms-sent-to">
              <span>{resent ? 'A new code was sent' : 'We sent a code'} to <strong className="nowrap">{sentTo}</strong>. It works for 5 minutes.</span>
            </p>
          )}
          <CodeField
            key={method}
            value={code}
            onChange={setCode}
            kind={method === 'recovery_code' ? 'recovery' : 'digits'}
            hint={method === 'totp' ? 'The code your authenticator app shows for Tollgate.' : method === 'recovery_code' ? 'One of the codes you saved. Each works once.' : undefined}
          />
          <button type="submit" className="btn btn-primary btn-block" disabled={!!busy || closed || (method === 'recovery_code' ? code.trim().length < 10 : code.length !== 6)} data-testid="verify-button">
            {busy === 'verify' ? 'Checking…' : submitLabel}
          </button>
          {method === 'sms' && (
            <button type="button" className="linklike small" onClick={() => void sendSms()} disabled={!!busy || closed} data-testid="resend-sms">
              Didn't get it? Send a new code
            </button>
          )}
        </form>
      )}

      <AuthError error={error} />
      {closed && onRestart && (
        <button type="button" className="btn" onClick={onRestart} data-testid="restart">Start again</button>
      )}
    </div>
  );
}
