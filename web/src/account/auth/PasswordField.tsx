import { useId, useState } from 'react';

/** A password input with a show/hide toggle and an optional hint or error under it. */
export function PasswordField({ label, value, onChange, autoComplete, hint, error, testId }: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  autoComplete: 'current-password' | 'new-password';
  hint?: string;
  error?: string | null;
  testId: string;
}) {
  const id = useId();
  const [shown, setShown] = useState(false);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="password-wrap">
        <input
          id={id}
          type={shown ? 'text' : 'password'}
          autoComplete={autoComplete}
          value={value}
          maxLength={200}
          aria-invalid={!!error}
          aria-describedby={hint || error ? `${id}-hint` : undefined}
          data-testid={testId}
          onChange={(e) => onChange(e.target.value)}
        />
        <button type="button" className="btn btn-small btn-ghost password-toggle" onClick={() => setShown((s) => !s)} aria-pressed={shown} aria-label={shown ? 'Hide password' : 'Show password'}>
          {shown ? 'Hide' : 'Show'}
        </button>
      </div>
      {(error || hint) && <p id={`${id}-hint`} className={error ? 'field-error' : 'hint'}>{error || hint}</p>}
    </div>
  );
}
