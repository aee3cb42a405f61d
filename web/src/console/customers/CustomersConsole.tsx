import type { StaffSession } from '../../api.ts';
import { match } from '../../router.tsx';
import { can } from '../session.ts';
import { CustomerDetail } from './CustomerDetail.tsx';
import { CustomersSection } from './CustomersSection.tsx';

/** The console's Customers entry (issue 4): navigation, and the page for a path under it. */
export const CUSTOMERS_NAV = [
  { path: '/console/customers', label: 'Customers', perm: 'customers:read', group: 'Customers' },
];
export const CUSTOMERS_PATHS = CUSTOMERS_NAV.map((n) => n.path);

export function CustomersConsole({ path, session }: { path: string; session: StaffSession }) {
  const p = match('/console/customers/:id', path);
  if (p) {
    const perms = { canWrite: can(session, 'customers:write'), canReadLedger: can(session, 'ledger:read'), canReadFeedback: can(session, 'feedback:read') };
    return <CustomerDetail key={p.id} id={p.id} perms={perms} />;
  }
  return <CustomersSection />;
}
