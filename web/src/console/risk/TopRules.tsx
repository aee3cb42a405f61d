import { topRiskRules } from '../../api.ts';
import { formatNumber } from '../../format.ts';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';

const EFFECT_ORDER = ['block', 'review', 'allow', 'score', 'snoozed'];
const effectKey = (e: string) => (e.startsWith('score') ? 'score' : EFFECT_ORDER.includes(e) ? e : 'other');

/** "Top rules firing" as a CSS bar chart: one stacked bar per rule, split by effect. */
export function TopRules({ from, to, tick, onPick }: { from?: string; to?: string; tick: number; onPick: (rule: string) => void }) {
  const { data, error, loading } = useLoad(() => topRiskRules({ from, to }), [from, to, tick]);

  const byRule = new Map<string, { total: number; parts: Record<string, number> }>();
  for (const r of data?.data ?? []) {
    const cur = byRule.get(r.rule) ?? { total: 0, parts: {} };
    const k = effectKey(r.effect);
    cur.total += r.n;
    cur.parts[k] = (cur.parts[k] ?? 0) + r.n;
    byRule.set(r.rule, cur);
  }
  const rows = [...byRule.entries()].sort((a, b) => b[1].total - a[1].total).slice(0, 10);
  const max = Math.max(1, ...rows.map(([, v]) => v.total));
  const present = EFFECT_ORDER.filter((e) => rows.some(([, v]) => v.parts[e]));

  return (
    <details className="card top-rules" open data-testid="top-rules">
      <summary className="top-rules-summary"><h2 className="h2">Top rules firing</h2><span className="muted small">{from || to ? 'in the selected period' : 'all time'}</span></summary>
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted small">Loading…</p>}
      {data && rows.length === 0 && <p className="muted small">No rule has fired in this period.</p>}
      {rows.length > 0 && (
        <>
          <ul className="bars" aria-label="Times each rule fired">
            {rows.map(([rule, v]) => (
              <li key={rule} className="bar-row" data-testid="top-rule" data-rule={rule} data-count={v.total}>
                <button type="button" className="bar-label linklike" onClick={() => onPick(rule)} title={`Show decisions where “${rule}” fired`}>{rule}</button>
                <span className="bar-track" role="img" aria-label={`${rule}: ${v.total} (${present.filter((e) => v.parts[e]).map((e) => `${e} ${v.parts[e]}`).join(', ')})`}>
                  <span className="bar-fill" style={{ width: `${(v.total / max) * 100}%` }}>
                    {EFFECT_ORDER.filter((e) => v.parts[e]).map((e) => (
                      <span key={e} className={`bar-seg seg-${e}`} style={{ flexGrow: v.parts[e] }} />
                    ))}
                    {v.parts.other ? <span className="bar-seg seg-other" style={{ flexGrow: v.parts.other }} /> : null}
                  </span>
                </span>
                <span className="bar-num">{formatNumber(v.total)}</span>
              </li>
            ))}
          </ul>
          <div className="legend small muted" aria-hidden="true">
            {present.map((e) => <span key={e}><span className={`legend-dot seg-${e}`} /> {e}</span>)}
          </div>
        </>
      )}
    </details>
  );
}
