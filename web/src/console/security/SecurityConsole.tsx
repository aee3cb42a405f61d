import type { StaffSession } from '../../api.ts';
import { can } from '../session.ts';
import { BillPostingsSection } from './BillPostingsSection.tsx';
import { GatewaySection } from './GatewaySection.tsx';
import { IpBlocksSection } from './IpBlocksSection.tsx';
import { SecurityEventsSection } from './SecurityEventsSection.tsx';
import { SmsOutboxSection } from './SmsOutboxSection.tsx';

/** The console's Security group (issue 4): navigation entries, and the page for a path under them. */
export const SECURITY_NAV = [
  { path: '/console/security-events', label: 'Security events', perm: 'security:read', group: 'Security' },
  { path: '/console/ip-blocks', label: 'IP blocks', perm: 'security:read', group: 'Security' },
  { path: '/console/gateway', label: 'Gateway', perm: 'security:read', group: 'Security' },
  { path: '/console/bill-postings', label: 'Bill postings', perm: 'ledger:read', group: 'Security' },
  { path: '/console/sms-outbox', label: 'SMS outbox', perm: 'outbox:read', group: 'Security' },
];
export const SECURITY_PATHS = SECURITY_NAV.map((n) => n.path);

export function SecurityConsole({ path, session }: { path: string; session: StaffSession }) {
  if (path.startsWith('/console/ip-blocks')) return <IpBlocksSection canWrite={can(session, 'security:write')} />;
  if (path.startsWith('/console/gateway')) return <GatewaySection />;
  if (path.startsWith('/console/bill-postings')) return <BillPostingsSection canOpenCustomers={can(session, 'customers:read')} />;
  if (path.startsWith('/console/sms-outbox')) return <SmsOutboxSection />;
  return <SecurityEventsSection canWrite={can(session, 'security:write')} />;
}
