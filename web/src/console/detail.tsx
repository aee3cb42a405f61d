import { useCallback, useState } from 'react';
import { Link } from '../router.tsx';
import { ErrorNotice } from '../ui/Notice.tsx';

/** A detail page before its record arrives: the way back to the list, then the error or "Loading {what}…". */
export function DetailPending({ backTo, backLabel, what, error, loading }: { backTo: string; backLabel: string; what: string; error: unknown; loading: boolean }) {
  return (
    <section className="stack">
      <Link to={backTo} className="back-link">← {backLabel}</Link>
      {error ? <ErrorNotice error={error} /> : loading && <p className="muted">Loading {what}…</p>}
    </section>
  );
}

/**
 * The Refresh of a detail page: `refresh()` reloads the record and bumps `tick`, which the page's own lists
 * (transfers, authorizations, accounts) take as a dependency so they reload with it; `bump()` reloads only them.
 */
export function useRefresh(reload: () => Promise<unknown>) {
  const [tick, setTick] = useState(0);
  const bump = useCallback(() => setTick((n) => n + 1), []);
  const refresh = useCallback(() => {
    void reload();
    bump();
  }, [reload, bump]);
  return { tick, refresh, bump };
}
