import { useState } from 'react';
import { ApiError } from '../../api.ts';
import { formatMoney } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { payBill, type Bill, type BillPaymentResult } from '../api.ts';
import { StepUpCancelled, useStepUp } from '../StepUp.tsx';

function dueText(due: string): { text: string; overdue: boolean } {
  const d = new Date(due.length === 10 ? `${due}T23:59:59` : due);
  if (Number.isNaN(d.getTime())) return { text: due, overdue: false };
  const text = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(d);
  return { text, overdue: d.getTime() < Date.now() };
}

/**
 * One bill. An open one is paid after a confirmation: from the wallet (a step-up when the amount needs one),
 * or by card on the payment provider's page (which returns here).
 */
export function BillItem({ bill, balance, onPaid }: { bill: Bill; balance: number | null; onPaid: (r: BillPaymentResult) => void }) {
  const withStepUp = useStepUp();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState<'wallet' | 'card' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const due = dueText(bill.dueDate);
  const open = bill.status === 'open';
  const short = balance !== null && balance < bill.amount.amount;

  async function pay(how: 'wallet' | 'card') {
    setBusy(how);
    setError(null);
    try {
      const r = await withStepUp(() => payBill(bill.id, how));
      if (how === 'card' && r.payment?.checkoutUrl) {
        window.location.assign(r.payment.checkoutUrl);
        return; // stays busy while the browser leaves
      }
      setConfirming(false);
      onPaid(r);
      setBusy(null);
    } catch (e) {
      setError(e instanceof StepUpCancelled ? null : e);
      setBusy(null);
    }
  }

  const poor = error instanceof ApiError && error.code === 'insufficient_funds';
  return (
    <li className="card bill" data-testid="bill" data-id={bill.id} data-status={bill.status}>
      <div className="bill-head">
        <div className="bill-what">
          <strong className="bill-desc">{bill.description}</strong>
          {bill.contractId && <span className="muted small">Contract <span className="mono">{bill.contractId}</span></span>}
        </div>
        <strong className="bill-amount" data-testid="bill-amount">{formatMoney(bill.amount)}</strong>
      </div>
      <div className="row bill-foot">
        {open ? (
          <span className={`small${due.overdue ? ' error-text' : ' muted'}`}>{due.overdue ? 'Overdue since' : 'Due'} {due.text}</span>
        ) : (
          <StatusBadge status="done" label="Paid" />
        )}
        {open && !confirming && (
          <button type="button" className="btn btn-primary btn-small bill-pay" onClick={() => setConfirming(true)} data-testid="bill-pay">Pay</button>
        )}
      </div>
      {open && confirming && (
        <div className="confirm-box" data-testid="bill-confirm">
          <p className="confirm-prompt">Pay {formatMoney(bill.amount)} for “{bill.description}”?</p>
          <p className="small muted">
            {short ? 'Your wallet balance is lower than this bill: pay by card, or top up first.' : 'From your wallet the money leaves it now; the company\'s accounting system then records the payment.'}
          </p>
          <div className="row">
            <button type="button" className="btn btn-primary" onClick={() => void pay('wallet')} disabled={busy !== null || short} data-testid="bill-pay-confirm" autoFocus={!short}>
              {busy === 'wallet' ? 'Paying…' : 'Pay from wallet'}
            </button>
            <button type="button" className="btn" onClick={() => void pay('card')} disabled={busy !== null} data-testid="bill-pay-card">
              {busy === 'card' ? 'Opening payment page…' : 'Pay by card'}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => { setConfirming(false); setError(null); }} disabled={busy !== null}>Cancel</button>
          </div>
        </div>
      )}
      {poor ? (
        <div className="notice notice-error" role="alert" data-testid="bill-error" data-code="insufficient_funds">
          <span>Not enough money in your wallet for this bill. <Link to="/account/topup">Top up</Link> or pay by card.</span>
        </div>
      ) : (
        <ErrorNotice error={error} testId="bill-error" />
      )}
    </li>
  );
}
