import { useState } from 'react';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ListFooter } from '../../ui/ListFooter.tsx';
import { ErrorNotice, Notice } from '../../ui/Notice.tsx';
import { useCursorList } from '../../ui/useCursorList.ts';
import { CardholderForm } from './CardholderForm.tsx';
import { listCardholders } from './cardsApi.ts';

/** Cardholders (the shoppers who carry company cards), newest first, and a form to add one. */
export function CardholdersSection({ canWrite }: { canWrite: boolean }) {
  const [created, setCreated] = useState<string | null>(null);
  const list = useCursorList((cursor) => listCardholders(cursor), []);

  return (
    <section className="stack cards-page" aria-labelledby="cardholders-title">
      <div className="section-head"><h1 id="cardholders-title">Cardholders</h1></div>
      {canWrite && <CardholderForm onCreated={(id) => { setCreated(id); list.reload(); }} />}
      {created && (
        <Notice tone="success" testId="cardholder-created">
          Cardholder created. <Link to={`/console/cards?new=1&cardholderId=${encodeURIComponent(created)}`} data-testid="cardholder-created-add-card">Register a card for them →</Link>
        </Notice>
      )}
      <ErrorNotice error={list.error} />
      <div className="table-wrap">
        <table className="table" data-testid="cardholders-table">
          <thead><tr><th>Name</th><th>E-mail</th><th>Phone</th><th className="num">Cards</th><th>Created</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {list.rows.map((h) => (
              <tr key={h.id} data-testid="cardholder-row" data-id={h.id} data-name={h.name}>
                <td data-label="Name"><strong>{h.name}</strong><div className="mono small muted">{h.id}</div></td>
                <td data-label="E-mail" className="wrap-anywhere">{h.email ?? '—'}</td>
                <td data-label="Phone" className="nowrap">{h.phone ?? '—'}</td>
                <td data-label="Cards" className="num">{h.cards}</td>
                <td data-label="Created" className="nowrap">{formatDateTime(h.createdAt)}</td>
                <td data-label="" className="nowrap small">
                  <Link to={`/console/cards?cardholderId=${encodeURIComponent(h.id)}`}>Cards</Link>
                  {canWrite && <> · <Link to={`/console/cards?new=1&cardholderId=${encodeURIComponent(h.id)}`} data-testid="cardholder-add-card">Add card</Link></>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter list={list} empty="No cardholders yet." testId="cardholders" />
    </section>
  );
}
