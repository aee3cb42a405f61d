import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { Modal } from '../ui/Modal.tsx';
import { startStepUp, type Challenge } from './api.ts';
import { AuthError } from './auth/AuthError.tsx';
import { SecondFactor } from './auth/SecondFactor.tsx';

/** Thrown by withStepUp when the customer closes the confirmation dialog. */
export class StepUpCancelled extends Error {
  constructor() {
    super('You cancelled the confirmation, so nothing was changed.');
    this.name = 'StepUpCancelled';
  }
}

type WithStepUp = <T>(fn: () => Promise<T>) => Promise<T>;
const Ctx = createContext<WithStepUp | null>(null);

interface Pending { resolve: () => void; reject: (e: Error) => void }

/**
 * Sensitive actions (paying above the threshold, changing 2FA or the password) answer 403 step_up_required
 * when the session has not passed a second factor recently. `withStepUp(fn)` runs fn; on that answer it opens
 * a dialog that runs a step-up challenge, then runs fn once more.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);

  const withStepUp = useCallback<WithStepUp>(async (fn) => {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'step_up_required')) throw e;
      await new Promise<void>((resolve, reject) => setPending({ resolve, reject }));
      return fn();
    }
  }, []);

  return (
    <Ctx.Provider value={withStepUp}>
      {children}
      <StepUpDialog
        pending={pending}
        onDone={() => { pending?.resolve(); setPending(null); }}
        onCancel={() => { pending?.reject(new StepUpCancelled()); setPending(null); }}
      />
    </Ctx.Provider>
  );
}

export function useStepUp(): WithStepUp {
  const f = useContext(Ctx);
  if (!f) throw new Error('useStepUp outside StepUpProvider');
  return f;
}

function StepUpDialog({ pending, onDone, onCancel }: { pending: Pending | null; onDone: () => void; onCancel: () => void }) {
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const live = useRef(0);

  useEffect(() => {
    if (!pending) return;
    const my = ++live.current;
    setChallenge(null);
    setError(null);
    startStepUp().then(
      (c) => { if (my === live.current) setChallenge(c); },
      (e) => { if (my === live.current) setError(e); },
    );
  }, [pending, attempt]);

  return (
    <Modal open={!!pending} onClose={onCancel} title="Confirm it's you" testId="step-up">
      <p className="muted">For your security, this needs a fresh confirmation with your second factor.</p>
      {challenge ? (
        <SecondFactor key={challenge.challengeId} challenge={challenge} onVerified={onDone} onRestart={() => setAttempt((a) => a + 1)} />
      ) : error ? (
        <AuthError error={error} />
      ) : (
        <p className="muted" aria-busy="true">Preparing…</p>
      )}
      <button type="button" className="btn btn-ghost" onClick={onCancel} data-testid="step-up-cancel">Cancel</button>
    </Modal>
  );
}
