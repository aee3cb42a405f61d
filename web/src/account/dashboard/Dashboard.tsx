import { useCallback, useEffect, useState } from 'react';
import { Link } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { listAccounts, listTransactions, type Account, type Txn } from '../api.ts';
import { TxnList } from '../txns/TxnList.tsx';
import { useLiveEvents } from '../useLiveEvents.ts';
import { BalanceCard } from './BalanceCard.tsx';
import { LiveBadge } from './LiveBadge.tsx';

const LATEST = 10;

/** Overview: the wallet(s) and the latest operations, both kept current by the live feed. */
export function Dashboard() {
  const accounts = useLoad(() => listAccounts().then((r) => r.data), []);
  const txns = useLoad(() => listTransactions({}, null, LATEST).then((r) => r.data), []);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const { setData: setAccounts, reload: reloadAccounts } = accounts;
  const { setData: setTxns, reload: reloadTxns } = txns;

  useEffect(() => {
    document.title = 'Overview · Tollgate';
  }, []);

  const onTransaction = useCallback((t: Txn) => {
    setTxns((list) => {
      if (!list) return list; // still loading: the first read includes it
      const i = list.findIndex((x) => x.id === t.id);
      if (i >= 0) return list.map((x) => (x.id === t.id ? t : x));
      return [t, ...list].slice(0, LATEST);
    });
    setFresh((s) => new Set(s).add(t.id));
  }, [setTxns]);

  const onBalance = useCallback((a: Account) => {
    setAccounts((list) => (list ? (list.some((x) => x.id === a.id) ? list.map((x) => (x.id === a.id ? a : x)) : [...list, a]) : list));
  }, [setAccounts]);

  const live = useLiveEvents({
    onTransaction,
    onBalance,
    onResync: () => { void reloadAccounts(); void reloadTxns(); },
  });

  return (
    <div className="stack" data-testid="dashboard">
      <div className="section-head">
        <h1>Overview</h1>
        <LiveBadge status={live} />
      </div>

      {accounts.error && !accounts.data ? (
        <div className="stack">
          <ErrorNotice error={accounts.error} testId="accounts-error" />
          <button type="button" className="btn" onClick={() => void reloadAccounts()}>Try again</button>
        </div>
      ) : !accounts.data ? (
        <div className="card balance-card skeleton" aria-busy="true"><span className="sr-only">Loading balance…</span></div>
      ) : accounts.data.length === 0 ? (
        <div className="card balance-card" data-testid="no-accounts">
          <p>Your wallet is being opened. It appears here in a moment.</p>
          <button type="button" className="btn" onClick={() => void reloadAccounts()}>Check again</button>
        </div>
      ) : (
        <div className="balance-grid">
          {accounts.data.map((a) => <BalanceCard key={a.id} account={a} />)}
        </div>
      )}

      <section className="stack-tight" aria-labelledby="latest-title">
        <div className="section-head">
          <h2 id="latest-title">Latest operations</h2>
          <Link to="/account/history" className="small">Full history →</Link>
        </div>
        {txns.error && !txns.data ? (
          <div className="stack">
            <ErrorNotice error={txns.error} testId="txns-error" />
            <button type="button" className="btn" onClick={() => void reloadTxns()}>Try again</button>
          </div>
        ) : !txns.data ? (
          <ul className="txn-list skeleton-list" aria-busy="true">
            {[0, 1, 2].map((i) => <li key={i} className="txn skeleton" />)}
          </ul>
        ) : txns.data.length === 0 ? (
          <p className="card muted empty" data-testid="no-txns">No operations yet. <Link to="/account/topup">Top up your wallet</Link> to get started.</p>
        ) : (
          <TxnList txns={txns.data} fresh={fresh} testId="latest-txns" />
        )}
      </section>
    </div>
  );
}
