import type { AccessContext } from '../access/context';
import type { CommandService } from '../commands/service';
import type { HubContext } from '../hub-context';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import { OsKeychain } from '../security/secret-store';
import type { DbWatcher } from '../store/db-watcher';
import { SyncService } from './service';

export interface SyncServices {
  pipeline: Pipeline;
  watcher: DbWatcher;
  access: AccessContext;
  commands: CommandService;
}

/** Store-and-forward to the organisation's upstream broker (README, "Sync to an organisation"). */
export async function startSync(ctx: HubContext, { pipeline, watcher, access, commands }: SyncServices): Promise<SyncService> {
  const sync = new SyncService({
    db: ctx.db,
    pipeline,
    logger: ctx.logger,
    audit: access.audit,
    deliverCommands: (deviceId: number) => void commands.pickUp(deviceId),
    credentials: { dataDir: ctx.config.dataDir, identity: ctx.identity, secretStore: new OsKeychain(), sealKey: () => ctx.key('sync-credentials') },
  });
  pipeline.live.on('readings', () => sync.kick());
  // `outpost sync set` writes from another process.
  const onChange = () => void sync.reload();
  watcher.on('change', onChange);
  await sync.reload();
  ctx.onStop('sync', async () => {
    watcher.off('change', onChange);
    await sync.stop();
  });
  return sync;
}
