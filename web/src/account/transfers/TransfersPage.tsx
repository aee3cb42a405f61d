import { useEffect, useState } from 'react';
import { ApiError } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { ErrorNotice, Notice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { listAccounts, listPayees } from '../api.ts';
import { AddPayeeForm } from './AddPayeeForm.tsx';
import { SendForm } from './SendForm.tsx';

/** Money to other customers: the payees (added with a fresh second factor) and a form to send to one of them. */
export function TransfersPage() {
  const payees = useLoad(() => listPayees().then((r) => r.data), []);
  const accounts = useLoad(() => listAccounts().then((r) => r.data), []);
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<string | null>(null);

  useEffect(() => {
    document.title = 'Send money · Tollgate';
  }, []);

  if (payees.error instanceof ApiError && payees.error.status === 404) {
    return <p className="card" data-testid="transfers-unavailable">Sending money to other customers is not available yet.</p>;
  }
  const wallet = accounts.data?.[0] ?? null;
  const list = payees.data ?? [];
  return (
    <div className="stack narrow-page" data-testid="transfers-page">
      <h1>Send money</h1>
      {payees.error != null && !payees.data ? (
        <div className="stack">
          <ErrorNotice error={payees.error} />
          <button type="button" className="btn" onClick={() => void payees.reload()}>Try again</button>
        </div>
      ) : !payees.data || !accounts.data ? (
        <p className="muted" aria-busy="true">Loading…</p>
      ) : (
        <>
          {list.length > 0 && wallet && <SendForm key={list.map((p) => p.id).join()} payees={list} currency={wallet.currency} available={wallet.available.amount} />}
          <section className="card stack-tight" aria-labelledby="payees-h" data-testid="payees-card">
            <h2 id="payees-h">Payees</h2>
            {added && <Notice tone="success" testId="payee-added">{added}</Notice>}
            {list.length === 0 ? (
              <p className="muted small" data-testid="no-payees">Add someone to send them money. They need a Tollgate account.</p>
            ) : (
              <ul className="plain-list item-list">
                {list.map((p) => (
                  <li key={p.id} className="item-row" data-testid="payee">
                    <span className="item-main">
                      <strong>{p.name ?? p.label}</strong>
                      <span className="muted small">{p.name ? `${p.label} · ` : ''}added {formatDateTime(p.createdAt)}</span>
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {adding || list.length === 0 ? (
              <AddPayeeForm
                onAdded={(p) => { setAdded(`${p.name ?? p.label} added.`); setAdding(false); void payees.reload(); }}
                onCancel={list.length > 0 ? () => setAdding(false) : undefined}
              />
            ) : (
              <div className="row"><button type="button" className="btn" onClick={() => { setAdding(true); setAdded(null); }} data-testid="payee-add">Add a payee</button></div>
            )}
          </section>
        </>
      )}
    </div>
  );
}
