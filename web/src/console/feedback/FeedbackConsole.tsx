import type { StaffSession } from '../../api.ts';
import { match } from '../../router.tsx';
import { can } from '../session.ts';
import { FeedbackInbox } from './FeedbackInbox.tsx';
import { FeedbackThread } from './FeedbackThread.tsx';

/** The console's feedback inbox (issue 4): navigation (in the Customers group), and the page for a path under it. */
export const FEEDBACK_NAV = [
  { path: '/console/feedback', label: 'Feedback inbox', perm: 'feedback:read', group: 'Customers' },
];
export const FEEDBACK_PATHS = FEEDBACK_NAV.map((n) => n.path);

export function FeedbackConsole({ path, session }: { path: string; session: StaffSession }) {
  const links = { canOpenCustomers: can(session, 'customers:read'), canOpenTransfers: can(session, 'ledger:read') };
  const p = match('/console/feedback/:id', path);
  if (p) return <FeedbackThread key={p.id} id={p.id} canWrite={can(session, 'feedback:write')} {...links} />;
  return <FeedbackInbox {...links} />;
}
