import '../ledger/ledger.css';

/** Small shared pieces of the customer pages. */

export const CUSTOMERS_BASE = '/console/customers';
export const customerPath = (id: string) => `${CUSTOMERS_BASE}/${encodeURIComponent(id)}`;

export function CustomerStatusBadge({ status, testId }: { status: string; testId?: string }) {
  return <span className={`badge ${status === 'active' ? 'badge-success' : 'badge-danger'}`} data-testid={testId} data-status={status}>{status}</span>;
}
