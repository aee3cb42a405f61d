import { useId, useState, type FormEvent } from 'react';
import { useAction } from '../../ui/useAction.ts';
import { createCardholder } from './cardsApi.ts';
import { ApiErrorNotice, errorField } from './cardsUi.tsx';

/** Create a cardholder: name, e-mail and phone (encrypted at rest by the server). */
export function CardholderForm({ onCreated }: { onCreated: (id: string) => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const { busy, error, run } = useAction();
  const id = useId();
  const bad = errorField(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return;
    await run(async () => {
      const r = await createCardholder({ name: name.trim(), ...(email.trim() ? { email: email.trim() } : {}), ...(phone.trim() ? { phone: phone.trim() } : {}) });
      setName('');
      setEmail('');
      setPhone('');
      onCreated(r.id);
    });
  }

  return (
    <details className="card" data-testid="cardholder-add">
      <summary className="summary-btn"><strong>New cardholder</strong></summary>
      <form className="stack form-top" onSubmit={submit} data-testid="cardholder-form" noValidate>
        <div className="form-grid">
          <div className="field span-2">
            <label htmlFor={`${id}-name`}>Name</label>
            <input id={`${id}-name`} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} aria-invalid={bad === 'name' || undefined} data-testid="cardholder-name" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-email`}>E-mail <span className="muted">(optional)</span></label>
            <input id={`${id}-email`} type="email" maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} aria-invalid={bad === 'email' || undefined} data-testid="cardholder-email" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-phone`}>Phone <span className="muted">(optional)</span></label>
            <input id={`${id}-phone`} type="tel" maxLength={20} placeholder="+27 82 555 0100" value={phone} onChange={(e) => setPhone(e.target.value)} aria-invalid={bad === 'phone' || undefined} data-testid="cardholder-phone" />
          </div>
        </div>
        <ApiErrorNotice error={error} testId="cardholder-error" />
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()} data-testid="cardholder-submit">{busy ? 'Saving…' : 'Create cardholder'}</button>
        </div>
      </form>
    </details>
  );
}
