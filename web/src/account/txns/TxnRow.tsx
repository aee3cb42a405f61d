import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import type { Txn } from '../api.ts';
import { TxnStatus } from './TxnStatus.tsx';
import { kindLabel, signedAmount, txnTitle } from '../txnFormat.ts';

/** One operation in a list: what, when, how much (in green when money came in); a badge unless posted. */
export function TxnRow({ txn, fresh = false }: { txn: Txn; fresh?: boolean }) {
  return (
    <li className={`txn${fresh ? ' txn-new' : ''}`} data-testid="txn-row" data-id={txn.id} data-kind={txn.kind} data-status={txn.status}>
      <Link to={`/account/transactions/${encodeURIComponent(txn.id)}`} className="txn-link">
        <span className={`txn-icon txn-${txn.direction}`} aria-hidden="true">{txn.direction === 'in' ? '↓' : '↑'}</span>
        <span className="txn-main">
          <span className="txn-title">{txnTitle(txn)}</span>
          <span className="txn-meta muted small">
            {kindLabel(txn.kind)} · <time dateTime={txn.createdAt}>{formatDateTime(txn.createdAt)}</time>
            {txn.commentsCount > 0 && <> · {txn.commentsCount} {txn.commentsCount === 1 ? 'comment' : 'comments'}</>}
          </span>
        </span>
        <span className="txn-side">
          <span className={`txn-amount ${txn.direction === 'in' ? 'amount-in' : 'amount-out'}`} data-testid="txn-amount">
            <span className="sr-only">{txn.direction === 'in' ? 'Received ' : 'Paid '}</span>{signedAmount(txn)}
          </span>
          {txn.status !== 'posted' && <TxnStatus status={txn.status} />}
        </span>
      </Link>
    </li>
  );
}
