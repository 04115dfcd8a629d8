import type { AlarmChannel, CreateChannelInput } from '../../../src-shared/api/areas/alarm-channels';
import { ApiCallError, type LocalApi } from '../local-api';
import { UsageError, type Output } from '../output';
import { readStdin } from '../stdin';

export const alarmChannelHelp = `  channel add NAME --url https://HOST/PATH                    a webhook (prints its signing secret once)
  channel add NAME --smtp-host H --smtp-port P --security tls|starttls --from ADDR --to ADDR [--to ADDR ...]
       [--username U --password-stdin]                       an email channel; the password is read from stdin
  channel list                   the organisation's channels (never their secrets)
  channel remove NAME            removes it and its queued notifications
  The webhook or SMTP host must be on the hub's outbound allowlist (security policy webhookHosts).`;

export const alarmChannelOptions = {
  url: { type: 'string' },
  'smtp-host': { type: 'string' },
  'smtp-port': { type: 'string' },
  security: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string', multiple: true },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean', default: false },
} as const;

interface ChannelValues {
  url?: string | undefined;
  'smtp-host'?: string | undefined;
  'smtp-port'?: string | undefined;
  security?: string | undefined;
  from?: string | undefined;
  to?: string[] | undefined;
  username?: string | undefined;
  'password-stdin'?: boolean | undefined;
  json?: boolean | undefined;
}

/** The create input from flags; the API validates the rest (addresses, port range, https). */
async function createInput(name: string, v: ChannelValues): Promise<CreateChannelInput> {
  if ((v.url === undefined) === (v['smtp-host'] === undefined)) throw new UsageError('channel add needs either --url (webhook) or --smtp-host (email).');
  if (v.url !== undefined) return { name, kind: 'webhook', url: v.url };
  const port = Number(v['smtp-port']);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--smtp-port must be a port number (465 for tls, 587 for starttls); got "${v['smtp-port'] ?? ''}".`);
  if (v.security !== 'tls' && v.security !== 'starttls') throw new UsageError('--security must be tls (implicit TLS, usually port 465) or starttls (usually port 587); there is no plain-text mode.');
  if (!v.from || !v.to?.length) throw new UsageError('an email channel needs --from ADDRESS and at least one --to ADDRESS.');
  if (Boolean(v.username) !== Boolean(v['password-stdin'])) throw new UsageError('give --username with --password-stdin, or neither (a server that takes mail without login).');
  // Never from a flag: it would stay in the shell history and the process list.
  const password = v['password-stdin'] ? await readStdin() : undefined;
  if (v['password-stdin'] && !password) throw new UsageError('--password-stdin was given but standard input is empty');
  return { name, kind: 'email', host: v['smtp-host']!, port, security: v.security, from: v.from, to: v.to, ...(password ? { username: v.username!, password } : {}) };
}

const describe = (c: AlarmChannel) =>
  c.kind === 'webhook' ? `webhook ${c.url}` : `email ${c.email.host}:${c.email.port} ${c.email.security} to ${c.email.to.join(', ')}${c.email.username ? ` as ${c.email.username}` : ''}`;

/** `outpost alarm channel add|list|remove` through the API (alarmChannels.*). */
export async function alarmChannelAction(api: LocalApi, out: Output, sub: string | undefined, name: string | undefined, v: ChannelValues): Promise<number> {
  if (sub === 'list') {
    const channels = await api.call('alarmChannels.list', {});
    if (v.json) out.event('channels', { channels }, '');
    else if (channels.length === 0) out.line('No notification channels. Add one with: outpost alarm channel add NAME --url ... | --smtp-host ...');
    else for (const c of channels) out.line(`${String(c.id).padStart(4)} ${c.name.padEnd(24)} ${describe(c)}`);
    return 0;
  }
  if (!name) throw new UsageError(`alarm channel ${sub ?? ''} needs a NAME`);
  if (sub === 'add') {
    const channel = await api.call('alarmChannels.create', await createInput(name, v));
    const secret = channel.kind === 'webhook' ? `\nIts signing secret (shown once; the receiver checks X-Outpost-Signature with it):\n${channel.secret}` : '';
    out.event('channel-added', { channel }, `Channel "${channel.name}" (id ${channel.id}, ${describe(channel)}) is added. Name it in a rule with --channel "${channel.name}".${secret}`);
    return 0;
  }
  if (sub !== 'remove') throw new UsageError('alarm channel needs add, list or remove');
  const channel = (await api.call('alarmChannels.list', {})).find((c) => c.name === name);
  if (!channel) throw new ApiCallError('UNKNOWN_CHANNEL', `There is no notification channel "${name}" in this organisation.`, 404, 'List them with `outpost alarm channel list`.');
  await api.call('alarmChannels.remove', { channelId: channel.id });
  out.event('channel-removed', { name }, `Channel "${name}" is removed with its queued notifications; rules naming it no longer notify it.`);
  return 0;
}

/** Channel ids for `rule add --channel NAME`: each must be a channel of the organisation. */
export async function channelIdsByName(api: LocalApi, names: readonly string[]): Promise<number[]> {
  if (names.length === 0) return [];
  const channels = await api.call('alarmChannels.list', {});
  return names.map((n) => {
    const c = channels.find((x) => x.name === n);
    if (!c) throw new ApiCallError('UNKNOWN_CHANNEL', `There is no notification channel "${n}" in this organisation.`, 404, 'List them with `outpost alarm channel list`.');
    return c.id;
  });
}
