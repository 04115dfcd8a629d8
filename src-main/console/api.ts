import { apiContract, type ApiContract, type HubStatus } from '../../src-shared/api/contract';
import type { HubConnection } from '../../src-shared/api/areas/hub';
import type { AccessContext } from '../access/context';
import { accessGuard } from '../access/guard';
import { registerAppHandlers } from '../access/handlers/apps';
import { registerAuthHandlers } from '../access/handlers/auth';
import { registerGroupHandlers } from '../access/handlers/groups';
import { registerOrgHandlers } from '../access/handlers/orgs';
import { registerUserHandlers } from '../access/handlers/users';
import { registerAuditHandlers } from '../audit/handlers';
import { registerCommandHandlers, type CommandSender } from '../commands/handlers';
import { registerDeviceHandlers } from '../devices/handlers';
import { registerDashboardHandlers } from '../dashboards/handlers';
import { registerAlarmHandlers } from '../alarms/handlers';
import { registerAlarmChannelHandlers } from '../alarms/channel-handlers';
import { registerHistoryHandlers } from '../history/handlers';
import { historyReads } from '../history/reads';
import type { Logger } from '../logging/logger';
import type { ReaderClient } from '../history/reader-client';
import { registerSettingsHandlers } from '../settings/handlers';
import { registerSyncHandlers, type SyncControl } from '../sync/handlers';
import { registerHubHandlers } from './hub-handlers';
import { registerStewardshipHandlers, type StewardshipServices } from './stewardship';
import { registerRefusalHandlers } from '../ingest/refusal-handlers';
import { registerCounterHandlers, type CounterSources } from '../ingest/counter-handlers';
import { registerHealthHandlers } from '../ingest/health-handlers';
import { HandlerRegistry } from './registry';

/** What the API's handlers need: the running hub's services, or a CLI process's equivalents. */
export interface ApiServices {
  access: AccessContext;
  commands: CommandSender;
  sync: SyncControl;
  status: () => HubStatus;
  /** A write succeeded in this process (revocations close live sessions at once). */
  changed: () => void;
  logger: Logger | null;
  /** The running hub's addresses, ports and CA for the connection card; the CLI has no listeners. */
  connection?: () => HubConnection;
  /** The hub's reader thread for readings queries; the CLI reads on its own connection. */
  reader?: ReaderClient;
  /** The hub's bulk reader thread for export pages (lower CPU priority); without it exports use `reader`. */
  bulkReader?: ReaderClient;
  /** Backups and the key's emergency kit (console/stewardship.ts). */
  stewardship: StewardshipServices;
  /** The running hub's traffic counters for the Hub page; the CLI has none. */
  counters?: CounterSources;
}

/**
 * The one API: every contract method with its handler, behind the access
 * guard. The hub (HTTPS, IPC) and the CLI build it the same way, so every path
 * is authorized and audited by the same code.
 */
export function createApi(services: ApiServices): HandlerRegistry<ApiContract> {
  const registry = new HandlerRegistry(apiContract);
  registry.setGuard(accessGuard(services.access, services.changed, services.logger));
  const ctx = services.access;
  registerHubHandlers(registry, services.status, services.connection);
  registerAuthHandlers(registry, ctx);
  registerUserHandlers(registry, ctx);
  registerGroupHandlers(registry, ctx);
  registerAppHandlers(registry, ctx);
  registerOrgHandlers(registry, ctx);
  registerAuditHandlers(registry, ctx);
  registerSettingsHandlers(registry, ctx);
  registerDeviceHandlers(registry, ctx, services.reader);
  registerHistoryHandlers(registry, ctx.db, historyReads(ctx.db, services.reader, services.bulkReader));
  registerDashboardHandlers(registry, ctx.db);
  registerAlarmHandlers(registry, ctx.db);
  registerAlarmChannelHandlers(registry, ctx);
  registerCommandHandlers(registry, ctx, services.commands);
  registerSyncHandlers(registry, ctx, services.sync);
  registerStewardshipHandlers(registry, services.stewardship);
  registerRefusalHandlers(registry, ctx);
  registerCounterHandlers(registry, ctx, services.counters);
  registerHealthHandlers(registry, ctx);
  const missing = registry.missing();
  if (missing.length) throw new Error(`API methods without a handler: ${missing.join(', ')}`);
  return registry;
}
