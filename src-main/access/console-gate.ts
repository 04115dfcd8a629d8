import type { ConsoleGate } from '../console/gate';
import { isSameOrigin } from '../console/gate';
import { authenticate } from './authenticate';
import type { AaaContext } from './context';
import { AaaError } from './errors';
import { addressAllowed, normaliseAddress } from './ip-allowlist';
import { originAllowed } from './origins';
import { subjectOf, type Principal } from './principal';
import { addUsage } from '../audit/queries/accounting';
import { allAllowedOrigins } from './queries/apps';
import { markAddressSeen } from './queries/seen-addresses';
import { RateLimiter } from './rate-limit';
import { lockout } from './sessions';

const hourMs = 3_600_000;

function refusal(err: AaaError) {
  return { ok: false as const, status: err.status, error: { code: err.code, message: err.message }, headers: err.headers };
}

function originsOf(principal: Principal | null, consoleOrigins: string[]): string[] {
  if (!principal) return consoleOrigins;
  return principal.kind === 'apiKey' ? [] : principal.allowOrigins;
}

/**
 * The console's front door. Order matters: the per-address bucket and lockout
 * come before any credential is looked at, so guessing tokens is as slow as
 * guessing passwords.
 */
export function createConsoleGate(ctx: AaaContext): ConsoleGate {
  const limiter = new RateLimiter(ctx.now);
  return {
    async admit(req) {
      const address = normaliseAddress(req.address);
      const policy = ctx.policy();
      const byAddress = limiter.take(`address:${address}`, policy.rateLimit.perAddress);
      if (!byAddress.ok) return refusal(rateLimited(byAddress.retryAfterSeconds));
      const locks = lockout(ctx);
      const locked = locks.lockedFor(`address:${address}`);
      if (locked > 0) {
        const seconds = Math.ceil(locked / 1000);
        return refusal(new AaaError('LOCKED_OUT', `Too many bad credentials from your address; try again in ${seconds} s.`, 'Check the token or password you are using.', 429, { 'Retry-After': String(seconds) }));
      }

      let principal: Principal | null = null;
      if (req.authorization !== undefined) {
        const match = /^Bearer ([!-~]{1,4096})$/.exec(req.authorization);
        try {
          if (!match) throw new AaaError('UNAUTHENTICATED', 'The Authorization header is not "Bearer <token>".', 'Send the token you got from auth.login or `outpost app add`.', 401);
          principal = await authenticate(ctx, match[1]!, address);
        } catch (err) {
          if (!(err instanceof AaaError)) throw err;
          locks.fail(`address:${address}`);
          ctx.audit({ actor: 'anonymous', action: 'auth.token', target: 'unknown', outcome: 'failed', address });
          return refusal(err);
        }
      }
      const subject = subjectOf(principal);
      if (principal) {
        const byToken = limiter.take(subject, policy.rateLimit.perToken);
        if (!byToken.ok) return refusal(rateLimited(byToken.retryAfterSeconds));
        if (principal.kind !== 'apiKey' && !addressAllowed(principal.allowIps, address)) {
          ctx.audit({ actor: subject, action: 'auth.token', target: subject, outcome: 'denied', address, detail: { reason: 'ip-allowlist' } });
          return refusal(new AaaError('ADDRESS_NOT_ALLOWED', 'This credential may not be used from your network address.', 'Ask an admin to add your address (or range) to its IP allowlist.', 403));
        }
      }

      let corsOrigin: string | null = null;
      if (req.origin !== undefined) {
        if (principal?.kind === 'app' && principal.serverOnly) {
          ctx.audit({ actor: subject, action: 'auth.token', target: subject, outcome: 'denied', address, detail: { reason: 'server-only', origin: req.origin } });
          return refusal(new AaaError('SERVER_ONLY', 'This token is for servers only and cannot be used from a web page.', 'Call the API from your server, without an Origin header.', 403));
        }
        if (!isSameOrigin(req.origin, req.host)) {
          if (!originAllowed(originsOf(principal, policy.consoleOrigins), req.origin)) {
            ctx.audit({ actor: subject, action: 'auth.origin', target: subject, outcome: 'denied', address, detail: { origin: req.origin } });
            return refusal(new AaaError('ORIGIN_NOT_ALLOWED', 'Requests from this web origin are not allowed.', 'Ask an admin to add the origin to the allowlist of this token or user.', 403));
          }
          corsOrigin = req.origin;
        }
      }

      if (principal && markAddressSeen(ctx.db, subject, address, ctx.now())) {
        ctx.audit({ actor: subject, action: 'auth.newAddress', target: subject, outcome: 'ok', address });
      }
      return { ok: true, principal, subject, corsOrigin };
    },
    preflightAllowed(origin, host) {
      return isSameOrigin(origin, host) || originAllowed([...allAllowedOrigins(ctx.db), ...ctx.policy().consoleOrigins], origin);
    },
    account(subject, bytesIn, bytesOut) {
      const now = ctx.now();
      addUsage(ctx.db, subject, now - (now % hourMs), bytesIn, bytesOut);
    },
  };
}

function rateLimited(retryAfterSeconds: number): AaaError {
  return new AaaError('RATE_LIMITED', `Too many requests; try again in ${retryAfterSeconds} s.`, 'Slow down, or ask an admin to raise settings.rateLimit.', 429, { 'Retry-After': String(retryAfterSeconds) });
}
