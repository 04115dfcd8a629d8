import type { ApiContract } from '../../src-shared/api/contract';
import type { AccessContext } from '../access/context';
import { isHubOwner } from '../access/people';
import { appsOfOrg } from '../access/queries/apps';
import { usersOfOrg } from '../access/queries/users';
import type { Caller, HandlerRegistry } from '../console/registry';
import { exportAudit, verifyAuditChain } from './chain';
import { usageOf } from './queries/accounting';
import { queryAudit, type AuditScope } from './queries/audit-log';

const dayMs = 24 * 3_600_000;

/** Each organisation reads its own rows; the hub owner reads every row, hub-wide ones included. */
export function auditScopeOf(caller: Caller): AuditScope {
  return isHubOwner(caller.principal) ? null : caller.orgId;
}

export function registerAuditHandlers(registry: HandlerRegistry<ApiContract>, ctx: AccessContext): void {
  registry.register('audit.query', (input, caller) => queryAudit(ctx.db, auditScopeOf(caller), input));
  registry.register('audit.export', (input, caller) => {
    const scope = auditScopeOf(caller);
    caller.audit.target({ kind: 'audit-log', id: scope ?? 'all' });
    caller.audit.detail({ format: input.format });
    return { format: input.format, content: exportAudit(ctx.db, input.format, scope) };
  });
  registry.register('audit.verify', (_input, caller) => {
    const report = verifyAuditChain(ctx.db, ctx.keys.audit, auditScopeOf(caller));
    return { ...report, problems: report.problems.map((p) => ({ ...p })) };
  });
  registry.register('accounting.query', (input, caller) => {
    ctx.usage.flush();
    // Only the caller's organisation: its users and its apps.
    const subjects = [...usersOfOrg(ctx.db, caller.orgId).map((u) => `user:${u.id}`), ...appsOfOrg(ctx.db, caller.orgId).map((a) => `app:${a.id}`)];
    return usageOf(ctx.db, subjects, input.since ?? ctx.now() - dayMs);
  });
}
