import { useEffect, useId, useState } from 'react';
import { formatDateTime } from '../../format.ts';
import { Link, navigate, useSearch } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { NewCardForm } from './NewCardForm.tsx';
import { CARD_STATUSES, listCardPrograms, listCardholders, listCards, type CardRow } from './cardsApi.ts';
import { CardStatusBadge } from './cardsUi.tsx';

const BASE = '/console/cards';

function setParam(key: string, value: string) {
  const next = new URLSearchParams(window.location.search);
  if (value) next.set(key, value);
  else next.delete(key);
  const s = next.toString();
  navigate(`${BASE}${s ? `?${s}` : ''}`, { replace: true });
}

/** Company cards with filters (kept in the URL): status, program, cardholder, last 4 digits; and registering a new card. */
export function CardsSection({ canWrite }: { canWrite: boolean }) {
  const search = useSearch();
  const status = search.get('status') ?? '';
  const programId = search.get('programId') ?? '';
  const cardholderId = search.get('cardholderId') ?? '';
  const last4 = search.get('last4') ?? '';
  const openNew = search.get('new') === '1';
  const [last4Text, setLast4Text] = useState(last4);
  const [rows, setRows] = useState<CardRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const programs = useLoad(() => listCardPrograms().then((r) => r.data), []);
  const holders = useLoad(() => listCardholders(null, 500).then((r) => r.data), []);
  const ids = { status: useId(), program: useId(), holder: useId(), last4: useId() };
  const filters = { status, programId, cardholderId, last4 };

  useEffect(() => {
    const t = last4Text.trim();
    if (t === last4 || (t && !/^\d{4}$/.test(t))) return;
    const h = window.setTimeout(() => setParam('last4', t), 300);
    return () => window.clearTimeout(h);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [last4Text]);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    listCards(filters, null, ctrl.signal)
      .then((p) => { setRows(p.data); setCursor(p.nextCursor); })
      .catch((e) => { if (!ctrl.signal.aborted) setError(e); })
      .finally(() => { if (!ctrl.signal.aborted) setLoading(false); });
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, programId, cardholderId, last4]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const p = await listCards(filters, cursor);
      setRows((r) => [...r, ...p.data]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  const last4Invalid = !!last4Text.trim() && !/^\d{4}$/.test(last4Text.trim());
  const anyFilter = !!(status || programId || cardholderId || last4);
  return (
    <section className="stack cards-page" aria-labelledby="cards-title">
      <div className="section-head"><h1 id="cards-title">Cards</h1></div>
      {canWrite && holders.data && programs.data && (
        <NewCardForm key={cardholderId} open={openNew} holders={holders.data} programs={programs.data} cardholderId={cardholderId || undefined}
          onCreated={(id) => navigate(`${BASE}/${encodeURIComponent(id)}`)} />
      )}
      <ErrorNotice error={programs.error ?? holders.error} />

      <div className="cards-filters" data-testid="cards-filters">
        <div className="field">
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={status} onChange={(e) => setParam('status', e.target.value)} data-testid="cards-filter-status">
            <option value="">All</option>
            {CARD_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.program}>Program</label>
          <select id={ids.program} value={programId} onChange={(e) => setParam('programId', e.target.value)} data-testid="cards-filter-program">
            <option value="">All</option>
            {(programs.data ?? []).map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.holder}>Cardholder</label>
          <select id={ids.holder} value={cardholderId} onChange={(e) => setParam('cardholderId', e.target.value)} data-testid="cards-filter-holder">
            <option value="">All</option>
            {(holders.data ?? []).map((h) => <option key={h.id} value={h.id}>{h.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.last4}>Last 4 digits</label>
          <input id={ids.last4} type="search" inputMode="numeric" maxLength={4} value={last4Text} onChange={(e) => setLast4Text(e.target.value)} aria-invalid={last4Invalid || undefined} data-testid="cards-filter-last4" />
          {last4Invalid && <span className="field-error">4 digits</span>}
        </div>
        {anyFilter && (
          <div className="filters-clear">
            <button type="button" className="btn btn-small btn-ghost" onClick={() => { setLast4Text(''); navigate(BASE, { replace: true }); }} data-testid="cards-clear">Clear filters</button>
          </div>
        )}
      </div>

      <ErrorNotice error={error} />
      <div className="table-wrap">
        <table className="table" data-testid="cards-table">
          <thead><tr><th>Card</th><th>Status</th><th>Cardholder</th><th>Program</th><th>Currency</th><th>Registered</th></tr></thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id} className="clickable" data-testid="card-row" data-id={c.id} data-status={c.status}
                onClick={(e) => { if (!(e.target as HTMLElement).closest('a,button')) navigate(`${BASE}/${encodeURIComponent(c.id)}`); }}>
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
      {!loading && rows.length === 0 && !error && <p className="muted" data-testid="cards-empty">{anyFilter ? 'No cards match these filters.' : 'No cards yet.'}</p>}
      {loading && <p className="muted" aria-busy="true">Loading…</p>}
      {cursor && !loading && <button type="button" className="btn" onClick={() => void loadMore()} data-testid="cards-more">Load more</button>}
    </section>
  );
}
