import { useId, useState, type FormEvent } from 'react';
import { Link } from '../../router.tsx';
import { login, type Challenge } from '../api.ts';
import { useSession } from '../session.tsx';
import { AuthError } from './AuthError.tsx';
import { AuthShell } from './AuthShell.tsx';
import { PasswordField } from './PasswordField.tsx';
import { SecondFactor } from './SecondFactor.tsx';

/**
 * Log in: e-mail or phone + password, then a second factor. Rendered in place of any page of the personal area
 * when signed out, so the customer lands where they were going; `/account/login` itself goes to the dashboard.
 */
export function LoginPage({ ended = false, goTo }: { ended?: boolean; goTo?: string }) {
  const { refresh } = useSession();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim() || !password || busy) return;
    setBusy(true);
    setError(null);
    try {
      setChallenge(await login({ login: name.trim(), password }));
      setPassword('');
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  if (challenge) {
    return (
      <AuthShell title="Confirm it's you" testId="login-second-factor">
        <SecondFactor
          challenge={challenge}
          submitLabel="Log in"
          onRestart={() => { setChallenge(null); setError(null); }}
          onVerified={async () => { await refresh(goTo); }}
        />
        <button type="button" className="btn btn-ghost" onClick={() => setChallenge(null)}>← Back</button>
      </AuthShell>
    );
  }

  return (
    <AuthShell title="Log in" testId="login-page" footer={<>New here? <Link to="/account/signup">Create an account</Link></>}>
      {ended && <p className="notice notice-info" role="status" data-testid="session-ended">Your session ended. Please log in again.</p>}
      <form className="stack" onSubmit={submit} noValidate data-testid="login-form">
        <div className="field">
          <label htmlFor={id}>E-mail or phone</label>
          <input id={id} type="text" autoComplete="username" autoCapitalize="off" spellCheck={false} value={name} maxLength={254}
            data-testid="login-name" onChange={(e) => setName(e.target.value)} />
        </div>
        <PasswordField label="Password" value={password} onChange={setPassword} autoComplete="current-password" testId="login-password" />
        <AuthError error={error} />
        <button type="submit" className="btn btn-primary btn-block btn-large" disabled={busy || !name.trim() || !password} data-testid="login-submit">
          {busy ? 'Checking…' : 'Continue'}
        </button>
      </form>
    </AuthShell>
  );
}
