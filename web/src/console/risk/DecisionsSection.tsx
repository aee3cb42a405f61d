import { useState } from 'react';
import {
  RISK_DECISIONS,
  RISK_EVENT_KINDS,
  downloadAdmin,
  listRiskDecisions,
  listRiskRules,
  riskReportUrl,
} from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { dayToIso, localDay } from '../../ui/dates.ts';
import { saveBlob } from '../../ui/download.ts';
import { DateRangeFields, Field, SelectField } from '../../ui/Field.tsx';
import { ListFooter, rowClick } from '../../ui/ListFooter.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useAction } from '../../ui/useAction.ts';
import { useCursorList } from '../../ui/useCursorList.ts';
import { useLoad } from '../../ui/useLoad.ts';
import { useDebouncedInput, useUrlFilters } from '../../ui/useUrlFilters.ts';
import { DecisionDrawer } from './DecisionDrawer.tsx';
import { DecisionBadge, EVENT_LABELS, LabelBadge, ScoreMeter } from './riskUi.tsx';
import { TopRules } from './TopRules.tsx';

const LABELS = [{ value: 'fraud', label: 'fraud' }, { value: 'legit', label: 'legit' }, { value: 'unlabelled', label: 'not labelled yet' }];

/** Decisions with filters (kept in the URL), a detail drawer, labels, the CSV report and the rules firing most. */
export function DecisionsSection({ canLabel, canOpenOrders }: { canLabel: boolean; canOpenOrders: boolean }) {
  const f = useUrlFilters('/console/risk/decisions', ['from', 'to', 'decision', 'kind', 'rule', 'label']);
  const { from, to, decision, kind, rule, label } = f.values;
  const open = f.search.get('d');
  const [ruleText, setRuleText] = useDebouncedInput(rule, (v) => f.set('rule', v), { delayMs: 400 });
  const [tick, setTick] = useState(0);
  const csv = useAction();
  const ruleNames = useLoad(() => listRiskRules().then((r) => r.data.map((x) => x.name)), []);
  const filters = { from: dayToIso(from), to: dayToIso(to, true), decision, kind, rule, label };
  const list = useCursorList((cursor, signal) => listRiskDecisions(filters, cursor, signal), [from, to, decision, kind, rule, label, tick]);

  function download() {
    return csv.run(async () => saveBlob(await downloadAdmin(riskReportUrl(filters)), `fraud-report-${localDay(new Date())}.csv`));
  }

  return (
    <section className="stack" aria-labelledby="decisions-title">
      <div className="section-head">
        <h1 id="decisions-title">Decisions</h1>
        <button type="button" className="btn btn-small" onClick={() => setTick((n) => n + 1)} data-testid="decisions-refresh">Refresh</button>
        <button type="button" className="btn btn-small" onClick={() => void download()} disabled={csv.busy} data-testid="decisions-csv">
          {csv.busy ? 'Preparing…' : 'Download CSV'}
        </button>
      </div>
      <ErrorNotice error={csv.error} testId="csv-error" />

      <form className="filters filters-risk" onSubmit={(e) => { e.preventDefault(); f.set('rule', ruleText.trim()); }} data-testid="decisions-filters">
        <DateRangeFields from={from} to={to} onChange={f.set} testId="decisions" />
        <SelectField label="Decision" value={decision} onChange={(v) => f.set('decision', v)} options={RISK_DECISIONS} testId="decisions-decision" />
        <SelectField label="Event" value={kind} onChange={(v) => f.set('kind', v)} options={RISK_EVENT_KINDS.map((k) => ({ value: k, label: EVENT_LABELS[k] ?? k }))} testId="decisions-kind" />
        <SelectField label="Label" value={label} onChange={(v) => f.set('label', v)} options={LABELS} all="Any" testId="decisions-label" />
        <Field label="Rule fired" className="grow">
          {(id) => (
            <>
              <input id={id} type="search" list={`${id}-list`} placeholder="Exact rule name" value={ruleText} onChange={(e) => setRuleText(e.target.value)} data-testid="decisions-rule" />
              <datalist id={`${id}-list`}>
                {(ruleNames.data ?? []).map((n) => <option key={n} value={n} />)}
                <option value="allow_list" />
                <option value="score_threshold" />
              </datalist>
            </>
          )}
        </Field>
        {f.any && (
          <div className="filters-clear">
            <button type="button" className="btn btn-small btn-ghost" onClick={() => { setRuleText(''); f.clear(); }} data-testid="decisions-clear">Clear filters</button>
          </div>
        )}
      </form>

      <TopRules from={filters.from} to={filters.to} tick={tick} onPick={(r) => { setRuleText(r); f.set('rule', r); }} />

      <ErrorNotice error={list.error} />
      <div className="table-wrap">
        <table className="table" data-testid="decisions-table">
          <thead>
            <tr><th>When</th><th>Event</th><th>Subject</th><th>Decision</th><th>Score</th><th>Rules</th><th>Label</th></tr>
          </thead>
          <tbody>
            {list.rows.map((d) => {
              const fired = d.reasons.filter((r) => r.effect !== 'skipped');
              return (
                <tr key={d.id} className={`clickable ${open === d.id ? 'row-highlight' : ''}`} data-testid="decision-row" data-decision-id={d.id} data-decision={d.decision} data-subject-id={d.subjectId ?? ''}
                  onClick={rowClick(() => f.set('d', d.id))}>
                  <td data-label="When" className="nowrap">
                    <button type="button" className="linklike" onClick={() => f.set('d', d.id)} data-testid="decision-open">{formatDateTime(d.createdAt)}</button>
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
      <ListFooter list={list} empty="No decisions match these filters." emptyTestId="decisions-empty" moreTestId="decisions-load-more" />

      <DecisionDrawer
        id={open}
        canLabel={canLabel}
        canOpenOrders={canOpenOrders}
        onClose={() => f.set('d', '')}
        onLabelled={(upd) => list.setRows((rs) => rs.map((r) => (r.id === upd.id ? { ...r, label: upd.label, labelReason: upd.labelReason } : r)))}
      />
    </section>
  );
}
