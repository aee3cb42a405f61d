import { useEffect } from 'react';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { getSecurity } from '../api.ts';
import { useMe, useSession } from '../session.tsx';
import { PasskeysCard } from './PasskeysCard.tsx';
import { PasswordCard } from './PasswordCard.tsx';
import { RecoveryCodesCard } from './RecoveryCodesCard.tsx';
import { SessionsCard } from './SessionsCard.tsx';
import { TotpCard } from './TotpCard.tsx';

/** Second factors (text message, authenticator app, passkeys, recovery codes), sessions and the password. */
export function SecurityPage() {
  const me = useMe();
  const { refresh } = useSession();
  const sec = useLoad(() => getSecurity(), []);

  useEffect(() => {
    document.title = 'Security · Tollgate';
  }, []);

  const changed = () => { void sec.reload(); void refresh(); };
  return (
    <div className="stack" data-testid="security-page">
      <h1>Security</h1>
      <section className="card stack-tight" aria-labelledby="sms-h">
        <h2 id="sms-h">Text message</h2>
        <p className="small">Codes go to <strong className="nowrap" data-testid="security-phone">{me.phone}</strong>{me.phoneVerified ? '' : ' (not confirmed yet)'}.</p>
      </section>
      {sec.error && !sec.data ? (
        <div className="stack">
          <ErrorNotice error={sec.error} />
          <button type="button" className="btn" onClick={() => void sec.reload()}>Try again</button>
        </div>
      ) : !sec.data ? (
        <p className="muted" aria-busy="true">Loading…</p>
      ) : (
        <>
          <TotpCard enabled={sec.data.totp} onChanged={changed} />
          <PasskeysCard passkeys={sec.data.passkeys} onChanged={changed} />
          <RecoveryCodesCard left={sec.data.recoveryCodesLeft} onChanged={changed} />
        </>
      )}
      <SessionsCard />
      <PasswordCard />
    </div>
  );
}
