import { randomBytes } from 'node:crypto';
import type { ApiContract } from '../../src-shared/api/contract';
import type { AccessContext } from '../access/context';
import { notFound } from '../access/errors';
import { ApiFailure, type HandlerRegistry } from '../console/registry';
import { seal } from '../security/sealed-secret';
import { hostAllowed, webhookHostAllowed } from './notify/allowlist';
import { channelSecretLabel } from './notify/sender';
import { deleteChannel, findChannel, findChannelByName, insertChannel, listChannels, setChannelSecret, type StoredChannel } from './queries/channels';
import { listDeliveries } from './queries/deliveries';

/** What the API shows of a channel: never its secret or password, only whether an SMTP password is kept. */
const publicChannel = (c: StoredChannel) =>
  c.kind === 'email'
    ? { id: c.id, name: c.name, kind: c.kind, email: { ...c.config, hasPassword: c.sealedSecret !== null }, createdAt: c.createdAt }
    : { id: c.id, name: c.name, kind: c.kind, url: c.config.url, createdAt: c.createdAt };

const notAllowed = (code: string, what: string) =>
  new ApiFailure(code, `${what.slice(0, 200)} is not on the hub's outbound allowlist. Ask the hub owner to add it (security policy webhookHosts), then try again.`, 403);

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
    if (input.kind === 'webhook' && !webhookHostAllowed(input.url, allowlist)) throw notAllowed('WEBHOOK_HOST_NOT_ALLOWED', `The host of ${input.url}`);
    if (input.kind === 'email' && !hostAllowed(input.host, input.port, allowlist)) throw notAllowed('SMTP_HOST_NOT_ALLOWED', `The SMTP server ${input.host}:${input.port}`);
    if (findChannelByName(db, caller.orgId, input.name)) throw new ApiFailure('CHANNEL_EXISTS', `A channel "${input.name}" already exists. Choose another name or remove it first.`, 409);
    // A webhook gets a signing secret made here; an email channel keeps the SMTP password it was given. Both are sealed, bound to the row.
    const secret = input.kind === 'webhook' ? `whsec_${randomBytes(32).toString('base64url')}` : (input.password ?? null);
    const id = db
      .transaction(() => {
        const channelId =
          input.kind === 'webhook'
            ? insertChannel(db, { orgId: caller.orgId, name: input.name, config: { url: input.url }, now: ctx.now() })
            : insertChannel(db, {
                orgId: caller.orgId,
                name: input.name,
                kind: 'email',
                config: { host: input.host, port: input.port, security: input.security, username: input.username ?? null, from: input.from, to: input.to },
                now: ctx.now(),
              });
        if (secret !== null) setChannelSecret(db, channelId, seal(ctx.keys.alarmSecrets, Buffer.from(secret, 'utf8'), channelSecretLabel(channelId)));
        return channelId;
      })
      .immediate();
    caller.audit.target({ kind: 'alarm-channel', id, label: input.name });
    caller.audit.detail(input.kind === 'webhook' ? { kind: input.kind, host: new URL(input.url).host } : { kind: input.kind, host: `${input.host}:${input.port}`, security: input.security, recipients: input.to.length });
    const channel = publicChannel(findChannel(db, caller.orgId, id)!);
    return channel.kind === 'webhook' ? { ...channel, secret: secret! } : channel;
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
