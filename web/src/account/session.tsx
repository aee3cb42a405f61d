import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { navigate } from '../router.tsx';
import { getMe, logout, setOnSignedOut, type Me } from './api.ts';

/**
 * Who is signed in, as the server sees it: GET /v1/me with the HttpOnly session cookie. Nothing about the
 * session is kept in JS storage. A 401 from any /v1/me call (session ended, revoked on another device) signs out.
 */
export type SessionState =
  | { status: 'loading' }
  | { status: 'out'; ended: boolean }
  | { status: 'error'; error: unknown }
  | { status: 'in'; me: Me };

interface SessionApi {
  state: SessionState;
  /**
   * Re-reads /v1/me (after a login, or a factor change); resolves with the customer or null. `goTo` navigates in
   * the same render as the session changes (no flash of the page in between).
   */
  refresh(goTo?: string): Promise<Me | null>;
  signOut(): Promise<void>;
}

const Ctx = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async (goTo?: string) => {
    try {
      const me = await getMe();
      if (goTo) navigate(goTo, { replace: true });
      setState({ status: 'in', me });
      return me;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setState({ status: 'out', ended: false });
        return null;
      }
      setState({ status: 'error', error: e });
      return null;
    }
  }, []);

  /** Logging out on purpose leads to the login page (a later login starts at the overview, not where they left). */
  const signOut = useCallback(async () => {
    await logout().catch(() => undefined);
    navigate('/account/login', { replace: true });
    setState({ status: 'out', ended: false });
  }, []);

  useEffect(() => {
    // an ended session noticed by any call: back to the login page, saying why
    setOnSignedOut(() => setState((s) => (s.status === 'in' ? { status: 'out', ended: true } : s)));
    void refresh();
    return () => setOnSignedOut(() => {});
  }, [refresh]);

  const api = useMemo(() => ({ state, refresh, signOut }), [state, refresh, signOut]);
  return <Ctx.Provider value={api}>{children}</Ctx.Provider>;
}

export function useSession(): SessionApi {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in customer (only inside pages rendered for a signed-in session). */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'in') throw new Error('useMe without a session');
  return state.me;
}
