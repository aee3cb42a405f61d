import { useId, useState } from 'react';
import { navigate, useSearch } from '../../router.tsx';
import { AuthorizationsPager } from './AuthorizationsPager.tsx';
import type { AuthorizationFilters } from './cardsApi.ts';

const BASE = '/console/card-authorizations';

function setParam(key: string, value: string) {
  const next = new URLSearchParams(window.location.search);
  if (value) next.set(key, value);
  else next.delete(key);
  const s = next.toString();
  navigate(`${BASE}${s ? `?${s}` : ''}`, { replace: true });
}

/** The latest authorizations across all cards, with decline reasons; filter approved / declined / fallback answers and the stage that decided. */
export function AuthorizationsFeed({ canOpenDecisions }: { canOpenDecisions: boolean }) {
  const search = useSearch();
  const outcome = search.get('outcome') ?? '';
  const fallback = search.get('fallback') === 'true';
  const stage = search.get('stage') ?? '';
  const [tick, setTick] = useState(0);
  const ids = { outcome: useId(), stage: useId(), fallback: useId() };
  const filters: AuthorizationFilters = {
    ...(outcome ? { approved: outcome === 'approved' } : {}),
    ...(fallback ? { fallback: true } : {}),
    ...(stage ? { stage } : {}),
  };

  return (
    <section className="stack cards-page" aria-labelledby="auth-feed-title">
      <div className="section-head">
        <h1 id="auth-feed-title">Card authorizations</h1>
        <button type="button" className="btn btn-small" onClick={() => setTick((n) => n + 1)} data-testid="auth-feed-refresh">Refresh</button>
      </div>
      <div className="cards-filters" data-testid="auth-feed-filters">
        <div className="field">
          <label htmlFor={ids.outcome}>Outcome</label>
          <select id={ids.outcome} value={outcome} onChange={(e) => setParam('outcome', e.target.value)} data-testid="auth-filter-outcome">
            <option value="">All</option>
            <option value="approved">Approved</option>
            <option value="declined">Declined</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.stage}>Decided by</label>
          <select id={ids.stage} value={stage} onChange={(e) => setParam('stage', e.target.value)} data-testid="auth-filter-stage">
            <option value="">Any stage</option>
            <option value="card">Card (status, expiry)</option>
            <option value="controls">Controls (limits, MCC, countries, hours)</option>
            <option value="rules">Risk rules</option>
            <option value="fallback">Fallback (over budget)</option>
          </select>
        </div>
        <div className="field">
          <span className="field inline">
            <input id={ids.fallback} type="checkbox" checked={fallback} onChange={(e) => setParam('fallback', e.target.checked ? 'true' : '')} data-testid="auth-filter-fallback" />
            <label htmlFor={ids.fallback}>Fallback answers only</label>
          </span>
        </div>
      </div>
      <AuthorizationsPager filters={filters} tick={tick} showCard canOpenDecisions={canOpenDecisions} testId="auth-feed" emptyText="No authorizations match these filters." />
    </section>
  );
}
