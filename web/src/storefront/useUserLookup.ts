import { useEffect, useState } from 'react';
import { ApiError, lookupPlatformUser, sentence, type PlatformUser } from '../api.ts';

export type LookupState =
  | { state: 'idle' }
  | { state: 'checking'; userId: string }
  | { state: 'found'; userId: string; user: PlatformUser }
  | { state: 'not_found'; userId: string; detail?: string }
  | { state: 'error'; userId: string; message: string };

/** Checks a platform user id live as the buyer types: debounced, stale answers dropped, aborted on change. */
export function useUserLookup(platform: string | null, rawUserId: string, delayMs = 300) {
  const userId = rawUserId.trim();
  const [result, setResult] = useState<LookupState>({ state: 'idle' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!platform || !userId) {
      setResult({ state: 'idle' });
      return;
    }
    setResult({ state: 'checking', userId });
    const ctrl = new AbortController();
    const timer = window.setTimeout(async () => {
      try {
        const user = await lookupPlatformUser(platform, userId, ctrl.signal);
        if (!ctrl.signal.aborted) setResult({ state: 'found', userId, user });
      } catch (e) {
        if (ctrl.signal.aborted) return;
        if (e instanceof ApiError && (e.status === 404 || e.status === 422 || e.status === 400)) {
          setResult({ state: 'not_found', userId, detail: e.status === 404 || e.code === 'invalid_platform_user' ? undefined : sentence(e.message) });
        } else if (e instanceof ApiError && e.status === 429) {
          setResult({ state: 'error', userId, message: 'Too many checks in a short time. Wait a moment, then try again.' });
        } else if (!(e instanceof DOMException)) {
          setResult({ state: 'error', userId, message: `We couldn't check this user id right now.` });
        }
      }
    }, delayMs);
    return () => {
      window.clearTimeout(timer);
      ctrl.abort();
    };
  }, [platform, userId, delayMs, attempt]);

  /** Marks the current id as not found (e.g. the server answered invalid_platform_user on order creation). */
  function markNotFound(detail?: string) {
    if (userId) setResult({ state: 'not_found', userId, detail });
  }

  return { result, retry: () => setAttempt((n) => n + 1), markNotFound };
}
