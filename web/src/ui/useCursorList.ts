import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';

/** One page of a cursor-paged listing, as every `/v1/...` list endpoint answers it. */
export interface CursorPage<T> {
  data: T[];
  nextCursor: string | null;
}

export interface CursorList<T> {
  rows: T[];
  /** For in-place updates of loaded rows (a label set, an event acknowledged). */
  setRows: Dispatch<SetStateAction<T[]>>;
  /** The cursor of the next page; null when everything is loaded. */
  cursor: string | null;
  loading: boolean;
  error: unknown;
  setError: Dispatch<SetStateAction<unknown>>;
  /** Appends the next page (no-op without a cursor or while a page is loading). */
  loadMore: () => Promise<void>;
  /** Loads the first page again (the Refresh button). */
  reload: () => void;
}

/**
 * A "newest first, Load more" list: loads the first page on mount and whenever `deps` change (a filter),
 * appends further pages with `loadMore()`. A first page that fails leaves an empty list and the error, so rows
 * of an earlier filter are never shown under a new one; a page answered after the filter changed is dropped.
 * `fetchPage` is read at call time, so it may close over the current filters without being in `deps`.
 */
export function useCursorList<T>(
  fetchPage: (cursor: string | null, signal: AbortSignal) => Promise<CursorPage<T>>,
  deps: readonly unknown[],
): CursorList<T> {
  const [rows, setRows] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  // The signal of the current first-page load: aborted when the filter changes, which also drops late "more" pages.
  const current = useRef<AbortController | null>(null);
  const busy = useRef(false);

  useEffect(() => {
    const ctrl = new AbortController();
    current.current = ctrl;
    busy.current = true;
    setLoading(true);
    setError(null);
    fetchRef.current(null, ctrl.signal)
      .then((p) => {
        if (ctrl.signal.aborted) return;
        setRows(p.data);
        setCursor(p.nextCursor);
      })
      .catch((e) => {
        if (ctrl.signal.aborted) return;
        setRows([]);
        setCursor(null);
        setError(e);
      })
      .finally(() => {
        if (ctrl.signal.aborted) return;
        busy.current = false;
        setLoading(false);
      });
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);

  const loadMore = useCallback(async () => {
    const ctrl = current.current;
    if (!cursor || !ctrl || busy.current) return;
    busy.current = true;
    setLoading(true);
    try {
      const p = await fetchRef.current(cursor, ctrl.signal);
      if (ctrl.signal.aborted) return;
      setRows((r) => [...r, ...p.data]);
      setCursor(p.nextCursor);
    } catch (e) {
      if (!ctrl.signal.aborted) setError(e);
    } finally {
      if (!ctrl.signal.aborted) {
        busy.current = false;
        setLoading(false);
      }
    }
  }, [cursor]);

  const reload = useCallback(() => setTick((n) => n + 1), []);

  return { rows, setRows, cursor, loading, error, setError, loadMore, reload };
}
