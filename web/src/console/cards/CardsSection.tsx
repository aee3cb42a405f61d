import { formatDateTime } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { Field, SelectField } from '../../ui/Field.tsx';
import { ListFooter, rowClick } from '../../ui/ListFooter.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useCursorList } from '../../ui/useCursorList.ts';
import { useLoad } from '../../ui/useLoad.ts';
import { useDebouncedInput, useUrlFilters } from '../../ui/useUrlFilters.ts';
import { NewCardForm } from './NewCardForm.tsx';
import { CARD_STATUSES, listCardPrograms, listCardholders, listCards } from './cardsApi.ts';
import { CardStatusBadge } from './cardsUi.tsx';

const BASE = '/console/cards';
const LAST4 = /^\d{4}$/;

/** Company cards with filters (kept in the URL): status, program, cardholder, last 4 digits; and registering a new card. */
export function CardsSection({ canWrite }: { canWrite: boolean }) {
  const f = useUrlFilters(BASE, ['status', 'programId', 'cardholderId', 'last4']);
  const filters = f.values;
  const { status, programId, cardholderId, last4 } = filters;
  const openNew = f.search.get('new') === '1';
  const [last4Text, setLast4Text] = useDebouncedInput(last4, (v) => f.set('last4', v), { isValid: (t) => LAST4.test(t) });
  const programs = useLoad(() => listCardPrograms().then((r) => r.data), []);
  const holders = useLoad(() => listCardholders(null, 500).then((r) => r.data), []);
  const list = useCursorList((cursor, signal) => listCards(filters, cursor, signal), [status, programId, cardholderId, last4]);

  const last4Invalid = !!last4Text.trim() && !LAST4.test(last4Text.trim());
  return (
    <section className="stack cards-page" aria-labelledby="cards-title">
      <div className="section-head"><h1 id="cards-title">Cards</h1></div>
      {canWrite && holders.data && programs.data && (
        <NewCardForm key={cardholderId} open={openNew} holders={holders.data} programs={programs.data} cardholderId={cardholderId || undefined}
          onCreated={(id) => navigate(`${BASE}/${encodeURIComponent(id)}`)} />
      )}
      <ErrorNotice error={programs.error ?? holders.error} />

      <div className="cards-filters" data-testid="cards-filters">
        <SelectField label="Status" value={status} onChange={(v) => f.set('status', v)} options={CARD_STATUSES} testId="cards-filter-status" />
        <SelectField label="Program" value={programId} onChange={(v) => f.set('programId', v)} options={(programs.data ?? []).map((p) => ({ value: p.id, label: p.name }))} testId="cards-filter-program" />
        <SelectField label="Cardholder" value={cardholderId} onChange={(v) => f.set('cardholderId', v)} options={(holders.data ?? []).map((h) => ({ value: h.id, label: h.name }))} testId="cards-filter-holder" />
        <Field label="Last 4 digits" error={last4Invalid && '4 digits'}>
          {(id) => <input id={id} type="search" inputMode="numeric" maxLength={4} value={last4Text} onChange={(e) => setLast4Text(e.target.value)} aria-invalid={last4Invalid || undefined} data-testid="cards-filter-last4" />}
        </Field>
        {f.any && (
          <div className="filters-clear">
            <button type="button" className="btn btn-small btn-ghost" onClick={() => { setLast4Text(''); f.clear(); }} data-testid="cards-clear">Clear filters</button>
          </div>
        )}
      </div>

      <ErrorNotice error={list.error} />
      <div className="table-wrap">
        <table className="table" data-testid="cards-table">
          <thead><tr><th>Card</th><th>Status</th><th>Cardholder</th><th>Program</th><th>Currency</th><th>Registered</th></tr></thead>
          <tbody>
            {list.rows.map((c) => (
              <tr key={c.id} className="clickable" data-testid="card-row" data-id={c.id} data-status={c.status}
                onClick={rowClick(() => navigate(`${BASE}/${encodeURIComponent(c.id)}`))}>
                <td data-label="Card"><Link to={`${BASE}/${encodeURIComponent(c.id)}`} className="masked-card" data-testid="card-link">{c.card}</Link><div className="mono small muted">{c.processorCardId}</div></td>
                <td data-label="Status"><CardStatusBadge status={c.status} testId="card-row-status" /></td>
                <td data-label="Cardholder">{c.cardholderName ?? <span className="mono small">{c.cardholderId}</span>}</td>
                <td data-label="Program">{c.programName ?? <span className="muted">—</span>}</td>
                <td data-label="Currency">{c.currency}</td>
                <td data-label="Registered" className="nowrap">{formatDateTime(c.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter list={list} empty={f.any ? 'No cards match these filters.' : 'No cards yet.'} testId="cards" />
    </section>
  );
}
