import type { Role, Scope } from '../../src-shared/permissions';

/**
 * Who is acting, as established by a credential on this very request or
 * connection. One type for every path: the console and API (people, apps,
 * API-key access tokens), the local CLI, device listeners (device and ingest
 * tokens) and the hub itself acting for someone already authorized.
 */
export type Principal = UserPrincipal | AppPrincipal | ApiKeyPrincipal | CliPrincipal | DevicePrincipal | IngestPrincipal | InternalPrincipal;

export interface UserPrincipal {
  kind: 'user';
  userId: number;
  orgId: number;
  role: Role;
  sessionId: number;
  /** Granted explicitly (users.setHubAdmin); never implied by a role. */
  hubAdmin: boolean;
  allowIps: string[];
  allowOrigins: string[];
}

/** Scopes and devices are the app's own cut down to what its creator holds now (access/delegation.ts). */
export interface AppPrincipal {
  kind: 'app';
  appId: number;
  orgId: number;
  scopes: Scope[];
  /** `null`: every device of the organisation. */
  deviceIds: number[] | null;
  allowIps: string[];
  allowOrigins: string[];
  serverOnly: boolean;
}

/** A short-lived access token minted from an API key; rights cut like an app's. */
export interface ApiKeyPrincipal {
  kind: 'apiKey';
  apiKeyId: number;
  orgId: number;
  jti: string;
  scopes: Scope[];
  deviceIds: number[] | null;
}

/** The local command line: whoever can read the hub's key owns the machine, so it acts as the hub owner. */
export interface CliPrincipal {
  kind: 'cli';
  osUser: string;
  orgId: number;
}

/** A device token: the device it belongs to and nothing else. */
export interface DevicePrincipal {
  kind: 'device';
  tokenId: number;
  deviceId: number;
  orgId: number;
  label: string;
}

/** An organisation ingest token: writes for several devices (all when `deviceLabels` is null). */
export interface IngestPrincipal {
  kind: 'ingest';
  tokenId: number;
  orgId: number;
  deviceLabels: readonly string[] | null;
  canCreateDevices: boolean;
}

/** The hub itself, writing on behalf of someone already authorized (a command's value, a site's synced readings). */
export interface InternalPrincipal {
  kind: 'internal';
  orgId: number;
  actor: string;
  canCreateDevices: boolean;
}

export type ConsolePrincipal = UserPrincipal | AppPrincipal | ApiKeyPrincipal | CliPrincipal;

/** The name a principal has in the audit log, accounting and rate limits. */
export function subjectOf(p: Principal | null): string {
  if (!p) return 'anonymous';
  switch (p.kind) {
    case 'user':
      return `user:${p.userId}`;
    case 'app':
      return `app:${p.appId}`;
    case 'apiKey':
      return `apikey:${p.apiKeyId}`;
    case 'cli':
      return `cli:${p.osUser}`;
    case 'device':
      return `device:${p.deviceId}`;
    case 'ingest':
      return `ingest-token:${p.tokenId}`;
    case 'internal':
      return p.actor;
  }
}

export function isConsolePrincipal(p: Principal | null): p is ConsolePrincipal {
  return p !== null && (p.kind === 'user' || p.kind === 'app' || p.kind === 'apiKey' || p.kind === 'cli');
}
