import { readFileSync } from 'node:fs';
import { syncConfigureInputSchema, type SyncConfigureInput, type SyncStatus } from '../../../src-shared/api/areas/sync';
import { errorMessage } from '../../errors';
import { commonOptions, parse } from '../args';
import { withLocalApi } from '../local-api';
import { createOutput, UsageError } from '../output';

export const syncHelp = `outpost sync set|status [options] [--data-dir DIR] [--json]
  set    --url mqtts://HOST:PORT --site ID --username U --password-stdin --ca FILE
         [--devices L1,L2 | --all] [--enable | --disable]
         [--allow-remote-commands | --deny-remote-commands] [--forward-synced | --no-forward-synced]
         [--include-history | --from-now]
         changes the upstream sync settings; readings stored after it returns are
         queued, and a serving hub connects with them at once.
         The password is read from standard input and kept in the OS keychain
         (or sealed under the master key with --key-file), never in the database.
         A new --url or --ca needs --password-stdin again.
         --include-history / --from-now (default): when this switches sync on,
         also send the readings stored while it was off, or only new ones.
  status connected/offline, backlog, oldest unsent reading, last success, last error,
         readings set aside (dead letters) with their reason.`;

const setOptions = {
  ...commonOptions,
  url: { type: 'string' },
  site: { type: 'string' },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean', default: false },
  ca: { type: 'string' },
  devices: { type: 'string' },
  all: { type: 'boolean', default: false },
  enable: { type: 'boolean', default: false },
  disable: { type: 'boolean', default: false },
  'allow-remote-commands': { type: 'boolean', default: false },
  'deny-remote-commands': { type: 'boolean', default: false },
  'forward-synced': { type: 'boolean', default: false },
  'no-forward-synced': { type: 'boolean', default: false },
  'include-history': { type: 'boolean', default: false },
  'from-now': { type: 'boolean', default: false },
} as const;

type SetValues = ReturnType<typeof parse<typeof setOptions>>['values'];

function exclusive(values: SetValues, a: keyof SetValues, b: keyof SetValues): boolean | undefined {
  if (values[a] && values[b]) throw new UsageError(`--${a} and --${b} cannot be used together`);
  return values[a] ? true : values[b] ? false : undefined;
}

function readPassword(): string {
  const text = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  if (!text) throw new UsageError('--password-stdin was given but standard input is empty');
  return text;
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the CA file ${file}: ${errorMessage(err)}`);
  }
}

function changesFrom(values: SetValues): SyncConfigureInput {
  if (values.devices !== undefined && values.all) throw new UsageError('--devices and --all cannot be used together');
  const raw: Record<string, unknown> = {};
  if (values.url !== undefined) raw.url = values.url;
  if (values.site !== undefined) raw.siteId = values.site;
  if (values.username !== undefined) raw.username = values.username;
  if (values.ca !== undefined) raw.caPem = readCa(values.ca);
  if (values.devices !== undefined) raw.devices = values.devices.split(',').map((d) => d.trim()).filter(Boolean);
  if (values.all) raw.devices = null;
  const flags = {
    enabled: exclusive(values, 'enable', 'disable'),
    allowRemoteCommands: exclusive(values, 'allow-remote-commands', 'deny-remote-commands'),
    forwardSynced: exclusive(values, 'forward-synced', 'no-forward-synced'),
  };
  const history = exclusive(values, 'include-history', 'from-now');
  if (history !== undefined) raw.history = history ? 'include' : 'from-now';
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) raw[k] = v;
  if (values['password-stdin']) raw.password = readPassword();
  const parsed = syncConfigureInputSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

const at = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString());

function coverage(c: SyncStatus['coverage']): string {
  if (c.since === null) return 'unknown';
  return `since ${at(c.since)}; readings stored while it was off ${c.history === 'included' ? 'were queued too' : 'are not sent'}`;
}

function describe(s: SyncStatus): string {
  const dead = s.deadLetters.recent.map((d) => `                 ${at(d.at)} ${d.id} ${d.org ?? '?'}/${d.device ?? '?'}/${d.variable ?? '?'} (${d.source}): ${d.reason}`);
  return [
    `Sync: ${s.state}${s.url ? ` to ${s.url} as site "${s.siteId}"` : ''}${s.mqttVersion ? ` (MQTT ${s.mqttVersion})` : ''}`,
    `  backlog        ${s.backlog} reading(s)${s.oldestUnsentAt ? `, oldest received ${at(s.oldestUnsentAt)}` : ''}`,
    `  last success   ${at(s.lastSuccessAt)} (${s.sentTotal} sent)`,
    `  remote commands ${s.allowRemoteCommands ? 'allowed' : 'denied'}`,
    ...(s.enabled ? [`  covers         ${coverage(s.coverage)}`] : []),
    `  dead letters   ${s.deadLetters.count === 0 ? 'none' : `${s.deadLetters.count} reading(s) that will not be sent${s.deadLetters.count > dead.length ? `; the newest ${dead.length}:` : ':'}`}`,
    ...dead,
    `  last error     ${s.lastError ? `${at(s.lastError.at)} [${s.lastError.code}] ${s.lastError.message}\n                 what to do: ${s.lastError.hint}` : 'none'}`,
  ].join('\n');
}

export async function syncCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, setOptions, true);
  const out = createOutput(values.json);
  const [action] = positionals;
  if (values.help || !action) {
    out.line(syncHelp);
    return values.help ? 0 : 2;
  }
  if (action !== 'set' && action !== 'status') throw new UsageError(`unknown action "${action}"`);
  const changes = action === 'set' ? changesFrom(values) : undefined;
  return withLocalApi(values, out, async (api) => {
    if (!changes) {
      const status = await api.call('sync.status', {});
      out.event('sync-status', { ...status }, describe(status));
      return 0;
    }
    const { caPem: _ca, switchedOn, ...summary } = await api.call('sync.configure', changes);
    const history = !switchedOn
      ? ''
      : summary.coverage.history === 'included'
        ? `\nSync is on; ${summary.historyQueued} reading(s) stored while it was off are queued too.`
        : '\nSync is on from now: readings stored before are not sent (--include-history, given with the change that switches sync on, sends them).';
    out.event(
      'sync-configured',
      { settings: summary, switchedOn },
      `Sync settings saved (${summary.enabled ? 'enabled' : 'disabled'}): ${summary.url} as site "${summary.siteId}". A running hub applies them now.${history}`,
    );
    return 0;
  });
}
