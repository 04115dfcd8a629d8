import { ApiCallError, createApiClient, type ApiTransport, type PreloadBridge } from '../../src-shared/api/transport';
import type { ApiInput, ApiMethod, ApiOutput } from '../../src-shared/api/contract';
import { parseStoredSession, sessionStorageKey, type StoredSession } from './stored-session';

declare global {
  interface Window {
    outpost?: PreloadBridge;
  }
}

/**
 * The bearer token lives in memory and, in a browser, in this tab's
 * sessionStorage (gone when the tab closes; never a cookie, so no CSRF and no
 * other tab or site sends it).
 */
let accessToken: string | null = null;
const unauthenticatedListeners = new Set<(message: string) => void>();

export function setAccessToken(token: string | null): void {
  accessToken = token;
}

export function getAccessToken(): string | null {
  return accessToken;
}

export function saveSession(session: StoredSession | null): void {
  accessToken = session?.token ?? null;
  if (window.outpost) return;
  if (session) sessionStorage.setItem(sessionStorageKey, JSON.stringify(session));
  else sessionStorage.removeItem(sessionStorageKey);
}

export function loadSession(): StoredSession | null {
  if (window.outpost) return null;
  const session = parseStoredSession(sessionStorage.getItem(sessionStorageKey), Date.now());
  if (!session) sessionStorage.removeItem(sessionStorageKey);
  return session;
}

/** Called when the hub says the token no longer holds (signed out elsewhere, revoked, expired). */
export function onUnauthenticated(listener: (message: string) => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

function authHeader(): Record<string, string> {
  return accessToken ? { Authorization: `Bearer ${accessToken}` } : {};
}

/** In the Electron window the preload bridge is there; in a browser, the console's HTTPS API. */
function pickTransport(): ApiTransport {
  const bridge = window.outpost;
  if (bridge) {
    return {
      async call(method, input) {
        const result = await bridge.call(method, input, accessToken);
        if (result.ok) return result.value;
        throw result.error;
      },
    };
  }
  return {
    call: (method, input) =>
      answerOf(
        fetch(`/api/rpc/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...authHeader() },
          body: JSON.stringify(input ?? {}),
          credentials: 'omit',
        }),
      ),
  };
}

/** An HTTPS API call's result, or the `{ code, message }` it failed with. */
async function answerOf(sent: Promise<Response>): Promise<unknown> {
  let response: Response;
  try {
    response = await sent;
  } catch {
    throw { code: 'HUB_UNREACHABLE', message: 'The hub did not answer: check that it is running and that this computer can reach it.' };
  }
  const body = (await response.json().catch(() => null)) as { result?: unknown; code?: string; message?: string } | null;
  if (!response.ok || !body || !('result' in body)) {
    throw { code: body?.code ?? `HTTP_${response.status}`, message: body?.message ?? `The hub answered ${response.status}.` };
  }
  return body.result;
}

/** Every call goes through here, so an expired session signs the tab out wherever it is noticed. */
function watch(transport: ApiTransport): ApiTransport {
  return {
    async call(method, input) {
      try {
        return await transport.call(method, input);
      } catch (err) {
        const e = err as { code?: string; message?: string };
        if (e.code === 'UNAUTHENTICATED' && accessToken && method !== 'auth.login') {
          for (const listener of unauthenticatedListeners) listener(e.message ?? 'Your session has ended.');
        }
        throw err;
      }
    },
  };
}

export const api = createApiClient(watch(pickTransport()));

/**
 * The answer to a call the inline boot script already sent (early/early-boot.ts),
 * read exactly as `api.call` reads its own.
 */
export function adoptCall<M extends ApiMethod>(method: M, sent: Promise<Response>): Promise<ApiOutput<M>> {
  return createApiClient(watch({ call: () => answerOf(sent) })).call(method, {} as ApiInput<M>);
}

/** The message to show for anything an API call threw. */
export function errorText(err: unknown): { code: string; message: string } {
  if (err instanceof ApiCallError) return { code: err.code, message: err.message };
  if (typeof err === 'object' && err !== null && 'message' in err) return { code: String((err as { code?: unknown }).code ?? 'ERROR'), message: String((err as { message: unknown }).message) };
  return { code: 'ERROR', message: String(err) };
}
