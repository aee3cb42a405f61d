import type { StaffSession } from '../../api.ts';
import { match } from '../../router.tsx';
import { can } from '../session.ts';
import { AccountDetail } from './AccountDetail.tsx';
import { AccountsSection } from './AccountsSection.tsx';
import { TransferDetail } from './TransferDetail.tsx';
import { TransferLookup } from './TransferLookup.tsx';
import { TrialBalanceSection } from './TrialBalanceSection.tsx';

/** The console's Ledger group (issue 4): navigation entries, and the page for a path under them. */
export const LEDGER_NAV = [
  { path: '/console/trial-balance', label: 'Trial balance', perm: 'ledger:read', group: 'Ledger' },
  { path: '/console/ledger-accounts', label: 'Accounts', perm: 'ledger:read', group: 'Ledger' },
  { path: '/console/ledger-transfers', label: 'Transfers', perm: 'ledger:read', group: 'Ledger' },
];
export const LEDGER_PATHS = LEDGER_NAV.map((n) => n.path);

export function LedgerConsole({ path, session }: { path: string; session: StaffSession }) {
  const canOpenCustomers = can(session, 'customers:read');
  let p = match('/console/ledger-accounts/:id', path);
  if (p) return <AccountDetail key={p.id} id={p.id} canWrite={can(session, 'ledger:write')} canOpenCustomers={canOpenCustomers} />;
  p = match('/console/ledger-transfers/:id', path);
  if (p) return <TransferDetail key={p.id} id={p.id} />;
  if (path.startsWith('/console/ledger-accounts')) return <AccountsSection canOpenCustomers={canOpenCustomers} />;
  if (path.startsWith('/console/ledger-transfers')) return <TransferLookup />;
  return <TrialBalanceSection />;
}
