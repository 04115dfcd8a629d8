import { isScope } from '../../src-shared/permissions';
import { tokenKindOf } from '../../src-shared/tokens';
import { authenticate } from './authenticate';
import type { AccessContext } from './context';
import { deviceIdsOf, effectiveRights } from './delegation';
import { AccessError } from './errors';
import { addressAllowed } from './ip-allowlist';
import type { AppPrincipal, Principal } from './principal';
import { appById } from './queries/apps';

/** What an integration's app token may do on the broker (docs/INTEGRATIONS.md). */
export interface MqttGrant {
  appId: number;
  /** The app's name: `%u` in its patterns. */
  name: string;
  subscribe: readonly string[];
  publish: readonly string[];
}

export type IntegrationOutcome =
  | { ok: true; principal: AppPrincipal; grant: MqttGrant }
  | { ok: false; reason: 'bad_token' | 'not_authorized'; message: string };

export const isAppToken = (token: string): boolean => tokenKindOf(token) === 'app';

/**
 * An app token on the broker: the same check as the console's (revoked,
 * expired, rights cut to its maker's), then its IP allowlist and its MQTT
 * patterns. An app without patterns stays off the broker, as before.
 */
export async function resolveIntegrationToken(ctx: AccessContext, token: string, address: string): Promise<IntegrationOutcome> {
  let principal;
  try {
    principal = await authenticate(ctx, token);
  } catch (err) {
    if (!(err instanceof AccessError)) throw err;
    return { ok: false, reason: 'bad_token', message: 'the app token is unknown, expired or revoked' };
  }
  const app = principal.kind === 'app' ? appById(ctx.db, principal.orgId, principal.appId) : undefined;
  if (principal.kind !== 'app' || !app) return { ok: false, reason: 'bad_token', message: 'the app token is unknown, expired or revoked' };
  if (app.mqttSubscribe.length === 0 && app.mqttPublish.length === 0) {
    return { ok: false, reason: 'not_authorized', message: `app "${app.name.slice(0, 100)}" has no MQTT topic patterns; create an integration with --mqtt-subscribe/--mqtt-publish` };
  }
  if (principal.allowIps.length > 0 && !addressAllowed(principal.allowIps, address)) {
    return { ok: false, reason: 'not_authorized', message: `app "${app.name.slice(0, 100)}" is not allowed from this address` };
  }
  return { ok: true, principal, grant: { appId: app.id, name: app.name, subscribe: app.mqttSubscribe, publish: app.mqttPublish } };
}

/**
 * Does a live integration session still hold what it connected with? False
 * when the app was revoked or expired, or its maker lost scopes or devices:
 * the broker closes the session and the client reconnects with what it holds now.
 */
export function integrationStillValid(ctx: AccessContext, p: Principal): boolean {
  if (p.kind !== 'app') return true;
  const app = appById(ctx.db, p.orgId, p.appId);
  const now = ctx.now();
  if (!app || app.revokedAt !== null || (app.expiresAt !== null && now >= app.expiresAt)) return false;
  const rights = effectiveRights(ctx.db, { ...app, scopes: app.scopes.filter(isScope) }, now);
  if (!rights) return false;
  const sameScopes = rights.permissions.size === p.scopes.length && p.scopes.every((s) => rights.permissions.has(s));
  return sameScopes && JSON.stringify(deviceIdsOf(rights.devices)) === JSON.stringify(p.deviceIds);
}
