import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import type { Permission } from '../../src-shared/permissions';
import { api, errorText, loadSession, onUnauthenticated, saveSession } from './api';
import { takeBootMe } from './boot';

type Me = ApiOutput<'auth.me'>;
export type LoginAnswer = ApiOutput<'auth.login'>;

export interface Session {
  me: Me;
  user: LoginAnswer['user'] | null;
  expiresAt: number;
  can(permission: Permission): boolean;
  signOut(): Promise<void>;
  signOutEverywhere(): Promise<number>;
}

type State = { phase: 'restoring' } | { phase: 'signed-out'; notice: string | null } | { phase: 'signed-in'; session: Session };

interface SessionApi {
  state: State;
  signedIn(answer: LoginAnswer): Promise<void>;
  /** The hub ended the session (noticed on the live channel): back to sign-in with why. */
  expire(message: string): void;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ phase: 'restoring' });
  const queries = useQueryClient();
  // Set while this tab signs itself out: the hub closes the live channel and refuses calls at the same
  // moment, and those "your session has ended" notices must not replace "Signed out of N sessions".
  const leaving = useRef(false);

  const end = useCallback(
    (notice: string | null) => {
      saveSession(null);
      // What one person was shown must not be shown to whoever signs in next in this window.
      queries.clear();
      setState({ phase: 'signed-out', notice });
    },
    [queries],
  );

  const start = useCallback(
    async (token: string, expiresAt: number, user: LoginAnswer['user'] | null) => {
      leaving.current = false;
      saveSession({ token, expiresAt });
      const me = await (takeBootMe(token) ?? api.call('auth.me', {}));
      const granted = new Set(me.permissions);
      setState({
        phase: 'signed-in',
        session: {
          me,
          // A reloaded tab has no login answer: the hub says who this is (auth.me).
          user: user ?? me.user,
          expiresAt,
          can: (p) => p === 'public' || p === 'authenticated' || granted.has(p),
          async signOut() {
            leaving.current = true;
            await api.call('auth.logout', {}).catch(() => undefined);
            end(null);
          },
          async signOutEverywhere() {
            leaving.current = true;
            let sessionsEnded: number;
            try {
              ({ sessionsEnded } = await api.call('auth.logoutEverywhere', {}));
            } catch (err) {
              leaving.current = false;
              throw err;
            }
            end(`Signed out of ${sessionsEnded} session${sessionsEnded === 1 ? '' : 's'}.`);
            return sessionsEnded;
          },
        },
      });
    },
    [end],
  );

  useEffect(() => {
    const stored = loadSession();
    if (!stored) {
      setState({ phase: 'signed-out', notice: null });
      return;
    }
    start(stored.token, stored.expiresAt, null).catch((err: unknown) => end(`Please sign in again: ${errorText(err).message}`));
  }, [start, end]);

  const expire = useCallback(
    (message: string) => {
      if (!leaving.current) end(`Your session has ended: ${message}`);
    },
    [end],
  );
  useEffect(() => onUnauthenticated(expire), [expire]);

  const value = useMemo<SessionApi>(
    () => ({ state, signedIn: (answer) => start(answer.token, answer.expiresAt, answer.user), expire }),
    [state, start, expire],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionState(): SessionApi {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSessionState outside SessionProvider');
  return ctx;
}

/** The signed-in session; only used below the sign-in gate. */
export function useSession(): Session {
  const { state } = useSessionState();
  if (state.phase !== 'signed-in') throw new Error('useSession before sign-in');
  return state.session;
}
