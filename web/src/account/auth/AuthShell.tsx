import type { ReactNode } from 'react';
import { Link } from '../../router.tsx';

/** The frame of the signed-out pages (sign up, log in): brand, one card, a footer link. */
export function AuthShell({ title, children, footer, testId }: { title: string; children: ReactNode; footer?: ReactNode; testId?: string }) {
  return (
    <div className="page-public account-auth">
      <header className="site-header">
        <div className="wrap site-header-inner">
          <Link to="/account" className="brand"><span className="brand-mark" aria-hidden="true">T</span> Tollgate</Link>
          <span className="muted small">Personal area</span>
        </div>
      </header>
      <main className="wrap main auth-main">
        <section className="card auth-card stack" aria-labelledby="auth-title" data-testid={testId}>
          <h1 id="auth-title" className="auth-title">{title}</h1>
          {children}
        </section>
        {footer && <p className="center small auth-footer">{footer}</p>}
      </main>
    </div>
  );
}
