import { useId } from 'react';
import type { Method } from '../api.ts';

export const METHOD_LABELS: Record<Method, string> = {
  sms: 'Text message',
  totp: 'Authenticator app',
  passkey: 'Passkey',
  recovery_code: 'Recovery code',
};

/** The second factors a challenge offers, as a radio group (shown only when there is a choice). */
export function MethodPicker({ methods, value, onChange, disabled }: { methods: Method[]; value: Method; onChange: (m: Method) => void; disabled?: boolean }) {
  const name = useId();
  if (methods.length < 2) return null;
  return (
    <fieldset className="method-picker" data-testid="method-picker" disabled={disabled}>
      <legend>Confirm with</legend>
      <div className="method-options">
        {methods.map((m) => (
          <label key={m} className={`method-option${m === value ? ' on' : ''}`}>
            <input type="radio" name={name} value={m} checked={m === value} onChange={() => onChange(m)} data-testid={`method-${m}`} />
            {METHOD_LABELS[m]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
