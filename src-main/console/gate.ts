import type { ApiError } from '../../src-shared/errors';
import type { ConsolePrincipal } from '../access/principal';

export interface AdmitRequest {
  address: string;
  /** The Authorization header as sent. */
  authorization: string | undefined;
  /** The Origin header: present on browser requests from scripts. */
  origin: string | undefined;
  host: string | undefined;
}

export type Admission =
  | { ok: true; principal: ConsolePrincipal | null; subject: string; corsOrigin: string | null }
  | { ok: false; status: number; error: ApiError; headers: Record<string, string> };

/**
 * Who may reach the console API at all: credentials, rate limits, lockouts,
 * IP and origin allowlists. The AAA module provides the real one; until then
 * every caller is anonymous and only same-origin browser requests pass.
 */
export interface ConsoleGate {
  admit(req: AdmitRequest): Promise<Admission>;
  /** CORS preflights carry no credential: an origin passes if anything on the hub allows it. */
  preflightAllowed(origin: string, host: string | undefined): boolean;
  account(subject: string, bytesIn: number, bytesOut: number): void;
}

export function isSameOrigin(origin: string, host: string | undefined): boolean {
  return host !== undefined && origin === `https://${host}`;
}

export const anonymousGate: ConsoleGate = {
  admit: async (req) =>
    req.origin === undefined || isSameOrigin(req.origin, req.host)
      ? { ok: true, principal: null, subject: 'anonymous', corsOrigin: null }
      : { ok: false, status: 403, error: { code: 'ORIGIN_NOT_ALLOWED', message: 'Requests from this web origin are not allowed.' }, headers: {} },
  preflightAllowed: (origin, host) => isSameOrigin(origin, host),
  account: () => undefined,
};
