import { useState } from 'react';
import { CopyButton } from '../../ui/CopyButton.tsx';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { newRecoveryCodes } from '../api.ts';
import { StepUpCancelled, useStepUp } from '../StepUp.tsx';
import { endedText } from './endedText.ts';

function download(codes: string[]) {
  const text = `Tollgate recovery codes (${new Date().toISOString().slice(0, 10)})\nEach code works once. Keep them somewhere safe.\n\n${codes.join('\n')}\n`;
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'tollgate-recovery-codes.txt';
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Recovery codes: how many are left; new ones (the old stop working) are shown once, to copy or download. */
export function RecoveryCodesCard({ left, onChanged }: { left: number; onChanged: () => void }) {
  const withStepUp = useStepUp();
  const [codes, setCodes] = useState<string[] | null>(null);
  const [ended, setEnded] = useState(0);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function generate() {
    setBusy(true);
    setError(null);
    try {
      const r = await withStepUp(() => newRecoveryCodes());
      setCodes(r.codes);
      setEnded(r.otherSessionsEnded);
      setConfirming(false);
      onChanged();
    } catch (e) {
      setError(e instanceof StepUpCancelled ? null : e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack-tight" aria-labelledby="rc-h" data-testid="recovery-card">
      <h2 id="rc-h">Recovery codes</h2>
      <p className="muted small">For when you lose your phone: each code logs you in once.</p>
      {codes ? (
        <div className="codes" data-testid="recovery-codes">
          <p className="small"><strong>Save these now — they are shown only once.</strong>{endedText(ended)}</p>
          <ul className="recovery-list">
            {codes.map((c) => <li key={c} className="code" data-testid="recovery-code">{c}</li>)}
          </ul>
          <div className="row">
            <CopyButton text={codes.join('\n')} label="Copy all" testId="recovery-copy" />
            <button type="button" className="btn btn-small" onClick={() => download(codes)} data-testid="recovery-download">Download .txt</button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setCodes(null)} data-testid="recovery-saved">I saved them</button>
          </div>
        </div>
      ) : (
        <>
          <p data-testid="recovery-left">{left > 0 ? `${left} unused ${left === 1 ? 'code' : 'codes'} left.` : 'You have no recovery codes.'}</p>
          {confirming ? (
            <div className="confirm-box">
              <p className="confirm-prompt">Make new codes? The {left} you have now will stop working.</p>
              <div className="row">
                <button type="button" className="btn btn-primary" onClick={() => void generate()} disabled={busy} data-testid="recovery-generate-confirm">{busy ? 'Making…' : 'Make new codes'}</button>
                <button type="button" className="btn btn-ghost" onClick={() => setConfirming(false)} disabled={busy}>Cancel</button>
              </div>
            </div>
          ) : (
            <div className="row">
              <button type="button" className="btn" onClick={() => (left > 0 ? setConfirming(true) : void generate())} disabled={busy} data-testid="recovery-generate">
                {busy ? 'Making…' : left > 0 ? 'Make new codes' : 'Create recovery codes'}
              </button>
            </div>
          )}
        </>
      )}
      <ErrorNotice error={error} />
    </section>
  );
}
