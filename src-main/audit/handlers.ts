import type { ApiContract } from '../../src-shared/api/contract';
import type { HandlerRegistry } from '../console/registry';
import { exportAudit, verifyAuditChain } from './chain';
import type { AaaContext } from '../access/context';
import { usageOf } from './queries/accounting';
import { appsOfOrg } from '../access/queries/apps';
import { queryAudit } from './queries/audit-log';
import { usersOfOrg } from '../access/queries/users';
import { callerOf } from '../access/caller';

const dayMs = 24 * 3_600_000;

export function registerAuditHandlers(registry: HandlerRegistry<ApiContract>, ctx: AaaContext): void {
  registry.register('audit.query', (input) => queryAudit(ctx.db, input));
  registry.register('audit.export', (input, call) => {
    const { actor } = callerOf(call);
    const content = exportAudit(ctx.db, input.format);
    ctx.audit({ actor: actor.subject, action: 'audit.export', target: 'audit_log', outcome: 'ok', address: actor.address, detail: { format: input.format } });
    return { format: input.format, content };
  });
  registry.register('audit.verify', () => {
    const report = verifyAuditChain(ctx.db, ctx.keys.audit);
    return { ...report, problems: report.problems.map((p) => ({ ...p })) };
  });
  registry.register('accounting.query', (input, call) => {
    const { orgId } = callerOf(call);
    // Only the caller's organisation: its users and its apps.
    const subjects = [...usersOfOrg(ctx.db, orgId).map((u) => `user:${u.id}`), ...appsOfOrg(ctx.db, orgId).map((a) => `app:${a.id}`)];
    return usageOf(ctx.db, subjects, input.since ?? ctx.now() - dayMs);
  });
}
