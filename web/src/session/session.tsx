import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, csrfToken, get, setSessionEndListener } from '../api/client.ts';
import type { Me } from '../api/types.ts';
import { broadcast, noteActivity, onSessionMessage } from './activity.ts';

type SessionState = { status: 'loading' } | { status: 'signed-out'; reason?: string } | { status: 'signed-in'; me: Me };

type SessionApi = {
  state: SessionState;
  /** Re-reads /me after a sign-in (cookies were just set) or a profile change. */
  reload(): Promise<Me | null>;
  /** Ends the session; `serverAlreadyDone` when another tab has just told the server. */
  signOut(reason?: 'idle' | 'user' | 'everywhere', serverAlreadyDone?: boolean): Promise<void>;
};

const SessionContext = createContext<SessionApi | null>(null);

export function useSession(): SessionApi {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user, for pages that only render inside the signed-in shell. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe outside the signed-in shell');
  return state.me;
}

/** Where a user lands after signing in: the portal their organization belongs to. */
export function homeOf(me: Me): string {
  // An api_admin works in the developer portal only (the server answers PORTAL_FORBIDDEN elsewhere).
  if (me.role === 'api_admin') return '/developer';
  if (me.portal === 'judge') return '/judge';
  if (me.portal === 'lawyer') return '/matters';
  return me.role === 'super_admin' ? '/admin' : '/account';
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const reload = useCallback(async () => {
    // No CSRF cookie means no session at all: skip a request that could only fail.
    if (!csrfToken()) {
      setState({ status: 'signed-out' });
      return null;
    }
    try {
      const me = await get<Me>('/api/v1/me');
      setState({ status: 'signed-in', me });
      return me;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        setState({ status: 'signed-out' });
        return null;
      }
      throw err;
    }
  }, []);

  // The signed-in shell sees the state change and sends the user to the sign-in page.
  const endLocally = useCallback((reason: string) => setState({ status: 'signed-out', reason }), []);

  const signOut = useCallback(
    async (reason: 'idle' | 'user' | 'everywhere' = 'user', serverAlreadyDone = false) => {
      if (!serverAlreadyDone) {
        try {
          // Ending the session is not activity: counted as such, it would move the idle clock that the
          // other tabs compare against, and a tab reaching the expiry a moment later would sign out again.
          await api('POST', reason === 'everywhere' ? '/api/v1/auth/logout-all' : '/api/v1/auth/logout', {
            background: true,
          });
        } catch {
          /* already over on the server: nothing left to end */
        }
      }
      broadcast({ type: 'signed-out', reason });
      endLocally(reason);
    },
    [endLocally],
  );

  useEffect(() => {
    setSessionEndListener((reason) => endLocally(reason));
    const off = onSessionMessage((m) => {
      if (m.type === 'signed-out') endLocally(m.reason);
      if (m.type === 'signed-in') void reload();
    });
    void reload().catch(() => setState({ status: 'signed-out' }));
    return off;
  }, [endLocally, reload]);

  const value = useMemo(() => ({ state, reload, signOut }), [state, reload, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** Called by the sign-in screens once the server has set the session cookies. */
export function announceSignIn(): void {
  noteActivity();
  broadcast({ type: 'signed-in' });
}
