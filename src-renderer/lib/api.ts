import { createApiClient, type ApiTransport, type PreloadBridge } from '../../src-shared/api/transport';

declare global {
  interface Window {
    outpost?: PreloadBridge;
  }
}

/** In the Electron window the preload bridge is there; in a browser, the console's HTTPS API. */
function pickTransport(): ApiTransport {
  const bridge = window.outpost;
  if (bridge) {
    return {
      async call(method, input) {
        const result = await bridge.call(method, input);
        if (result.ok) return result.value;
        throw result.error;
      },
    };
  }
  return {
    async call(method, input) {
      const response = await fetch(`/api/rpc/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...authHeader() },
        body: JSON.stringify(input ?? {}),
      });
      const body = (await response.json().catch(() => null)) as { result?: unknown; code?: string; message?: string } | null;
      if (!response.ok || !body || !('result' in body)) {
        throw { code: body?.code ?? `HTTP_${response.status}`, message: body?.message ?? `The hub answered ${response.status}.` };
      }
      return body.result;
    },
  };
}

let accessToken: string | null = null;
export function setAccessToken(token: string | null): void {
  accessToken = token;
}
function authHeader(): Record<string, string> {
  return accessToken ? { Authorization: `Bearer ${accessToken}` } : {};
}

export const api = createApiClient(pickTransport());
