import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../api.ts';
import { Link } from '../../router.tsx';
import { isEmail } from '../../util.ts';
import { signup, type Challenge } from '../api.ts';
import { useSession } from '../session.tsx';
import { AuthError } from './AuthError.tsx';
import { AuthShell } from './AuthShell.tsx';
import { PasswordField } from './PasswordField.tsx';
import { SecondFactor } from './SecondFactor.tsx';

const PHONE_RE = /^\+[1-9][0-9]{7,14}$/;
const cleanPhone = (p: string) => p.trim().replace(/[\s\-().]/g, '').replace(/^00/, '+');

interface Errors { email?: string; phone?: string; password?: string }

function validate(email: string, phone: string, password: string): Errors {
  const e: Errors = {};
  if (!isEmail(email.trim())) e.email = 'Enter your e-mail address (example: name@example.com).';
  if (!PHONE_RE.test(cleanPhone(phone))) e.phone = 'Enter the number with its country code, e.g. +4915123456789.';
  if ([...password].length < 10) e.password = 'Use at least 10 characters.';
  else if (new Set(password).size < 5) e.password = 'Use at least 5 different characters.';
  return e;
}

/** Sign-up: e-mail, phone, password → the code texted to the phone → signed in → offer stronger factors. */
export function SignupPage() {
  const { refresh } = useSession();
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const ids = { email: useId(), phone: useId() };
  const errors = submitted ? validate(email, phone, password) : {};

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(validate(email, phone, password)).length > 0 || busy) return;
    setBusy(true);
    setError(null);
    try {
      setChallenge(await signup({ email: email.trim(), phone: cleanPhone(phone), password }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (challenge) {
    return (
      <AuthShell title="Confirm your phone" testId="signup-code">
        <p className="muted">Enter the 6-digit code we texted you to finish creating your account.</p>
        <SecondFactor
          challenge={challenge}
          submitLabel="Confirm and continue"
          onRestart={() => { setChallenge(null); setError(null); }}
          onVerified={async () => { await refresh('/account/welcome'); }}
        />
      </AuthShell>
    );
  }

  const exists = error instanceof ApiError && error.code === 'conflict';
  return (
    <AuthShell title="Create your account" testId="signup-page" footer={<>Already have an account? <Link to="/account/login">Log in</Link></>}>
      <form className="stack" onSubmit={submit} noValidate data-testid="signup-form">
        <div className="field">
          <label htmlFor={ids.email}>E-mail</label>
          <input id={ids.email} type="email" inputMode="email" autoComplete="email" value={email} maxLength={254}
            aria-invalid={!!errors.email} aria-describedby={`${ids.email}-e`} data-testid="signup-email" onChange={(e) => setEmail(e.target.value)} />
          {errors.email && <p id={`${ids.email}-e`} className="field-error">{errors.email}</p>}
        </div>
        <div className="field">
          <label htmlFor={ids.phone}>Mobile phone</label>
          <input id={ids.phone} type="tel" inputMode="tel" autoComplete="tel" value={phone} maxLength={32} placeholder="+4915123456789"
            aria-invalid={!!errors.phone} aria-describedby={`${ids.phone}-e`} data-testid="signup-phone" onChange={(e) => setPhone(e.target.value)} />
          <p id={`${ids.phone}-e`} className={errors.phone ? 'field-error' : 'hint'}>{errors.phone ?? 'We text a code to this number to confirm it. Include the country code.'}</p>
        </div>
        <PasswordField label="Password" value={password} onChange={setPassword} autoComplete="new-password" testId="signup-password"
          hint="At least 10 characters. A phrase of a few words works well." error={errors.password} />
        {exists ? (
          <div className="notice notice-error" role="alert" data-testid="signup-exists">
            <span>An account with this e-mail address or phone number already exists. <Link to="/account/login">Log in instead</Link></span>
          </div>
        ) : (
          <AuthError error={error} />
        )}
        <button type="submit" className="btn btn-primary btn-block btn-large" disabled={busy} data-testid="signup-submit">
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
    </AuthShell>
  );
}
