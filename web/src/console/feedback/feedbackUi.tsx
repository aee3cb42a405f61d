import '../ledger/ledger.css';

/** Small shared pieces of the feedback pages. */

export const FEEDBACK_BASE = '/console/feedback';
export const threadPath = (id: string) => `${FEEDBACK_BASE}/${encodeURIComponent(id)}`;

const TONE: Record<string, string> = { open: 'warning', answered: 'info', closed: 'muted' };
export function ThreadStatusBadge({ status, testId }: { status: string; testId?: string }) {
  return <span className={`badge badge-${TONE[status] ?? 'muted'}`} data-testid={testId} data-status={status}>{status}</span>;
}
