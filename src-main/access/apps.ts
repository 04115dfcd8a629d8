import { scopes as knownScopes, type Scope } from '../../src-shared/permissions';
import type { Caller } from '../console/registry';
import { issueToken } from '../security/tokens';
import type { AccessContext } from './context';
import { checkGrant, creatorOf } from './delegation';
import { AccessError, notFound } from './errors';
import { validateAllowlists } from './people';
import { appById, appByName, appsOfOrg, insertApp, revokeApp, type App } from './queries/apps';

/** What lists show: never the token hash. */
export interface AppView {
  id: number;
  name: string;
  hint: string;
  scopes: string[];
  deviceIds: number[] | null;
  allowIps: string[];
  allowOrigins: string[];
  serverOnly: boolean;
  expiresAt: number | null;
  createdAt: number;
  lastUsedAt: number | null;
  revoked: boolean;
  /** Who made it (`user:3`, `app:2`, `cli`): its rights never exceed theirs. */
  createdBy: string;
  /** MQTT topic patterns (docs/INTEGRATIONS.md); both empty: the token has no MQTT access. */
  mqttSubscribe: string[];
  mqttPublish: string[];
}

export function toAppView(a: App): AppView {
  return {
    id: a.id,
    name: a.name,
    hint: a.hint,
    scopes: a.scopes,
    deviceIds: a.deviceIds,
    allowIps: a.allowIps,
    allowOrigins: a.allowOrigins,
    serverOnly: a.serverOnly,
    expiresAt: a.expiresAt,
    createdAt: a.createdAt,
    lastUsedAt: a.lastUsedAt,
    revoked: a.revokedAt !== null,
    createdBy: 'id' in a.creator ? `${a.creator.kind}:${a.creator.id}` : a.creator.kind,
    mqttSubscribe: a.mqttSubscribe,
    mqttPublish: a.mqttPublish,
  };
}

export interface NewAppInput {
  name: string;
  scopes: string[];
  deviceIds?: number[] | null | undefined;
  allowIps?: string[] | undefined;
  allowOrigins?: string[] | undefined;
  serverOnly?: boolean | undefined;
  expiresAt?: number | null | undefined;
  mqttSubscribe?: string[] | undefined;
  mqttPublish?: string[] | undefined;
}

/** Creates an app and returns its token: the only time the token exists outside the caller's hands. */
export function createApp(ctx: AccessContext, caller: Caller, input: NewAppInput): { app: AppView; token: string } {
  const unknown = input.scopes.filter((s) => !(knownScopes as readonly string[]).includes(s));
  if (unknown.length) throw new AccessError('INVALID_SCOPE', `Unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}.`, `Scopes are: ${knownScopes.join(', ')}.`);
  if (input.scopes.length === 0) throw new AccessError('INVALID_SCOPE', 'An app needs at least one scope.', `Scopes are: ${knownScopes.join(', ')}.`);
  const deviceIds = input.deviceIds ?? null;
  // A token never carries more than whoever made it holds (checked again at every use).
  checkGrant(ctx.db, caller.principal, { scopes: input.scopes, deviceIds });
  validateAllowlists(input.allowIps ?? [], input.allowOrigins ?? []);
  const orgId = caller.orgId;
  if (appByName(ctx.db, orgId, input.name)) throw new AccessError('ALREADY_EXISTS', `An app named "${input.name}" already exists.`, 'Choose another name, or revoke the old app first.', 409);
  const now = ctx.now();
  if (input.expiresAt != null && input.expiresAt <= now) throw new AccessError('INVALID_EXPIRY', 'The expiry is in the past.', 'Give a future time, or none.');
  const { token, hash, hint } = issueToken('app');
  const id = insertApp(ctx.db, {
    orgId,
    name: input.name,
    tokenHash: hash,
    hint,
    scopes: [...new Set(input.scopes)] as Scope[],
    deviceIds,
    allowIps: input.allowIps ?? [],
    allowOrigins: input.allowOrigins ?? [],
    serverOnly: input.serverOnly ?? false,
    expiresAt: input.expiresAt ?? null,
    creator: creatorOf(caller.principal),
    createdAt: now,
    mqttSubscribe: [...new Set(input.mqttSubscribe ?? [])],
    mqttPublish: [...new Set(input.mqttPublish ?? [])],
  });
  caller.audit.target({ kind: 'app', id, label: input.name });
  caller.audit.detail({ scopes: input.scopes, deviceIds, ...(input.mqttSubscribe?.length || input.mqttPublish?.length ? { mqttSubscribe: input.mqttSubscribe ?? [], mqttPublish: input.mqttPublish ?? [] } : {}) });
  return { app: toAppView(appById(ctx.db, orgId, id)!), token };
}

export function listApps(ctx: AccessContext, orgId: number): AppView[] {
  return appsOfOrg(ctx.db, orgId).map(toAppView);
}

export function revokeAppByName(ctx: AccessContext, caller: Caller, name: string): AppView {
  const app = appByName(ctx.db, caller.orgId, name);
  if (!app) throw notFound(`The app "${name}"`);
  caller.audit.target({ kind: 'app', id: app.id, label: app.name });
  revokeApp(ctx.db, app.id, ctx.now());
  return toAppView(appById(ctx.db, caller.orgId, app.id)!);
}
