import { useId, useMemo, useState } from 'react';
import type { RiskFeature } from '../../api.ts';
import { RULE_FUNCTIONS } from './ExpressionEditor.tsx';

const GROUP_HELP: Record<string, string> = {
  velocity: 'Counts and sums over time windows, per IP / e-mail / card / device / customer / platform user.',
  lists: 'Allow / block list hits for this event.',
  function: 'Functions: is_missing(path), lower(s), starts_with(s, p), ends_with(s, p), contains(s|list, x), len(x), abs(n), min(a, b…), max(a, b…).',
};

/** Every feature a rule may read, grouped by its first segment; filterable; a click inserts the path. */
export function FeatureReference({ features, onPick, disabled }: { features: RiskFeature[]; onPick: (f: RiskFeature) => void; disabled?: boolean }) {
  const [filter, setFilter] = useState('');
  const id = useId();
  const f = filter.trim().toLowerCase();
  const groups = useMemo(() => {
    const all = [...features, ...RULE_FUNCTIONS];
    const shown = f ? all.filter((x) => x.path.includes(f) || x.type.includes(f)) : all;
    const m = new Map<string, RiskFeature[]>();
    for (const x of shown) {
      const g = x.type === 'function' ? 'function' : x.path.split('.')[0];
      m.set(g, [...(m.get(g) ?? []), x]);
    }
    return [...m.entries()];
  }, [features, f]);

  return (
    <div className="card stack feature-ref" data-testid="feature-ref">
      <div>
        <h2>Features</h2>
        <p className="small muted">What a rule can read. A feature an event lacks is <em>missing</em>: the rule is then not judged (guard with <code>is_missing(…)</code>). {disabled ? '' : 'Click to insert.'}</p>
      </div>
      <div className="field">
        <label htmlFor={id} className="sr-only">Filter features</label>
        <input id={id} type="search" placeholder="Filter, e.g. card or 24h" value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="feature-filter" />
      </div>
      <div className="feature-groups">
        {groups.length === 0 && <p className="muted small">No feature matches.</p>}
        {groups.map(([g, items]) => (
          <details key={g} open={!!f || (g !== 'velocity' && items.length <= 12)} className="feature-group">
            <summary><span className="mono">{g === 'function' ? 'functions' : g}</span> <span className="muted small">({items.length})</span></summary>
            {GROUP_HELP[g] && <p className="small muted">{GROUP_HELP[g]}</p>}
            <ul>
              {items.map((x) => (
                <li key={x.path}>
                  <button type="button" className="feature-item" disabled={disabled} onClick={() => onPick(x)} data-testid="feature-item" data-path={x.path} title={disabled ? x.path : `Insert ${x.path}`}>
                    <span className="mono">{x.path}</span>
                    <span className={`feature-type type-${x.type.replace(/\W/g, '')}`}>{x.type}</span>
                  </button>
                </li>
              ))}
            </ul>
          </details>
        ))}
      </div>
    </div>
  );
}
