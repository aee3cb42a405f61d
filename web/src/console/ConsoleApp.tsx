import { Fragment, useCallback, useEffect, useState, type ReactNode } from 'react';
import { logout, setStaffAuth, type Permission, type StaffSession } from '../api.ts';
import { Link, match, navigate, usePath } from '../router.tsx';
import { AuditSection } from './AuditSection.tsx';
import { BlacklistSection } from './BlacklistSection.tsx';
import { CARDS_NAV, CARDS_PATHS, CardsConsole } from './cards/CardsConsole.tsx';
import { CUSTOMERS_NAV, CUSTOMERS_PATHS, CustomersConsole } from './customers/CustomersConsole.tsx';
import { FEEDBACK_NAV, FEEDBACK_PATHS, FeedbackConsole } from './feedback/FeedbackConsole.tsx';
import { LEDGER_NAV, LEDGER_PATHS, LedgerConsole } from './ledger/LedgerConsole.tsx';
import { SECURITY_NAV, SECURITY_PATHS, SecurityConsole } from './security/SecurityConsole.tsx';
import { HeaderBar } from './HeaderBar.tsx';
import { JobsSection } from './JobsSection.tsx';
import { Login } from './Login.tsx';
import { OrderDetail } from './OrderDetail.tsx';
import { OrdersSection } from './OrdersSection.tsx';
import { OutboxSection } from './OutboxSection.tsx';
import { ProductsSection } from './ProductsSection.tsx';
import { DecisionsSection } from './risk/DecisionsSection.tsx';
import { ListsSection } from './risk/ListsSection.tsx';
import { ReviewQueue } from './risk/ReviewQueue.tsx';
import { RiskSettingsSection } from './risk/RiskSettingsSection.tsx';
import { RuleEditor } from './risk/RuleEditor.tsx';
import { RulesSection } from './risk/RulesSection.tsx';
import { can, useStaffSession } from './session.ts';
import { StaffSection } from './StaffSection.tsx';

interface NavItem {
  path: string;
  label: string;
  perm: Permission;
  /** Items of a group are listed together under its heading (on wide screens). */
  group?: string;
}

export const NAV: NavItem[] = [
  { path: '/console/orders', label: 'Orders', perm: 'orders:read' },
  { path: '/console/products', label: 'Products', perm: 'catalog:read' },
  { path: '/console/blacklist', label: 'Blacklist', perm: 'blacklist:read' },
  { path: '/console/risk/reviews', label: 'Review queue', perm: 'risk:review', group: 'Risk' },
  { path: '/console/risk/decisions', label: 'Decisions', perm: 'risk:read', group: 'Risk' },
  { path: '/console/risk/rules', label: 'Rules', perm: 'risk:read', group: 'Risk' },
  { path: '/console/risk/lists', label: 'Lists', perm: 'risk:read', group: 'Risk' },
  { path: '/console/risk/settings', label: 'Risk settings', perm: 'risk:read', group: 'Risk' },
  ...CARDS_NAV,
  ...CUSTOMERS_NAV,
  ...FEEDBACK_NAV,
  ...LEDGER_NAV,
  ...SECURITY_NAV,
  { path: '/console/jobs', label: 'Jobs', perm: 'jobs:read' },
  { path: '/console/outbox', label: 'Outbox', perm: 'outbox:read' },
  { path: '/console/staff', label: 'Staff', perm: 'staff:manage' },
  { path: '/console/audit', label: 'Audit log', perm: 'audit:read' },
];

export function ConsoleApp() {
  const { session, signIn, signOut } = useStaffSession();
  const [expired, setExpired] = useState(false);
  const onUnauthorized = useCallback(() => {
    setExpired(true);
    signOut();
  }, [signOut]);
  // Set synchronously during render: children fire their first requests in effects, which run before ours.
  setStaffAuth(session?.token ?? null, onUnauthorized);

  useEffect(() => {
    document.title = 'Tollgate console';
  }, []);

  if (!session) {
    return <Login expired={expired} onSignedIn={(s) => { setExpired(false); signIn(s); }} />;
  }
  return (
    <ConsoleLayout
      session={session}
      onSignOut={async () => {
        await logout();
        signOut();
        navigate('/console');
      }}
    />
  );
}

function ConsoleLayout({ session, onSignOut }: { session: StaffSession; onSignOut: () => void }) {
  const path = usePath();
  const items = NAV.filter((n) => can(session, n.perm));

  const firstPath = items[0]?.path;
  useEffect(() => {
    if ((path === '/console' || path === '/console/') && firstPath) navigate(firstPath, { replace: true });
  }, [path, firstPath]);

  let content: ReactNode;
  let params: Record<string, string> | null;
  const section = items.find((n) => path === n.path || path.startsWith(`${n.path}/`));
  if (!section) {
    content = items.length === 0
      ? <p className="muted">Your role has no console sections. Ask an admin for access.</p>
      : <p className="muted" data-testid="not-found">Page not found. <Link to={items[0].path}>Go to {items[0].label}</Link></p>;
  } else if ((params = match('/console/orders/:id', path))) {
    content = <OrderDetail key={params.id} id={params.id} session={session} />;
  } else if (path === '/console/risk/rules/new' && can(session, 'risk:write')) {
    content = <RuleEditor key="new" id={null} canWrite />;
  } else if ((params = match('/console/risk/rules/:id', path)) && params.id !== 'new') {
    content = <RuleEditor key={params.id} id={params.id} canWrite={can(session, 'risk:write')} />;
  } else if (CARDS_PATHS.includes(section.path)) {
    content = <CardsConsole path={path} session={session} />;
  } else if (CUSTOMERS_PATHS.includes(section.path)) {
    content = <CustomersConsole path={path} session={session} />;
  } else if (FEEDBACK_PATHS.includes(section.path)) {
    content = <FeedbackConsole path={path} session={session} />;
  } else if (LEDGER_PATHS.includes(section.path)) {
    content = <LedgerConsole path={path} session={session} />;
  } else if (SECURITY_PATHS.includes(section.path)) {
    content = <SecurityConsole path={path} session={session} />;
  } else {
    switch (section.path) {
      case '/console/orders': content = <OrdersSection />; break;
      case '/console/products': content = <ProductsSection canWrite={can(session, 'catalog:write')} />; break;
      case '/console/blacklist': content = <BlacklistSection canWrite={can(session, 'blacklist:write')} />; break;
      case '/console/jobs': content = <JobsSection canWrite={can(session, 'jobs:write')} />; break;
      case '/console/outbox': content = <OutboxSection />; break;
      case '/console/staff': content = <StaffSection currentStaffId={session.staff.id} canManageAgents={can(session, 'agents:manage')} />; break;
      case '/console/audit': content = <AuditSection />; break;
      case '/console/risk/reviews': content = <ReviewQueue canOpenOrders={can(session, 'orders:read')} />; break;
      case '/console/risk/decisions': content = <DecisionsSection canLabel={can(session, 'risk:review')} canOpenOrders={can(session, 'orders:read')} />; break;
      case '/console/risk/rules': content = <RulesSection canWrite={can(session, 'risk:write')} />; break;
      case '/console/risk/lists': content = <ListsSection canWrite={can(session, 'risk:write')} />; break;
      case '/console/risk/settings': content = <RiskSettingsSection canWrite={can(session, 'risk:write')} />; break;
    }
  }

  return (
    <div className="console">
      <HeaderBar session={session} onSignOut={onSignOut} />
      <div className="console-body">
        <nav className="console-nav" aria-label="Console sections" data-testid="console-nav">
          {items.map((n, i) => {
            const active = path === n.path || path.startsWith(`${n.path}/`);
            const groupStart = n.group && items[i - 1]?.group !== n.group;
            return (
              <Fragment key={n.path}>
                {groupStart && <span className="nav-group">{n.group}</span>}
                <Link to={n.path} className={active ? 'active' : ''} aria-current={active ? 'page' : undefined} data-testid={`nav-${n.path.slice('/console/'.length).replace(/\//g, '-')}`}>
                  {n.label}
                </Link>
              </Fragment>
            );
          })}
        </nav>
        <main className="console-main">{content}</main>
      </div>
    </div>
  );
}
