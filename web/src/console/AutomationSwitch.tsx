import { useEffect, useId, useState, type FormEvent } from 'react';
import { getAutomation, pauseAutomation, resumeAutomation, type AutomationState } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { ErrorNotice } from '../ui/Notice.tsx';
import { useAction } from '../ui/useAction.ts';
import { Modal } from '../ui/Modal.tsx';
import { PauseIcon, PlayIcon } from '../ui/Icon.tsx';

const POLL_MS = 10000;

/** Loads the automation state and keeps it fresh (another operator may flip it). */
export function useAutomation() {
  const [state, setState] = useState<AutomationState | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let stopped = false;
    let timer = 0;
    async function tick() {
      try {
        const s = await getAutomation();
        if (!stopped) { setState(s); setError(null); }
      } catch (e) {
        if (!stopped) setError(e);
      }
      if (!stopped) timer = window.setTimeout(tick, POLL_MS);
    }
    void tick();
    return () => { stopped = true; window.clearTimeout(timer); };
  }, []);
  return { state, setState, error };
}

export function AutomationSwitch({ state, canWrite, onChanged }: { state: AutomationState | null; canWrite: boolean; onChanged: (s: AutomationState) => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, setError, run } = useAction();
  const reasonId = useId();

  if (!state) return <span className="pill pill-muted">Automation …</span>;
  const paused = state.paused;

  if (!canWrite) {
    return (
      <span className={`pill ${paused ? 'pill-danger' : 'pill-ok'}`} data-testid="automation-state" data-paused={paused}>
        Automation {paused ? 'paused' : 'running'}
      </span>
    );
  }

  async function confirm(e: FormEvent) {
    e.preventDefault();
    const r = reason.trim() || undefined;
    const ok = await run(async () => {
      const next = paused ? await resumeAutomation(r) : await pauseAutomation(r);
      onChanged(next && typeof next.paused === 'boolean' ? next : { ...state!, paused: !paused, reason: r ?? null, changedAt: new Date().toISOString() });
    });
    if (!ok) return;
    setOpen(false);
    setReason('');
  }

  return (
    <>
      <button
        type="button"
        className={`btn automation-btn ${paused ? 'btn-success' : 'btn-warning'}`}
        data-testid="automation-toggle"
        data-paused={paused}
        aria-pressed={paused}
        onClick={() => { setError(null); setOpen(true); }}
      >
        {paused ? <PlayIcon /> : <PauseIcon />} {paused ? 'Resume automation' : 'Pause automation'}
      </button>
      <Modal open={open} onClose={() => !busy && setOpen(false)} title={paused ? 'Resume automation?' : 'Pause automation?'} testId="automation-dialog">
        <form onSubmit={confirm} className="stack">
          <p>
            {paused
              ? 'Paid orders will be delivered automatically again, including the ones that waited while automation was paused.'
              : 'New paid orders will wait instead of being delivered. Customers see their order as paid and waiting. Use this when a platform, stock or fraud problem needs a human.'}
          </p>
          <div className="field">
            <label htmlFor={reasonId}>Reason (optional, shown in the audit log)</label>
            <input id={reasonId} type="text" value={reason} onChange={(e) => setReason(e.target.value)} data-testid="automation-reason" autoFocus />
          </div>
          <ErrorNotice error={error} />
          <div className="row">
            <button type="submit" className={`btn ${paused ? 'btn-success' : 'btn-warning'}`} disabled={busy} data-testid="automation-confirm">
              {busy ? 'Working…' : paused ? 'Yes, resume' : 'Yes, pause'}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)} disabled={busy} data-testid="automation-cancel">
              Cancel
            </button>
          </div>
        </form>
      </Modal>
    </>
  );
}

export function AutomationBanner({ state }: { state: AutomationState | null }) {
  if (!state?.paused) return null;
  return (
    <div className="automation-banner" role="alert" data-testid="automation-banner">
      <strong>AUTOMATION PAUSED</strong>
      <span>
        Paid orders are waiting and nothing is delivered automatically.
        {state.changedBy && <> Paused by {state.changedBy}</>}
        {state.changedAt && <> {state.changedBy ? 'at' : 'Since'} {formatDateTime(state.changedAt)}</>}
        {state.reason && <> — “{state.reason}”</>}
      </span>
    </div>
  );
}
