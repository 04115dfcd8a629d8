import type { ApiInput, ApiMethod, ApiOutput } from './contract';
import { isApiError, type ApiError } from '../errors';
import type { LiveIpcMessage } from './live';

/** How the renderer reaches the hub: Electron IPC or the console's HTTPS API. */
export interface ApiTransport {
  call(method: string, input: unknown): Promise<unknown>;
}

export class ApiCallError extends Error implements ApiError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The renderer's one typed client, whatever the transport. */
export function createApiClient(transport: ApiTransport) {
  return {
    async call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
      try {
        return (await transport.call(method, input)) as ApiOutput<M>;
      } catch (err) {
        if (isApiError(err)) throw new ApiCallError(err.code, err.message);
        throw err;
      }
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** What the Electron preload puts on `window.outpost`. */
export interface PreloadBridge {
  /** `token`: the session's bearer token, checked by the hub exactly as on the HTTPS console. */
  call(method: string, input: unknown, token?: string | null): Promise<{ ok: true; value: unknown } | { ok: false; error: ApiError }>;
  /** The live channel over IPC: the hub checks `token` as the WebSocket does; returns the unsubscribe. */
  live(token: string, onMessage: (message: LiveIpcMessage) => void): () => void;
}
