import { useEffect, type ReactNode } from 'react';
import { match, navigate, usePath, Link } from '../router.tsx';
import { ErrorNotice } from '../ui/Notice.tsx';
import { LoginPage } from './auth/LoginPage.tsx';
import { SignupPage } from './auth/SignupPage.tsx';
import { WelcomePage } from './auth/WelcomePage.tsx';
import { BillsPage } from './bills/BillsPage.tsx';
import { Dashboard } from './dashboard/Dashboard.tsx';
import { FeedbackPage } from './feedback/FeedbackPage.tsx';
import { Layout } from './Layout.tsx';
import { SecurityPage } from './security/SecurityPage.tsx';
import { SessionProvider, useSession } from './session.tsx';
import { StepUpProvider } from './StepUp.tsx';
import { TopupPage } from './topups/TopupPage.tsx';
import { TopupReturnPage } from './topups/TopupReturnPage.tsx';
import { TransfersPage } from './transfers/TransfersPage.tsx';
import { HistoryPage } from './txns/HistoryPage.tsx';
import { TransactionPage } from './txns/TransactionPage.tsx';

/** The customer's personal area at /account (sign up, log in, wallet, history, top-ups, bills, messages, security). */
export function AccountApp() {
  return (
    <SessionProvider>
      <StepUpProvider>
        <AccountRoutes />
      </StepUpProvider>
    </SessionProvider>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function page(path: string): ReactNode {
  const p = path.replace(/\/+$/, '') || '/account';
  if (p === '/account') return <Dashboard />;
  if (p === '/account/welcome') return <WelcomePage />;
  if (p === '/account/history') return <HistoryPage />;
  if (p === '/account/topup') return <TopupPage />;
  if (p === '/account/bills') return <BillsPage />;
  if (p === '/account/send') return <TransfersPage />;
  if (p === '/account/feedback') return <FeedbackPage />;
  if (p === '/account/security') return <SecurityPage />;
  const txn = match('/account/transactions/:id', p);
  if (txn) return <TransactionPage key={txn.id} id={txn.id} />;
  const topup = match('/account/topups/:id', p);
  if (topup) return <TopupReturnPage key={topup.id} id={topup.id} />;
  return (
    <div className="stack" data-testid="account-not-found">
      <h1>Page not found</h1>
      <p><Link to="/account">Go to your overview</Link></p>
    </div>
  );
}

function AccountRoutes() {
  const path = usePath();
  const { state, refresh } = useSession();

  if (path === '/account/signup') return state.status === 'in' ? <Redirect to="/account" /> : <SignupPage />;
  if (path === '/account/login') return state.status === 'in' ? <Redirect to="/account" /> : <LoginPage goTo="/account" />;
  if (state.status === 'loading') {
    return <div className="account-loading" aria-busy="true"><span className="spinner" aria-hidden="true" /> <span className="sr-only">Loading…</span></div>;
  }
  if (state.status === 'error') {
    return (
      <main className="wrap main narrow stack">
        <ErrorNotice error={state.error} testId="session-error" />
        <button type="button" className="btn" onClick={() => void refresh()}>Try again</button>
      </main>
    );
  }
  if (state.status === 'out') return <LoginPage ended={state.ended} />;
  return <Layout>{page(path)}</Layout>;
}
