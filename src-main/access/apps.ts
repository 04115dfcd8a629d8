import { rolePermissions, scopes as knownScopes, type Scope } from '../../src-shared/permissions';
import { issueToken } from '../security/tokens';
import type { AaaContext } from './context';
import { AaaError, notFound } from './errors';
import { appByName, appsOfOrg, insertApp, revokeApp, type App } from './queries/apps';
import type { Actor } from './users';
import { validateAllowlists } from './users';

/** What lists show: never the token hash. */
export type AppView = Omit<App, 'orgId' | 'tokenHash' | 'createdBy' | 'revokedAt'> & { revoked: boolean };

export function toAppView(a: App): AppView {
  const { orgId: _org, tokenHash: _hash, createdBy: _by, revokedAt, ...shown } = a;
  return { ...shown, revoked: revokedAt !== null };
}

export interface NewAppInput {
  name: string;
  scopes: string[];
  deviceIds?: number[] | null | undefined;
  allowIps?: string[] | undefined;
  allowOrigins?: string[] | undefined;
  serverOnly?: boolean | undefined;
  expiresAt?: number | null | undefined;
}

/** Creates an app and returns its token: the only time the token exists outside the caller's hands. */
export function createApp(ctx: AaaContext, actor: Actor & { userId: number | null; deviceIds?: number[] | null }, orgId: number, input: NewAppInput): { app: AppView; token: string } {
  const unknown = input.scopes.filter((s) => !(knownScopes as readonly string[]).includes(s));
  if (unknown.length) throw new AaaError('INVALID_SCOPE', `Unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}.`, `Scopes are: ${knownScopes.join(', ')}.`);
  if (input.scopes.length === 0) throw new AaaError('INVALID_SCOPE', 'An app needs at least one scope.', `Scopes are: ${knownScopes.join(', ')}.`);
  // A token never carries more than the person (or app) who made it may do.
  const beyond = actor.role === null ? [] : input.scopes.filter((s) => !(rolePermissions[actor.role!] as readonly string[]).includes(s));
  if (beyond.length) throw new AaaError('FORBIDDEN', `A ${actor.role} cannot grant ${beyond.join(', ')}.`, 'Ask an owner to create this app.', 403);
  if (actor.deviceIds && (input.deviceIds == null || input.deviceIds.some((d) => !actor.deviceIds!.includes(d)))) {
    throw new AaaError('FORBIDDEN', 'An app limited to some devices can only create apps limited to those devices.', 'Pass deviceIds within your own.', 403);
  }
  validateAllowlists(input.allowIps ?? [], input.allowOrigins ?? []);
  if (appByName(ctx.db, orgId, input.name)) throw new AaaError('ALREADY_EXISTS', `An app named "${input.name}" already exists.`, 'Choose another name, or revoke the old app first.', 409);
  const now = ctx.now();
  if (input.expiresAt != null && input.expiresAt <= now) throw new AaaError('INVALID_EXPIRY', 'The expiry is in the past.', 'Give a future time, or none.');
  const { token, hash, hint } = issueToken('app');
  const id = insertApp(ctx.db, {
    orgId,
    name: input.name,
    tokenHash: hash,
    hint,
    scopes: [...new Set(input.scopes)] as Scope[],
    deviceIds: input.deviceIds ?? null,
    allowIps: input.allowIps ?? [],
    allowOrigins: input.allowOrigins ?? [],
    serverOnly: input.serverOnly ?? false,
    expiresAt: input.expiresAt ?? null,
    createdBy: actor.userId,
    createdAt: now,
  });
  ctx.audit({ actor: actor.subject, action: 'app.create', target: `app:${id}`, outcome: 'ok', address: actor.address, detail: { name: input.name, scopes: input.scopes } });
  return { app: toAppView(appByName(ctx.db, orgId, input.name)!), token };
}

export function listApps(ctx: AaaContext, orgId: number): AppView[] {
  return appsOfOrg(ctx.db, orgId).map(toAppView);
}

export function revokeAppByName(ctx: AaaContext, actor: Actor, orgId: number, name: string): AppView {
  const app = appByName(ctx.db, orgId, name);
  if (!app) throw notFound(`The app "${name}"`);
  revokeApp(ctx.db, app.id, ctx.now());
  ctx.audit({ actor: actor.subject, action: 'app.revoke', target: `app:${app.id}`, outcome: 'ok', address: actor.address });
  return toAppView(appByName(ctx.db, orgId, name)!);
}
