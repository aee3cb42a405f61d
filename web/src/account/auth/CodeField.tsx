import { useId } from 'react';

/** A one-time code input: 6 digits for SMS/authenticator codes, free text for recovery codes. */
export function CodeField({ value, onChange, kind, hint, autoFocus = true }: { value: string; onChange: (v: string) => void; kind: 'digits' | 'recovery'; hint?: string; autoFocus?: boolean }) {
  const id = useId();
  const digits = kind === 'digits';
  return (
    <div className="field">
      <label htmlFor={id}>{digits ? '6-digit code' : 'Recovery code'}</label>
      <input
        id={id}
        className={digits ? 'code-input' : 'code-input code-input-text'}
        type="text"
        inputMode={digits ? 'numeric' : 'text'}
        autoComplete="one-time-code"
        autoCapitalize="off"
        spellCheck={false}
        maxLength={digits ? 6 : 24}
        placeholder={digits ? '123456' : 'xxxxx-xxxxx'}
        value={value}
        autoFocus={autoFocus}
        aria-describedby={hint ? `${id}-hint` : undefined}
        data-testid="code-input"
        onChange={(e) => onChange(digits ? e.target.value.replace(/\D/g, '').slice(0, 6) : e.target.value)}
      />
      {hint && <p id={`${id}-hint`} className="hint" data-testid="code-hint">{hint}</p>}
    </div>
  );
}
