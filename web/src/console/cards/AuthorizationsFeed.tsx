import { useId, useState } from 'react';
import { SelectField } from '../../ui/Field.tsx';
import { useUrlFilters } from '../../ui/useUrlFilters.ts';
import { AuthorizationsPager } from './AuthorizationsPager.tsx';
import type { AuthorizationFilters } from './cardsApi.ts';

const OUTCOMES = [{ value: 'approved', label: 'Approved' }, { value: 'declined', label: 'Declined' }];
const STAGES = [
  { value: 'card', label: 'Card (status, expiry)' },
  { value: 'controls', label: 'Controls (limits, MCC, countries, hours)' },
  { value: 'rules', label: 'Risk rules' },
  { value: 'fallback', label: 'Fallback (over budget)' },
];

/** The latest authorizations across all cards, with decline reasons; filter approved / declined / fallback answers and the stage that decided. */
export function AuthorizationsFeed({ canOpenDecisions }: { canOpenDecisions: boolean }) {
  const f = useUrlFilters('/console/card-authorizations', ['outcome', 'fallback', 'stage']);
  const { outcome, stage } = f.values;
  const fallback = f.values.fallback === 'true';
  const [tick, setTick] = useState(0);
  const fallbackId = useId();
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
        <SelectField label="Outcome" value={outcome} onChange={(v) => f.set('outcome', v)} options={OUTCOMES} testId="auth-filter-outcome" />
        <SelectField label="Decided by" value={stage} onChange={(v) => f.set('stage', v)} options={STAGES} all="Any stage" testId="auth-filter-stage" />
        <div className="field">
          <span className="field inline">
            <input id={fallbackId} type="checkbox" checked={fallback} onChange={(e) => f.set('fallback', e.target.checked ? 'true' : '')} data-testid="auth-filter-fallback" />
            <label htmlFor={fallbackId}>Fallback answers only</label>
          </span>
        </div>
      </div>
      <AuthorizationsPager filters={filters} tick={tick} showCard canOpenDecisions={canOpenDecisions} testId="auth-feed" emptyText="No authorizations match these filters." />
    </section>
  );
}
