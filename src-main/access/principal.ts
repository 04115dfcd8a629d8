import type { Role } from '../../src-shared/permissions';

/** Who is calling, as established by a credential on this very request. */
export type Principal =
  | { kind: 'user'; userId: number; orgId: number; role: Role; sessionId: number; allowIps: string[]; allowOrigins: string[] }
  | { kind: 'app'; appId: number; orgId: number; scopes: string[]; deviceIds: number[] | null; allowIps: string[]; allowOrigins: string[]; serverOnly: boolean }
  | { kind: 'apiKey'; apiKeyId: number; orgId: number; jti: string };

/** The name a principal has in the audit log, accounting and rate limits. */
export function subjectOf(p: Principal | null): string {
  if (!p) return 'anonymous';
  if (p.kind === 'user') return `user:${p.userId}`;
  if (p.kind === 'app') return `app:${p.appId}`;
  return `apikey:${p.apiKeyId}`;
}
