import { randomBytes } from 'node:crypto';
import type { ApiContract } from '../../src-shared/api/contract';
import type { AccessContext } from '../access/context';
import { notFound } from '../access/errors';
import { ApiFailure, type HandlerRegistry } from '../console/registry';
import { seal } from '../security/sealed-secret';
import { webhookHostAllowed } from './notify/allowlist';
import { channelSecretLabel } from './notify/sender';
import { deleteChannel, findChannel, findChannelByName, insertChannel, listChannels, setChannelSecret, type StoredChannel } from './queries/channels';
import { listDeliveries } from './queries/deliveries';

const publicChannel = (c: StoredChannel) => ({ id: c.id, name: c.name, kind: c.kind, url: c.config.url, createdAt: c.createdAt });

/**
 * Notification channels (alarms:admin) and their deliveries. The signing
 * secret is made here, sealed in the row with the hub's `alarm-secrets` key
 * and returned once; the registry audits each write (never the secret).
 */
export function registerAlarmChannelHandlers(registry: HandlerRegistry<ApiContract>, ctx: AccessContext): void {
  const db = ctx.db;
  registry.register('alarmChannels.list', (_input, caller) => listChannels(db, caller.orgId).map(publicChannel));

  registry.register('alarmChannels.create', (input, caller) => {
    const allowlist = ctx.policy().webhookHosts;
    if (!webhookHostAllowed(input.url, allowlist)) {
      throw new ApiFailure(
        'WEBHOOK_HOST_NOT_ALLOWED',
        `The host of ${input.url.slice(0, 200)} is not on the hub's webhook allowlist. Ask the hub owner to add it (security policy webhookHosts), then try again.`,
        403,
      );
    }
    if (findChannelByName(db, caller.orgId, input.name)) throw new ApiFailure('CHANNEL_EXISTS', `A channel "${input.name}" already exists. Choose another name or remove it first.`, 409);
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const id = db
      .transaction(() => {
        const channelId = insertChannel(db, { orgId: caller.orgId, name: input.name, config: { url: input.url }, now: ctx.now() });
        setChannelSecret(db, channelId, seal(ctx.keys.alarmSecrets, Buffer.from(secret, 'utf8'), channelSecretLabel(channelId)));
        return channelId;
      })
      .immediate();
    caller.audit.target({ kind: 'alarm-channel', id, label: input.name });
    caller.audit.detail({ kind: input.kind, host: new URL(input.url).host });
    return { ...publicChannel(findChannel(db, caller.orgId, id)!), secret };
  });

  registry.register('alarmChannels.remove', (input, caller) => {
    const channel = findChannel(db, caller.orgId, input.channelId);
    if (!channel) throw notFound(`Alarm channel ${input.channelId}`, 'List alarm channels to see their ids.');
    deleteChannel(db, caller.orgId, channel.id);
    caller.audit.target({ kind: 'alarm-channel', id: channel.id, label: channel.name });
    return { ok: true as const };
  });

  registry.register('alarmDeliveries.list', (input, caller) =>
    listDeliveries(db, { orgId: caller.orgId, status: input.status, alarmId: input.alarmId, limit: input.limit }).map(({ orgId: _o, payload: _p, ...d }) => d),
  );
}
