import type { StaffSession } from '../../api.ts';
import { match } from '../../router.tsx';
import { can } from '../session.ts';
import { AssignmentsSection } from './AssignmentsSection.tsx';
import { AuthorizationsFeed } from './AuthorizationsFeed.tsx';
import { CardDetail } from './CardDetail.tsx';
import { CardholdersSection } from './CardholdersSection.tsx';
import { CardsSection } from './CardsSection.tsx';
import { ReconciliationSection } from './ReconciliationSection.tsx';

/** The console's Cards group (seed 002): navigation entries, and the page for a path under them. */
export const CARDS_NAV = [
  { path: '/console/cards', label: 'Cards', perm: 'cards:read', group: 'Cards' },
  { path: '/console/cardholders', label: 'Cardholders', perm: 'cards:read', group: 'Cards' },
  { path: '/console/card-authorizations', label: 'Authorizations', perm: 'cards:read', group: 'Cards' },
  { path: '/console/card-assignments', label: 'Spend assignments', perm: 'cards:read', group: 'Cards' },
  { path: '/console/reconciliation', label: 'Reconciliation', perm: 'cards:read', group: 'Cards' },
];
export const CARDS_PATHS = CARDS_NAV.map((n) => n.path);

export function CardsConsole({ path, session }: { path: string; session: StaffSession }) {
  const canWrite = can(session, 'cards:write');
  const canOpenDecisions = can(session, 'risk:read');
  const params = match('/console/cards/:id', path);
  if (params) return <CardDetail key={params.id} id={params.id} canWrite={canWrite} canOpenDecisions={canOpenDecisions} />;
  if (path.startsWith('/console/cardholders')) return <CardholdersSection canWrite={canWrite} />;
  if (path.startsWith('/console/card-authorizations')) return <AuthorizationsFeed canOpenDecisions={canOpenDecisions} />;
  if (path.startsWith('/console/card-assignments')) return <AssignmentsSection canWrite={canWrite} />;
  if (path.startsWith('/console/reconciliation')) return <ReconciliationSection />;
  return <CardsSection canWrite={canWrite} />;
}
