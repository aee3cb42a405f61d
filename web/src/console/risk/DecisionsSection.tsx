import { useEffect, useId, useState } from 'react';
import {
  RISK_DECISIONS,
  RISK_EVENT_KINDS,
  downloadAdmin,
  listRiskDecisions,
  listRiskRules,
  riskReportUrl,
  type RiskDecision,
} from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { Link, navigate, useSearch } from '../../router.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { DecisionDrawer } from './DecisionDrawer.tsx';
import { DecisionBadge, EVENT_LABELS, LabelBadge, ScoreMeter, dayToIso, localDay } from './riskUi.tsx';
import { TopRules } from './TopRules.tsx';

const BASE = '/console/risk/decisions';

function setParam(key: string, value: string) {
  const next = new URLSearchParams(window.location.search);
  if (value) next.set(key, value);
  else next.delete(key);
  const s = next.toString();
  navigate(`${BASE}${s ? `?${s}` : ''}`, { replace: true });
}

/** Decisions with filters (kept in the URL), a detail drawer, labels, the CSV report and the rules firing most. */
export function DecisionsSection({ canLabel, canOpenOrders }: { canLabel: boolean; canOpenOrders: boolean }) {
  const search = useSearch();
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  const decision = search.get('decision') ?? '';
  const kind = search.get('kind') ?? '';
  const rule = search.get('rule') ?? '';
  const label = search.get('label') ?? '';
  const open = search.get('d');
  const [ruleText, setRuleText] = useState(rule);
  const [rows, setRows] = useState<RiskDecision[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const [downloading, setDownloading] = useState(false);
  const [dlError, setDlError] = useState<unknown>(null);
  const ruleNames = useLoad(() => listRiskRules().then((r) => r.data.map((x) => x.name)), []);
  const ids = { from: useId(), to: useId(), decision: useId(), kind: useId(), rule: useId(), label: useId(), list: useId() };
  const filters = { from: dayToIso(from), to: dayToIso(to, true), decision, kind, rule, label };

  useEffect(() => {
    if (ruleText.trim() === rule) return;
    const t = window.setTimeout(() => setParam('rule', ruleText.trim()), 400);
    return () => window.clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ruleText]);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    listRiskDecisions(filters, null, ctrl.signal)
      .then((p) => { setRows(p.data); setCursor(p.nextCursor); })
      .catch((e) => { if (!ctrl.signal.aborted) setError(e); })
      .finally(() => { if (!ctrl.signal.aborted) setLoading(false); });
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [from, to, decision, kind, rule, label, tick]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const p = await listRiskDecisions(filters, cursor);
      setRows((r) => [...r, ...p.data]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  async function download() {
    setDownloading(true);
    setDlError(null);
    try {
      const blob = await downloadAdmin(riskReportUrl(filters));
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `fraud-report-${localDay(new Date())}.csv`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setDlError(e);
    } finally {
      setDownloading(false);
    }
  }

  const anyFilter = !!(from || to || decision || kind || rule || label);
  return (
    <section className="stack" aria-labelledby="decisions-title">
      <div className="section-head">
        <h1 id="decisions-title">Decisions</h1>
        <button type="button" className="btn btn-small" onClick={() => setTick((n) => n + 1)} data-testid="decisions-refresh">Refresh</button>
        <button type="button" className="btn btn-small" onClick={() => void download()} disabled={downloading} data-testid="decisions-csv">
          {downloading ? 'Preparing…' : 'Download CSV'}
        </button>
      </div>
      <ErrorNotice error={dlError} testId="csv-error" />

      <form className="filters filters-risk" onSubmit={(e) => { e.preventDefault(); setParam('rule', ruleText.trim()); }} data-testid="decisions-filters">
        <div className="field">
          <label htmlFor={ids.from}>From</label>
          <input id={ids.from} type="date" value={from} max={to || undefined} onChange={(e) => setParam('from', e.target.value)} data-testid="decisions-from" />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>To</label>
          <input id={ids.to} type="date" value={to} min={from || undefined} onChange={(e) => setParam('to', e.target.value)} data-testid="decisions-to" />
        </div>
        <div className="field">
          <label htmlFor={ids.decision}>Decision</label>
          <select id={ids.decision} value={decision} onChange={(e) => setParam('decision', e.target.value)} data-testid="decisions-decision">
            <option value="">All</option>
            {RISK_DECISIONS.map((d) => <option key={d} value={d}>{d}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.kind}>Event</label>
          <select id={ids.kind} value={kind} onChange={(e) => setParam('kind', e.target.value)} data-testid="decisions-kind">
            <option value="">All</option>
            {RISK_EVENT_KINDS.map((k) => <option key={k} value={k}>{EVENT_LABELS[k] ?? k}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.label}>Label</label>
          <select id={ids.label} value={label} onChange={(e) => setParam('label', e.target.value)} data-testid="decisions-label">
            <option value="">Any</option>
            <option value="fraud">fraud</option>
            <option value="legit">legit</option>
            <option value="unlabelled">not labelled yet</option>
          </select>
        </div>
        <div className="field grow">
          <label htmlFor={ids.rule}>Rule fired</label>
          <input id={ids.rule} type="search" list={ids.list} placeholder="Exact rule name" value={ruleText} onChange={(e) => setRuleText(e.target.value)} data-testid="decisions-rule" />
          <datalist id={ids.list}>
            {(ruleNames.data ?? []).map((n) => <option key={n} value={n} />)}
            <option value="allow_list" />
            <option value="score_threshold" />
          </datalist>
        </div>
        {anyFilter && (
          <div className="filters-clear">
            <button type="button" className="btn btn-small btn-ghost" onClick={() => { setRuleText(''); navigate(BASE, { replace: true }); }} data-testid="decisions-clear">Clear filters</button>
          </div>
        )}
      </form>

      <TopRules from={filters.from} to={filters.to} tick={tick} onPick={(r) => { setRuleText(r); setParam('rule', r); }} />

      <ErrorNotice error={error} />
      <div className="table-wrap">
        <table className="table" data-testid="decisions-table">
          <thead>
            <tr><th>When</th><th>Event</th><th>Subject</th><th>Decision</th><th>Score</th><th>Rules</th><th>Label</th></tr>
          </thead>
          <tbody>
            {rows.map((d) => {
              const fired = d.reasons.filter((r) => r.effect !== 'skipped');
              return (
                <tr key={d.id} className={`clickable ${open === d.id ? 'row-highlight' : ''}`} data-testid="decision-row" data-decision-id={d.id} data-decision={d.decision} data-subject-id={d.subjectId ?? ''}
                  onClick={(e) => { if (!(e.target as HTMLElement).closest('a,button')) setParam('d', d.id); }}>
                  <td data-label="When" className="nowrap">
                    <button type="button" className="linklike" onClick={() => setParam('d', d.id)} data-testid="decision-open">{formatDateTime(d.createdAt)}</button>
                  </td>
                  <td data-label="Event">{EVENT_LABELS[d.kind] ?? d.kind}</td>
                  <td data-label="Subject" className="mono small wrap-anywhere">
                    {d.subjectId?.startsWith('ord_') && canOpenOrders ? <Link to={`/console/orders/${encodeURIComponent(d.subjectId)}`}>{d.subjectId}</Link> : (d.subjectId ?? '—')}
                  </td>
                  <td data-label="Decision">
                    <DecisionBadge decision={d.decision} />
                    {Array.isArray(d.shadow) && d.shadow.length > 0 && <span className="chip chip-muted chip-tiny" title="Shadow rules matched">+{d.shadow.length} shadow</span>}
                  </td>
                  <td data-label="Score"><ScoreMeter score={d.score} /></td>
                  <td data-label="Rules" className="small">
                    {fired.length === 0 ? <span className="muted">—</span> : fired.slice(0, 3).map((r) => r.rule).join(', ')}
                    {fired.length > 3 && <span className="muted"> +{fired.length - 3}</span>}
                  </td>
                  <td data-label="Label"><LabelBadge label={d.label} /></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {!loading && rows.length === 0 && !error && <p className="muted" data-testid="decisions-empty">No decisions match these filters.</p>}
      {loading && <p className="muted" aria-busy="true">Loading…</p>}
      {cursor && !loading && <button type="button" className="btn" onClick={() => void loadMore()} data-testid="decisions-load-more">Load more</button>}

      <DecisionDrawer
        id={open}
        canLabel={canLabel}
        canOpenOrders={canOpenOrders}
        onClose={() => setParam('d', '')}
        onLabelled={(upd) => setRows((rs) => rs.map((r) => (r.id === upd.id ? { ...r, label: upd.label, labelReason: upd.labelReason } : r)))}
      />
    </section>
  );
}
