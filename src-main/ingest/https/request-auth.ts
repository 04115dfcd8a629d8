import type { Principal } from '../pipeline/types';
import { authenticateDevice } from '../../access/device-authenticate';
import type { Exchange } from './exchange';
import { HttpRefusal } from './refusal';

const enableHint = 'Send the token in the X-Auth-Token header instead, or, for prototyping only, have the hub admin run `outpost settings set token-in-url on`.';

/**
 * The caller's credential: the X-Auth-Token header, or, only when the admin
 * has switched "token in URL" on, `?token=` or a ThingsBoard path token. Every
 * URL-token use is logged and audited because URLs leak (proxies, logs, history).
 */
export async function authenticateRequest(x: Exchange, deviceLabel: string, pathToken?: string): Promise<Principal> {
  const header = x.req.headers['x-auth-token'];
  const headerToken = typeof header === 'string' && header !== '' ? header : undefined;
  const queryToken = x.url.searchParams.get('token');
  const inUrl = pathToken !== undefined ? 'path' : queryToken !== null ? 'query' : null;
  if (inUrl && !x.deps.tokenInUrl()) {
    // Refused even beside a good header: the token has already leaked into the URL, and the device should be fixed.
    x.deps.audit().record({ actor: `address:${x.address}`, action: 'ingest.token-in-url', target: deviceLabel, outcome: 'denied', address: x.address, detail: { via: inUrl, setting: 'off' } });
    throw new HttpRefusal(401, 'TOKEN_IN_URL_DISABLED', `Tokens in URLs are switched off on this hub: they end up in logs, proxies and browser history. ${enableHint}`, 'not_authorized', deviceLabel);
  }
  const via = inUrl === 'path' || (inUrl === 'query' && !headerToken) ? inUrl : 'header';
  const token = via === 'path' ? pathToken : via === 'query' ? (queryToken ?? undefined) : headerToken;
  const outcome = await authenticateDevice(x.deps.auth, token, x.address);
  if (!outcome.ok) {
    if (outcome.reason === 'rate_limited') {
      throw new HttpRefusal(429, 'TOO_MANY_BAD_TOKENS', `Refused: ${outcome.message}.`, 'rate_limited', deviceLabel, { 'Retry-After': String(Math.ceil((outcome.retryAfterMs ?? 1000) / 1000)) });
    }
    if (outcome.reason === 'not_authorized') throw new HttpRefusal(403, 'NOT_ALLOWED', `Refused: ${outcome.message}.`, 'not_authorized', deviceLabel);
    const where = via === 'header' ? 'the X-Auth-Token header' : 'the URL';
    throw new HttpRefusal(401, 'BAD_TOKEN', `Refused: ${outcome.message} (in ${where}). Use the device's token (outpost device add/rotate) or an ingest token (outpost token add).`, 'bad_token', deviceLabel);
  }
  if (via !== 'header') {
    const actor = describePrincipal(outcome.principal);
    const target = deviceLabel || (outcome.principal.kind === 'device' ? outcome.principal.label : '');
    x.deps.logger.warn({ actor, device: target, via, address: x.address }, 'device token accepted in a URL (token-in-url is on)');
    x.deps.audit().record({ actor, action: 'ingest.token-in-url', target, outcome: 'ok', address: x.address, detail: { via } });
  }
  return outcome.principal;
}

/** Names a principal for logs and the audit trail without any secret. */
export function describePrincipal(p: Principal): string {
  if (p.kind === 'device') return `device:${p.label}`;
  if (p.kind === 'ingest') return `ingest-token:${p.tokenId}`;
  return p.actor;
}
