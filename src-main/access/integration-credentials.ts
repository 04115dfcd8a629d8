import { tokenKindOf } from '../../src-shared/tokens';
import { authenticate } from './authenticate';
import type { AccessContext } from './context';
import { appPrincipalNow } from './delegation';
import { AccessError } from './errors';
import { addressAllowed } from './ip-allowlist';
import type { AppPrincipal, Principal } from './principal';
import { appById, appsOfOrg, type App } from './queries/apps';
import type { Db } from '../store/database';

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

/** An integration as it stands now: its principal (rights cut to its maker's), its patterns, when it expires. */
export interface LiveIntegration {
  principal: AppPrincipal;
  grant: MqttGrant;
  expiresAt: number | null;
}

/** An integration as a principal now, with its patterns; null when it no longer holds anything (revoked, expired, maker gone). */
export function integrationNow(db: Db, orgId: number, appId: number, now: number): LiveIntegration | null {
  const app = appById(db, orgId, appId);
  return app ? liveIntegration(db, app, now) : null;
}

/**
 * The organisation's integrations that hold something now (Home Assistant
 * discovery configs are kept only while one of them may read them,
 * broker/discovery-coverage.ts). `expiresAt` says when one stops by time.
 */
export function liveIntegrations(db: Db, orgId: number, now: number): LiveIntegration[] {
  return appsOfOrg(db, orgId)
    .filter((app) => app.mqttSubscribe.length > 0 || app.mqttPublish.length > 0)
    .map((app) => liveIntegration(db, app, now))
    .filter((i) => i !== null);
}

function liveIntegration(db: Db, app: App, now: number): LiveIntegration | null {
  const principal = appPrincipalNow(db, app, now);
  return principal && { principal, grant: { appId: app.id, name: app.name, subscribe: app.mqttSubscribe, publish: app.mqttPublish }, expiresAt: app.expiresAt };
}

/**
 * Does a live integration session still hold what it connected with? False
 * when the app was revoked or expired, or its maker lost scopes or devices:
 * the broker closes the session and the client reconnects with what it holds now.
 */
export function integrationStillValid(ctx: AccessContext, p: Principal): boolean {
  if (p.kind !== 'app') return true;
  const now = integrationNow(ctx.db, p.orgId, p.appId, ctx.now())?.principal;
  if (!now) return false;
  const sameScopes = now.scopes.length === p.scopes.length && p.scopes.every((s) => now.scopes.includes(s));
  return sameScopes && JSON.stringify(now.deviceIds) === JSON.stringify(p.deviceIds);
}
