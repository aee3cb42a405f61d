import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { AuthorizationsTable } from './AuthorizationsTable.tsx';
import { listCardAuthorizations, type AuthorizationFilters, type CardAuthorization } from './cardsApi.ts';

/** Loads authorizations for a filter, newest first, with "Load more"; reloads when the filter or `tick` changes. */
export function AuthorizationsPager({ filters, tick = 0, pageSize = 50, showCard, canOpenDecisions, emptyText = 'No authorizations.', testId }: {
  filters: AuthorizationFilters; tick?: number; pageSize?: number; showCard: boolean; canOpenDecisions: boolean; emptyText?: string; testId?: string;
}) {
  const [rows, setRows] = useState<CardAuthorization[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const key = JSON.stringify(filters);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    listCardAuthorizations(filters, null, pageSize, ctrl.signal)
      .then((p) => { setRows(p.data); setCursor(p.nextCursor); })
      .catch((e) => { if (!ctrl.signal.aborted) setError(e); })
      .finally(() => { if (!ctrl.signal.aborted) setLoading(false); });
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick, pageSize]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const p = await listCardAuthorizations(filters, cursor, pageSize);
      setRows((r) => [...r, ...p.data]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  return (
    <div className="stack">
      <ErrorNotice error={error} />
      {rows.length > 0 && <AuthorizationsTable rows={rows} showCard={showCard} canOpenDecisions={canOpenDecisions} testId={testId} />}
      {!loading && rows.length === 0 && !error && <p className="muted" data-testid={testId ? `${testId}-empty` : undefined}>{emptyText}</p>}
      {loading && <p className="muted" aria-busy="true">Loading…</p>}
      {cursor && !loading && <button type="button" className="btn" onClick={() => void loadMore()} data-testid={testId ? `${testId}-more` : undefined}>Load more</button>}
    </div>
  );
}
