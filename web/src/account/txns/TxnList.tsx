import type { Txn } from '../api.ts';
import { TxnRow } from './TxnRow.tsx';

export function TxnList({ txns, fresh, testId = 'txn-list' }: { txns: Txn[]; fresh?: ReadonlySet<string>; testId?: string }) {
  return (
    <ul className="txn-list" data-testid={testId} aria-live="polite" aria-relevant="additions">
      {txns.map((t) => <TxnRow key={t.id} txn={t} fresh={fresh?.has(t.id)} />)}
    </ul>
  );
}
