import { useCallback, useState } from 'react';

/**
 * The busy state and error of a button or form that calls the API: `run(fn)` clears the error, marks busy,
 * and keeps what `fn` throws as `error`; it resolves to true when `fn` succeeded. `key` tells which of several
 * buttons sharing one action is working (`pending`: a row's id, a label), so only that one says "Working…".
 * `setError` shows a check that failed before any call (a date in the past).
 */
export function useAction() {
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (fn: () => Promise<unknown>, key = '*'): Promise<boolean> => {
    setPending(key);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setPending(null);
    }
  }, []);
  return { busy: pending !== null, pending, error, setError, run };
}
