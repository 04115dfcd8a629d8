import { subjectOf, type Principal } from '../../access/principal';
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
    x.deps.access.audit({ actor: 'anonymous', action: 'ingest.token-in-url', target: `device:${deviceLabel}`, targetLabel: deviceLabel || null, orgId: null, outcome: 'denied', address: x.address, detail: { via: inUrl, setting: 'off' } });
    throw new HttpRefusal(401, 'TOKEN_IN_URL_DISABLED', `Tokens in URLs are switched off on this hub: they end up in logs, proxies and browser history. ${enableHint}`, 'not_authorized', deviceLabel);
  }
  const via = inUrl === 'path' || (inUrl === 'query' && !headerToken) ? inUrl : 'header';
  const token = via === 'path' ? pathToken : via === 'query' ? (queryToken ?? undefined) : headerToken;
  const outcome = await x.deps.access.authenticate(token, x.address);
  if (!outcome.ok) {
    if (outcome.reason === 'not_authorized') throw new HttpRefusal(403, 'NOT_ALLOWED', `Refused: ${outcome.message}.`, 'not_authorized', deviceLabel);
    const where = via === 'header' ? 'the X-Auth-Token header' : 'the URL';
    throw new HttpRefusal(401, 'BAD_TOKEN', `Refused: ${outcome.message} (in ${where}). Use the device's token (outpost device add/rotate) or an ingest token (outpost token add).`, 'bad_token', deviceLabel);
  }
  if (via !== 'header') {
    const actor = subjectOf(outcome.principal);
    const target = deviceLabel || (outcome.principal.kind === 'device' ? outcome.principal.label : '');
    x.deps.logger.warn({ actor, device: target, via, address: x.address }, 'device token accepted in a URL (token-in-url is on)');
    x.deps.access.audit({ actor, action: 'ingest.token-in-url', target: `device:${target}`, targetLabel: target || null, orgId: outcome.principal.orgId, outcome: 'ok', address: x.address, detail: { via } });
  }
  x.refusalOwner = { orgId: outcome.principal.orgId, deviceId: outcome.principal.kind === 'device' ? outcome.principal.deviceId : null };
  return outcome.principal;
}
