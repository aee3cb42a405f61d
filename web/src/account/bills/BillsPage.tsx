import { useEffect, useState } from 'react';
import { ApiError } from '../../api.ts';
import { useSearch, navigate } from '../../router.tsx';
import { ErrorNotice, Notice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { listAccounts, listBillPayments, listBills, type BillPaymentResult } from '../api.ts';
import { BillItem } from './BillItem.tsx';
import { BillPayments } from './BillPayments.tsx';

function BillsError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const down = error instanceof ApiError && (error.code === 'upstream_unavailable' || error.code === 'upstream_timeout' || error.status === 503);
  return (
    <div className="stack">
      {down ? (
        <Notice tone="warning" testId="bills-unavailable">The billing system is not reachable right now. Your bills will be back in a few minutes.</Notice>
      ) : (
        <ErrorNotice error={error} testId="bills-error" />
      )}
      <button type="button" className="btn" onClick={onRetry}>Try again</button>
    </div>
  );
}

/** Bills from the company's accounting system (open / paid), paying them from the wallet, and the payments made. */
export function BillsPage() {
  const tab = useSearch().get('status') === 'paid' ? 'paid' : 'open';
  const bills = useLoad(() => listBills(tab).then((r) => r.data), [tab]);
  const payments = useLoad(() => listBillPayments().then((r) => r.data), []);
  const accounts = useLoad(() => listAccounts().then((r) => r.data), []);
  const [paid, setPaid] = useState<BillPaymentResult | null>(null);
  const waiting = payments.data?.some((p) => p.status === 'queued' || p.status === 'awaiting_payment') ?? false;
  const { reload: reloadPayments } = payments;
  const { reload: reloadBills } = bills;

  // while a payment waits for the company's system (or the card), keep its state (and the lists) current
  useEffect(() => {
    if (!waiting) return;
    const t = window.setInterval(() => { void reloadPayments(); }, 4000);
    return () => { window.clearInterval(t); void reloadBills(); };
  }, [waiting, reloadPayments, reloadBills]);

  useEffect(() => {
    document.title = 'Bills · Tollgate';
  }, []);

  function onPaid(r: BillPaymentResult) {
    setPaid(r);
    void bills.reload();
    void payments.reload();
    void accounts.reload();
  }
  const wallet = accounts.data?.find((a) => a.currency === bills.data?.[0]?.amount.currency) ?? accounts.data?.[0];

  return (
    <div className="stack" data-testid="bills-page">
      <h1>Bills</h1>
      {paid && (
        paid.status === 'posted' ? (
          <Notice tone="success" testId="bill-paid">Paid. The company's system has recorded your payment.</Notice>
        ) : (
          <Notice tone="info" testId="bill-queued">
            <strong>Paid from your wallet.</strong>
            <span>The company's system will confirm it — usually within a minute. If it is busy, we keep the payment and deliver it as soon as it is back; you are never charged twice.</span>
          </Notice>
        )
      )}
      <div className="segmented" role="tablist" aria-label="Bills">
        {(['open', 'paid'] as const).map((s) => (
          <button key={s} type="button" role="tab" aria-selected={tab === s} className={tab === s ? 'on' : undefined}
            onClick={() => navigate(s === 'open' ? '/account/bills' : '/account/bills?status=paid', { replace: true })} data-testid={`bills-tab-${s}`}>
            {s === 'open' ? 'To pay' : 'Paid'}
          </button>
        ))}
      </div>
      {bills.error && !bills.data ? (
        <BillsError error={bills.error} onRetry={() => void bills.reload()} />
      ) : !bills.data ? (
        <p className="muted" aria-busy="true">Loading bills…</p>
      ) : bills.data.length === 0 ? (
        <p className="card muted empty" data-testid="no-bills">{tab === 'open' ? 'Nothing to pay. You are all set.' : 'No paid bills yet.'}</p>
      ) : (
        <ul className="plain-list stack-tight" data-testid="bills-list">
          {bills.data.map((b) => <BillItem key={b.id} bill={b} onPaid={onPaid} balance={wallet && wallet.currency === b.amount.currency ? wallet.available.amount : null} />)}
        </ul>
      )}
      <section className="card stack-tight" aria-labelledby="bp-title">
        <h2 id="bp-title">Your bill payments</h2>
        {payments.error && !payments.data ? <ErrorNotice error={payments.error} /> : payments.data ? <BillPayments payments={payments.data} /> : <p className="muted small" aria-busy="true">Loading…</p>}
      </section>
    </div>
  );
}
