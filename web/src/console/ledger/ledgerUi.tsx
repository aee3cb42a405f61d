import { formatMoney } from '../../format.ts';
import { Link } from '../../router.tsx';
import type { LedgerAccount, TransferType } from './ledgerApi.ts';
import './ledger.css';

/** Small shared pieces of the ledger pages. */

export const LEDGER_BASE = '/console/ledger-accounts';
export const accountPath = (id: string) => `${LEDGER_BASE}/${encodeURIComponent(id)}`;
export const transferPath = (id: string) => `/console/ledger-transfers/${encodeURIComponent(id)}`;

export const money = (amount: number, currency: string): string => formatMoney({ amount, currency });

/** "wallet · customer cus_…" / "gateway_clearing · system". */
export function accountLabel(a: Pick<LedgerAccount, 'code' | 'ownerType' | 'ownerId' | 'currency'>): string {
  return `${a.code} · ${a.ownerType === 'system' ? 'system' : a.ownerId ?? 'customer'} · ${a.currency}`;
}

export function AccountLink({ id, testId }: { id: string; testId?: string }) {
  return <Link to={accountPath(id)} className="mono small" data-testid={testId}>{id}</Link>;
}

const TYPE_TONE: Record<string, string> = { posted: 'success', pending: 'warning', post_pending: 'info', void_pending: 'muted', expire_pending: 'muted' };
const TYPE_LABEL: Record<string, string> = { posted: 'posted', pending: 'hold', post_pending: 'hold posted', void_pending: 'hold voided', expire_pending: 'hold expired' };

export function TransferTypeBadge({ type }: { type: TransferType | string }) {
  return <span className={`badge badge-${TYPE_TONE[type] ?? 'muted'}`} data-type={type}>{TYPE_LABEL[type] ?? type}</span>;
}

export function AccountStatusBadge({ status }: { status: string }) {
  return <span className={`badge ${status === 'open' ? 'badge-success' : 'badge-muted'}`} data-status={status}>{status}</span>;
}
