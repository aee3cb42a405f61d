import { useId, useState, type FormEvent } from 'react';
import { login, type StaffSession } from '../api.ts';
import { ErrorNotice } from '../ui/Notice.tsx';
import { useAction } from '../ui/useAction.ts';

export function Login({ onSignedIn, expired }: { onSignedIn: (s: StaffSession) => void; expired: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const emailId = useId();
  const pwId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!email.trim() || !password) return;
    if (!(await run(async () => onSignedIn(await login(email.trim(), password))))) setPassword('');
  }

  return (
    <main className="login-page">
      <form className="card login-card stack" onSubmit={submit} data-testid="login-form">
        <div className="brand"><span className="brand-mark" aria-hidden="true">T</span> Tollgate console</div>
        <h1 className="h2">Staff sign in</h1>
        {expired && !error && <p className="notice notice-info" role="status" data-testid="login-expired">Your session ended. Please sign in again.</p>}
        <div className="field">
          <label htmlFor={emailId}>E-mail</label>
          <input id={emailId} type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} data-testid="login-email" />
        </div>
        <div className="field">
          <label htmlFor={pwId}>Password</label>
          <input id={pwId} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} data-testid="login-password" />
        </div>
        <ErrorNotice error={error} testId="login-error" />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !email.trim() || !password} data-testid="login-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
