import { useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../../api.ts';
import { Notice } from '../../ui/Notice.tsx';

function retryAfter(e: unknown): number | null {
  if (!(e instanceof ApiError)) return null;
  const d = e.details as { retryAfterSeconds?: unknown } | undefined;
  return typeof d?.retryAfterSeconds === 'number' ? d.retryAfterSeconds : null;
}

/** Seconds left of a lockout or rate limit, counting down once a second. */
function useCountdown(from: number | null): number | null {
  const [left, setLeft] = useState(from);
  useEffect(() => {
    setLeft(from);
    if (from === null) return;
    const started = Date.now();
    const t = window.setInterval(() => {
      const l = Math.max(0, from - Math.floor((Date.now() - started) / 1000));
      setLeft(l);
      if (l === 0) window.clearInterval(t);
    }, 1000);
    return () => window.clearInterval(t);
  }, [from]);
  return left;
}

function wait(s: number): string {
  if (s >= 120) return `${Math.ceil(s / 60)} minutes`;
  return `${s} s`;
}

/**
 * Errors of a sign-in step, said plainly: a lockout and a rate limit get their own wording and a countdown;
 * everything else shows the server's message.
 */
export function AuthError({ error }: { error: unknown }) {
  const seconds = useCountdown(retryAfter(error));
  if (!error) return null;
  if (error instanceof ApiError && error.code === 'account_locked') {
    return (
      <Notice tone="error" testId="auth-locked">
        <strong>Account temporarily locked</strong>
        <span>Too many wrong passwords or codes. {seconds ? `Try again in ${wait(seconds)}.` : 'You can try again now.'}</span>
      </Notice>
    );
  }
  if (error instanceof ApiError && error.code === 'rate_limited') {
    return (
      <Notice tone="warning" testId="auth-rate-limited">
        <strong>Slow down</strong>
        <span>Too many attempts from this device or network. {seconds ? `Try again in ${wait(seconds)}.` : 'Please wait a moment and try again.'}</span>
      </Notice>
    );
  }
  if (error instanceof ApiError && error.code === 'blocked') {
    return <Notice tone="error" testId="auth-blocked">This account is blocked. Please contact support.</Notice>;
  }
  return <Notice tone="error" testId="auth-error">{errorMessage(error)}</Notice>;
}

/** A code that can no longer be used (expired, used, out of attempts): the flow has to start again. */
export function isClosedChallenge(e: unknown): boolean {
  return e instanceof ApiError && e.code === 'invalid_code' && /not open any more/.test(e.message);
}
