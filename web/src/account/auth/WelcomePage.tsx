import { useEffect, useState } from 'react';
import { Link } from '../../router.tsx';
import { Notice } from '../../ui/Notice.tsx';
import { PasskeyAdd } from '../security/PasskeyAdd.tsx';
import { TotpSetup } from '../security/TotpSetup.tsx';
import { useMe } from '../session.tsx';

/** Right after sign-up: the account is ready; offer a stronger second factor than text messages (optional). */
export function WelcomePage() {
  const me = useMe();
  const [added, setAdded] = useState<string | null>(null);

  useEffect(() => {
    document.title = 'Welcome · Tollgate';
  }, []);

  return (
    <div className="stack narrow-page" data-testid="welcome-page">
      <h1>Your account is ready</h1>
      <p className="muted">Your phone {me.phone} is confirmed: we text you a code each time you log in.</p>
      {added && <Notice tone="success" testId="welcome-added">{added}</Notice>}
      <section className="card stack-tight" aria-labelledby="w-totp">
        <h2 id="w-totp">Add an authenticator app <span className="chip chip-tiny">Recommended</span></h2>
        <p className="muted small">Codes from an app work without mobile signal and cannot be intercepted like a text.</p>
        {me.factors.includes('totp') ? <p className="field-ok">Authenticator app is on.</p> : <TotpSetup onDone={() => setAdded('Authenticator app turned on. You can use it the next time you log in.')} />}
      </section>
      <section className="card stack-tight" aria-labelledby="w-pk">
        <h2 id="w-pk">Or a passkey</h2>
        <p className="muted small">Log in with your fingerprint, face or device PIN.</p>
        <PasskeyAdd onAdded={(p) => setAdded(`“${p.name}” added. You can log in with it next time.`)} />
      </section>
      <Link to="/account" className="btn btn-primary btn-large btn-block" data-testid="welcome-continue">{added ? 'Go to my account' : 'Skip for now'}</Link>
    </div>
  );
}
