import { useId, useState, type FormEvent } from 'react';
import { getRiskSettings, updateRiskSettings, type RiskSettings } from '../../api.ts';
import { ErrorNotice, Notice } from '../../ui/Notice.tsx';
import { useAction } from '../../ui/useAction.ts';
import { useLoad } from '../../ui/useLoad.ts';

export function RiskSettingsSection({ canWrite }: { canWrite: boolean }) {
  const { data, error, loading, setData } = useLoad(() => getRiskSettings(), []);
  return (
    <section className="stack" aria-labelledby="risk-settings-title">
      <div className="section-head"><h1 id="risk-settings-title">Risk settings</h1></div>
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && <SettingsForm key={JSON.stringify(data)} settings={data} canWrite={canWrite} onSaved={setData} />}
    </section>
  );
}

function SettingsForm({ settings, canWrite, onSaved }: { settings: RiskSettings; canWrite: boolean; onSaved: (s: RiskSettings) => void }) {
  const [review, setReview] = useState(String(settings.reviewThreshold));
  const [block, setBlock] = useState(String(settings.blockThreshold));
  const [limit, setLimit] = useState(String(settings.autoCaptureLimitUsd));
  const { busy, error, setError, run } = useAction();
  const [saved, setSaved] = useState(false);
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSaved(false);
    const r = Number(review);
    const b = Number(block);
    const l = Number(limit);
    if (!Number.isInteger(r) || r < 1 || r > 100) return setError(new Error('The review threshold is a whole number from 1 to 100.'));
    if (!Number.isInteger(b) || b < 1 || b > 100) return setError(new Error('The block threshold is a whole number from 1 to 100.'));
    if (r > b) return setError(new Error('The review threshold must not be above the block threshold.'));
    if (!limit.trim() || !Number.isFinite(l) || l < 0) return setError(new Error('The auto-capture limit is an amount in USD of 0 or more.'));
    const patch: Partial<RiskSettings> = {};
    if (r !== settings.reviewThreshold) patch.reviewThreshold = r;
    if (b !== settings.blockThreshold) patch.blockThreshold = b;
    if (l !== settings.autoCaptureLimitUsd) patch.autoCaptureLimitUsd = l;
    if (Object.keys(patch).length === 0) { setSaved(true); return; }
    await run(async () => onSaved(await updateRiskSettings(patch)));
  }

  const r = Number(review);
  const b = Number(block);
  const scaleOk = Number.isFinite(r) && Number.isFinite(b) && r > 0 && b >= r && b <= 100;
  return (
    <form className="card stack settings-form" onSubmit={submit} data-testid="risk-settings-form">
      {saved && <Notice tone="success" testId="risk-settings-saved">Nothing changed.</Notice>}
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-review`}>Review threshold</label>
          <input id={`${id}-review`} type="number" inputMode="numeric" min={1} max={100} step={1} value={review} disabled={!canWrite} onChange={(e) => setReview(e.target.value)} data-testid="risk-review-threshold" />
          <span className="hint">A summed score at or above this sends the event to review.</span>
        </div>
        <div className="field">
          <label htmlFor={`${id}-block`}>Block threshold</label>
          <input id={`${id}-block`} type="number" inputMode="numeric" min={1} max={100} step={1} value={block} disabled={!canWrite} onChange={(e) => setBlock(e.target.value)} data-testid="risk-block-threshold" />
          <span className="hint">At or above this the event is blocked.</span>
        </div>
        {scaleOk && (
          <div className="span-2 threshold-scale" aria-hidden="true">
            <span className="ts-allow" style={{ width: `${r}%` }}>allow</span>
            <span className="ts-review" style={{ width: `${b - r}%` }}>review</span>
            <span className="ts-block" style={{ width: `${100 - b + 1}%` }}>block</span>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-limit`}>Auto-capture limit (USD)</label>
          <input id={`${id}-limit`} type="number" inputMode="decimal" min={0} step="0.01" value={limit} disabled={!canWrite} onChange={(e) => setLimit(e.target.value)} data-testid="risk-auto-capture" />
          <span className="hint">Checkouts the rules allow go through at once up to this amount; larger ones wait in the review queue.</span>
        </div>
      </div>
      <ErrorNotice error={error} />
      {canWrite && (
        <div><button type="submit" className="btn btn-primary" disabled={busy} data-testid="risk-settings-save">{busy ? 'Saving…' : 'Save settings'}</button></div>
      )}
    </form>
  );
}
