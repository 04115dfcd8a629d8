import type { ConsoleGate } from '../console/gate';
import { isSameOrigin } from '../console/gate';
import { holdRefusal, takeTokenRequest } from './abuse-control';
import { authenticate } from './authenticate';
import type { AccessContext } from './context';
import { AccessError } from './errors';
import { addressAllowed, normaliseAddress } from './ip-allowlist';
import { originAllowed } from './origins';
import { subjectOf, type ConsolePrincipal } from './principal';
import { allAllowedOrigins } from './queries/apps';
import { markAddressSeen } from './queries/seen-addresses';

function refusal(err: AccessError) {
  return { ok: false as const, status: err.status, error: { code: err.code, message: err.message }, headers: err.headers };
}

function originsOf(principal: ConsolePrincipal | null, consoleOrigins: string[]): string[] {
  if (!principal) return consoleOrigins;
  return principal.kind === 'user' || principal.kind === 'app' ? principal.allowOrigins : [];
}

/**
 * The console's front door: the per-address request rate first, then the
 * credential. A bad credential slows down further refusals to that address
 * (abuse control) but never locks the address: a valid session from the same
 * network keeps working.
 */
export function createConsoleGate(ctx: AccessContext): ConsoleGate {
  return {
    async admit(req) {
      const address = normaliseAddress(req.address);
      const policy = ctx.policy();
      const byAddress = ctx.abuse.takeRequest(`address:${address}`, policy.rateLimit.perAddress);
      if (!byAddress.ok) return refusal(rateLimited(byAddress.retryAfterSeconds));

      let principal: ConsolePrincipal | null = null;
      if (req.authorization !== undefined) {
        const match = /^Bearer ([!-~]{1,4096})$/.exec(req.authorization);
        try {
          if (!match) throw new AccessError('UNAUTHENTICATED', 'The Authorization header is not "Bearer <token>".', 'Send the token you got from auth.login or `outpost app add`.', 401);
          principal = await authenticate(ctx, match[1]!);
        } catch (err) {
          if (!(err instanceof AccessError)) throw err;
          ctx.abuse.addressFailed(address);
          ctx.audit({ actor: 'anonymous', action: 'auth.token', target: 'unknown', orgId: null, outcome: 'failed', address });
          await holdRefusal(ctx.abuse, address);
          return refusal(err);
        }
      }
      const subject = subjectOf(principal);
      if (principal) {
        const byToken = takeTokenRequest(ctx, principal);
        if (!byToken.ok) return refusal(rateLimited(byToken.retryAfterSeconds));
        if ((principal.kind === 'user' || principal.kind === 'app') && !addressAllowed(principal.allowIps, address)) {
          ctx.audit({ actor: subject, action: 'auth.token', target: subject, orgId: principal.orgId, outcome: 'denied', address, detail: { reason: 'ip-allowlist' } });
          return refusal(new AccessError('ADDRESS_NOT_ALLOWED', 'This credential may not be used from your network address.', 'Ask an admin to add your address (or range) to its IP allowlist.', 403));
        }
      }

      let corsOrigin: string | null = null;
      if (req.origin !== undefined) {
        if (principal?.kind === 'app' && principal.serverOnly) {
          ctx.audit({ actor: subject, action: 'auth.token', target: subject, orgId: principal.orgId, outcome: 'denied', address, detail: { reason: 'server-only', origin: req.origin } });
          return refusal(new AccessError('SERVER_ONLY', 'This token is for servers only and cannot be used from a web page.', 'Call the API from your server, without an Origin header.', 403));
        }
        if (!isSameOrigin(req.origin, req.host)) {
          if (!originAllowed(originsOf(principal, policy.consoleOrigins), req.origin)) {
            ctx.audit({ actor: subject, action: 'auth.origin', target: subject, orgId: principal?.orgId ?? null, outcome: 'denied', address, detail: { origin: req.origin } });
            return refusal(new AccessError('ORIGIN_NOT_ALLOWED', 'Requests from this web origin are not allowed.', 'Ask an admin to add the origin to the allowlist of this token or user.', 403));
          }
          corsOrigin = req.origin;
        }
      }

      if (principal && markAddressSeen(ctx.db, subject, address, ctx.now())) {
        ctx.audit({ actor: subject, action: 'auth.newAddress', target: subject, orgId: principal.orgId, outcome: 'ok', address });
      }
      return { ok: true, principal, subject, corsOrigin };
    },
    preflightAllowed(origin, host) {
      return isSameOrigin(origin, host) || originAllowed([...allAllowedOrigins(ctx.db), ...ctx.policy().consoleOrigins], origin);
    },
    account(subject, bytesIn, bytesOut) {
      ctx.usage.add(subject, bytesIn, bytesOut);
    },
  };
}

function rateLimited(retryAfterSeconds: number): AccessError {
  return new AccessError('RATE_LIMITED', `Too many requests; try again in ${retryAfterSeconds} s.`, 'Slow down, or ask an admin to raise settings.rateLimit.', 429, { 'Retry-After': String(retryAfterSeconds) });
}
