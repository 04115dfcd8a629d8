import { need, type HubModule } from '../hub-context';
import { OsKeychain } from '../security/secret-store';
import { registerSyncHandlers } from './handlers';
import { SyncService } from './service';

/** Store-and-forward to the organisation's upstream broker (README, "Sync to an organisation"). */
export const syncModule: HubModule = async (ctx) => {
  const pipeline = need(ctx.services, 'pipeline');
  const watcher = need(ctx.services, 'watcher');
  const sync = new SyncService({
    db: ctx.db,
    pipeline,
    logger: ctx.logger,
    ...(ctx.services.aaa ? { audit: ctx.services.aaa.ctx.audit } : {}),
    ...(ctx.services.commands ? { deliverCommands: (deviceId: number) => void ctx.services.commands!.pickUp(deviceId) } : {}),
    credentials: { dataDir: ctx.config.dataDir, identity: ctx.identity, secretStore: new OsKeychain(), sealKey: () => ctx.key('sync-credentials') },
  });
  pipeline.live.on('readings', () => sync.kick());
  // `outpost sync set` writes from another process.
  const onChange = () => void sync.reload();
  watcher.on('change', onChange);
  registerSyncHandlers(ctx.registry, sync);
  ctx.services.sync = sync;
  await sync.reload();
  ctx.onStop('sync', async () => {
    watcher.off('change', onChange);
    await sync.stop();
  });
};
