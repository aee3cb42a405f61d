import type { MouseEvent, ReactNode } from 'react';
import type { CursorList } from './useCursorList.ts';

/**
 * What follows a paged table: the empty text (once loaded, with no error), "Loading…", and "Load more" while a
 * next page exists. `testId` names the pieces `${testId}-empty` and `${testId}-more` unless given separately;
 * `count` is what is shown when the page filters the loaded rows further.
 */
export function ListFooter({ list, empty, testId, emptyTestId, moreTestId, moreLabel = 'Load more', count }: {
  list: Pick<CursorList<unknown>, 'rows' | 'cursor' | 'loading' | 'error' | 'loadMore'>;
  empty: ReactNode;
  testId?: string;
  emptyTestId?: string;
  moreTestId?: string;
  moreLabel?: string;
  count?: number;
}) {
  const shown = count ?? list.rows.length;
  return (
    <>
      {!list.loading && shown === 0 && !list.error && <p className="muted" data-testid={emptyTestId ?? (testId && `${testId}-empty`)}>{empty}</p>}
      {list.loading && <p className="muted" aria-busy="true">Loading…</p>}
      {list.cursor && !list.loading && (
        <button type="button" className="btn" onClick={() => void list.loadMore()} data-testid={moreTestId ?? (testId && `${testId}-more`)}>{moreLabel}</button>
      )}
    </>
  );
}

/** A table row that opens something when clicked anywhere except on its own links and buttons. */
export function rowClick(open: () => void) {
  return (e: MouseEvent) => {
    if (!(e.target as HTMLElement).closest('a,button')) open();
  };
}
