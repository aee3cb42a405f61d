import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { Link, usePath } from '../router.tsx';
import { listPayees } from './api.ts';
import { useMe, useSession } from './session.tsx';

const NAV = [
  { path: '/account', label: 'Overview' },
  { path: '/account/history', label: 'History' },
  { path: '/account/topup', label: 'Top up' },
  { path: '/account/bills', label: 'Bills' },
  { path: '/account/send', label: 'Send' },
  { path: '/account/feedback', label: 'Messages' },
  { path: '/account/security', label: 'Security' },
];

function active(path: string, item: string): boolean {
  if (item === '/account') return path === '/account' || path === '/account/' || path === '/account/welcome';
  if (item === '/account/history') return path.startsWith('/account/history') || path.startsWith('/account/transactions/');
  if (item === '/account/topup') return path.startsWith('/account/topup');
  return path.startsWith(item);
}

/** The signed-in frame: header with who is signed in and log out, section tabs, the page. */
export function Layout({ children }: { children: ReactNode }) {
  const path = usePath();
  const me = useMe();
  const { signOut } = useSession();
  const nav = useRef<HTMLDivElement>(null);
  // transfers between customers may not be deployed: no tab for a page that would only say so
  const [canSend, setCanSend] = useState(true);
  useEffect(() => {
    listPayees().catch((e) => { if (e instanceof ApiError && e.status === 404) setCanSend(false); });
  }, []);
  // on a phone the tabs scroll sideways: keep the current one in view
  useEffect(() => {
    nav.current?.querySelector<HTMLElement>('a.active')?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }, [path]);
  return (
    <div className="account">
      <header className="site-header">
        <div className="wrap site-header-inner">
          <Link to="/account" className="brand"><span className="brand-mark" aria-hidden="true">T</span> Tollgate</Link>
          <div className="account-who">
            <span className="muted small truncate" data-testid="account-email">{me.email}</span>
            <button type="button" className="btn btn-small btn-ghost-light" onClick={() => void signOut()} data-testid="logout">Log out</button>
          </div>
        </div>
      </header>
      <nav className="account-nav" aria-label="Personal area">
        <div className="wrap account-nav-inner" ref={nav}>
          {NAV.filter((n) => canSend || n.path !== '/account/send').map((n) => (
            <Link key={n.path} to={n.path} className={active(path, n.path) ? 'active' : undefined} aria-current={active(path, n.path) ? 'page' : undefined} data-testid={`nav-${n.label.toLowerCase().replace(/\s+/g, '-')}`}>
              {n.label}
            </Link>
          ))}
        </div>
      </nav>
      <main className="wrap main account-main">{children}</main>
    </div>
  );
}
