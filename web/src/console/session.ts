import { useCallback, useState } from 'react';
import type { Permission, StaffSession } from '../api.ts';
import { storageGet, storageRemove, storageSet } from '../util.ts';

const KEY = 'tollgate.staff';

export function loadSession(): StaffSession | null {
  const raw = storageGet(sessionStorage, KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as StaffSession;
    if (!s.token || !s.staff) return null;
    if (s.expiresAt && new Date(s.expiresAt).getTime() <= Date.now()) {
      storageRemove(sessionStorage, KEY);
      return null;
    }
    return s;
  } catch {
    return null;
  }
}

export function useStaffSession() {
  const [session, setSession] = useState<StaffSession | null>(loadSession);
  const signIn = useCallback((s: StaffSession) => {
    storageSet(sessionStorage, KEY, JSON.stringify(s));
    setSession(s);
  }, []);
  const signOut = useCallback(() => {
    storageRemove(sessionStorage, KEY);
    setSession(null);
  }, []);
  return { session, signIn, signOut };
}

export function can(session: StaffSession | null, p: Permission): boolean {
  return !!session?.staff.permissions.includes(p);
}
