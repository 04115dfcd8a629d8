import type { HubContext } from '../hub-context';
import type { DbWatcher } from '../store/db-watcher';
import { readPolicy } from '../access/context';
import { DeliverySender, type DeliveryPipeline } from './notify/sender';
import { AlarmService, type AlarmPipeline } from './service';

/**
 * Starts the alarm evaluator (service.ts) after the pipeline. The alarm API
 * methods are registered with the rest of the API (console/api.ts); their
 * writes reach the evaluator as a DbWatcher change.
 */
export function startAlarms(ctx: HubContext, deps: { pipeline: AlarmPipeline; watcher: DbWatcher }): AlarmService {
  const service = new AlarmService(ctx.db, deps.pipeline, ctx.logger);
  service.start();
  const reload = () => {
    try {
      service.reload();
    } catch (err) {
      ctx.logger.error({ err }, 'alarm rules not reloaded; the next change tries again');
    }
  };
  deps.watcher.on('change', reload);
  ctx.onStop('alarms', async () => {
    deps.watcher.off('change', reload);
    await service.stop();
  });
  return service;
}

/**
 * Sends alarm notifications: the outbox rows queued with the alarm changes
 * (docs/ALARMS.md "Notifications"). Webhook targets may use the hub's own CA.
 */
export function startAlarmNotifications(ctx: HubContext, deps: { pipeline: DeliveryPipeline }): DeliverySender {
  const sender = new DeliverySender(ctx.db, deps.pipeline, ctx.logger, { key: ctx.key('alarm-secrets'), allowlist: () => readPolicy(ctx.db).webhookHosts, extraCa: ctx.tls.caCertPem });
  sender.start();
  ctx.onStop('alarm-notifications', () => sender.stop());
  return sender;
}
