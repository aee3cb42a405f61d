import { ListFooter } from '../../ui/ListFooter.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useCursorList } from '../../ui/useCursorList.ts';
import { AuthorizationsTable } from './AuthorizationsTable.tsx';
import { listCardAuthorizations, type AuthorizationFilters } from './cardsApi.ts';

/** Loads authorizations for a filter, newest first, with "Load more"; reloads when the filter or `tick` changes. */
export function AuthorizationsPager({ filters, tick = 0, pageSize = 50, showCard, canOpenDecisions, emptyText = 'No authorizations.', testId }: {
  filters: AuthorizationFilters; tick?: number; pageSize?: number; showCard: boolean; canOpenDecisions: boolean; emptyText?: string; testId?: string;
}) {
  const list = useCursorList((cursor, signal) => listCardAuthorizations(filters, cursor, pageSize, signal), [JSON.stringify(filters), tick, pageSize]);

  return (
    <div className="stack">
      <ErrorNotice error={list.error} />
      {list.rows.length > 0 && <AuthorizationsTable rows={list.rows} showCard={showCard} canOpenDecisions={canOpenDecisions} testId={testId} />}
      <ListFooter list={list} empty={emptyText} testId={testId} />
    </div>
  );
}
