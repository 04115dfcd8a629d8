import type { ApiContract } from '../../src-shared/api/contract';
import type { DashboardSpec } from '../../src-shared/api/areas/dashboards';
import type { Caller, HandlerRegistry } from '../console/registry';
import type { Db } from '../store/database';
import { ServiceError } from '../errors';
import { visibleDeviceIds } from '../access/device-access';
import type { Principal } from '../access/principal';
import { deleteDashboard, findDashboard, findDashboardByName, insertDashboard, listDashboards, updateDashboard, type StoredDashboard } from './queries/dashboards';
import { mergeForSave, redactFor } from './widgets';

const emptySpec: DashboardSpec = { range: { preset: '24h' }, widgets: [] };

/**
 * Dashboards of the caller's organisation. Reads need devices:read, changes
 * dashboards:write (writers and above); the registry records every change in
 * the audit log, naming the dashboard (`caller.audit.target`). What a caller gets is redacted to the devices they may see.
 */
export function registerDashboardHandlers(registry: HandlerRegistry<ApiContract>, db: Db, now: () => number = Date.now): void {
  const visibleTo = (p: Principal) => new Set(visibleDeviceIds(db, p));
  const view = (d: StoredDashboard, p: Principal) => ({ id: d.id, name: d.name, revision: d.revision, updatedAt: d.updatedAt, spec: redactFor(d.spec, visibleTo(p)) });
  const require = (orgId: number, id: number) => {
    const d = findDashboard(db, orgId, id);
    if (!d) throw new ServiceError('DASHBOARD_NOT_FOUND', `There is no dashboard ${id} in your organisation. dashboards.list shows them.`, 404);
    return d;
  };
  const nameFree = (orgId: number, name: string, self?: number) => {
    const other = findDashboardByName(db, orgId, name);
    if (other && other.id !== self) throw new ServiceError('DASHBOARD_EXISTS', `A dashboard named "${name}" already exists. Choose another name.`, 409);
  };

  const audited = (caller: Caller, d: { id: number; name: string }) => caller.audit.target({ kind: 'dashboard', id: d.id, label: d.name });

  registry.register('dashboards.list', (_input, caller) =>
    listDashboards(db, caller.orgId).map((d) => ({ id: d.id, name: d.name, updatedAt: d.updatedAt, widgets: d.spec.widgets.length })),
  );
  registry.register('dashboards.get', (input, caller) => view(require(caller.orgId, input.dashboardId), caller.principal));
  registry.register('dashboards.create', (input, caller) => {
    const { orgId, principal } = caller;
    return db.transaction(() => {
      nameFree(orgId, input.name);
      const spec = mergeForSave(input.spec ?? emptySpec, null, visibleTo(principal));
      const id = insertDashboard(db, { orgId, name: input.name, spec, createdBy: caller.subject, now: now() });
      audited(caller, { id, name: input.name });
      return view(require(orgId, id), principal);
    }).immediate();
  });
  registry.register('dashboards.update', (input, caller) => {
    const { orgId, principal } = caller;
    return db.transaction(() => {
      const stored = require(orgId, input.dashboardId);
      audited(caller, stored);
      if (stored.revision !== input.revision) {
        throw new ServiceError('DASHBOARD_CHANGED', `Dashboard "${stored.name}" was changed by someone else since you opened it (revision ${stored.revision}, yours ${input.revision}). Reload it and make your change again.`, 409);
      }
      const name = input.name ?? stored.name;
      nameFree(orgId, name, stored.id);
      // The row names the dashboard as it was (a refused change names it too); a rename says what it became.
      if (name !== stored.name) caller.audit.detail({ renamedTo: name });
      const spec = input.spec ? mergeForSave(input.spec, stored.spec, visibleTo(principal)) : stored.spec;
      updateDashboard(db, { orgId, id: stored.id, revision: input.revision, name, spec, now: now() });
      return view(require(orgId, stored.id), principal);
    }).immediate();
  });
  registry.register('dashboards.delete', (input, caller) => {
    audited(caller, require(caller.orgId, input.dashboardId));
    deleteDashboard(db, caller.orgId, input.dashboardId);
    return { ok: true as const };
  });
}
