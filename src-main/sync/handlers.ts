import type { SyncConfigureInput, SyncStatus } from '../../src-shared/api/areas/sync';
import type { ApiContract } from '../../src-shared/api/contract';
import type { AccessContext } from '../access/context';
import { AccessError, notFound } from '../access/errors';
import { devicesWithin, rightsOf } from '../access/rights';
import type { HandlerRegistry } from '../console/registry';
import type { Db } from '../store/database';
import { configureSync } from './configure';
import type { CredentialPlace } from './credentials';
import { listSites, revokeSite, type SyncSite } from './queries/sync-sites';
import { listSiteAlarms } from './queries/sync-site-alarms';
import { visibleDeviceIds } from '../access/device-access';
import { publicSettings } from './settings';
import { addSite } from './sites';
import { readStoredSyncStatus } from './status';

/** Sync settings and status: the running hub's SyncService, or in a CLI process the stored ones (the hub applies them within a second). */
export interface SyncControl {
  configure(input: SyncConfigureInput): Promise<ReturnType<typeof publicSettings> & { switchedOn: boolean }>;
  current(): SyncStatus;
}

export function storedSyncControl(db: Db, credentials: CredentialPlace): SyncControl {
  return {
    async configure(input) {
      const { settings, historyQueued, switchedOn } = await configureSync(db, credentials, input);
      return { ...publicSettings(settings, historyQueued), switchedOn };
    },
    current: () => readStoredSyncStatus(db, credentials.identity.hubId),
  };
}

const siteView = (s: SyncSite) => ({ siteId: s.siteId, hint: s.hint, createdAt: s.createdAt, revoked: s.revokedAt !== null });

export function registerSyncHandlers(registry: HandlerRegistry<ApiContract>, ctx: AccessContext, sync: SyncControl): void {
  registry.register('sync.status', () => sync.current());
  registry.register('sync.configure', async (input, caller) => {
    caller.audit.target({ kind: 'sync', id: 'upstream' });
    // Never the password; the URL and site say where readings go.
    const { password, caPem, ...rest } = input;
    caller.audit.detail({ ...rest, ...(caPem !== undefined ? { caChanged: true } : {}), ...(password !== undefined ? { passwordChanged: true } : {}) });
    return sync.configure(input);
  });
  registry.register('alarms.sites', (input, caller) =>
    listSiteAlarms(ctx.db, { orgId: caller.orgId, deviceIds: visibleDeviceIds(ctx.db, caller.principal), site: input.siteId, limit: input.limit }),
  );
  registry.register('sites.list', (_input, caller) => listSites(ctx.db, caller.orgId).map(siteView));
  registry.register('sites.create', (input, caller) => {
    // A site creates devices in the organisation as it syncs: only someone reaching every device may let one in.
    if (!devicesWithin(rightsOf(ctx.db, caller.principal), null)) throw new AccessError('FORBIDDEN', 'You reach only some devices, so you cannot let a site in.', 'Ask an admin who sees every device.', 403);
    const { site, token } = addSite(ctx.db, input.siteId, caller.orgId, ctx.now());
    caller.audit.target({ kind: 'site', id: site.id, label: site.siteId });
    return { site: siteView(site), token };
  });
  registry.register('sites.revoke', (input, caller) => {
    caller.audit.target({ kind: 'site', id: input.siteId, label: input.siteId });
    if (!revokeSite(ctx.db, caller.orgId, input.siteId, ctx.now())) throw notFound(`The active site "${input.siteId}"`, 'List sites with `outpost site list`.');
    return { ok: true };
  });
}
