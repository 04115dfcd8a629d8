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
         changes the upstream sync settings; a serving hub picks them up at once.
         The password is read from standard input and kept in the OS keychain
         (or sealed under the master key with --key-file), never in the database.
  status connected/offline, backlog, oldest unsent reading, last success, last error.`;

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
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) raw[k] = v;
  if (values['password-stdin']) raw.password = readPassword();
  const parsed = syncConfigureInputSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

function describe(s: SyncStatus): string {
  const at = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString());
  return [
    `Sync: ${s.state}${s.url ? ` to ${s.url} as site "${s.siteId}"` : ''}${s.mqttVersion ? ` (MQTT ${s.mqttVersion})` : ''}`,
    `  backlog        ${s.backlog} reading(s)${s.oldestUnsentAt ? `, oldest received ${at(s.oldestUnsentAt)}` : ''}`,
    `  last success   ${at(s.lastSuccessAt)} (${s.sentTotal} sent)`,
    `  remote commands ${s.allowRemoteCommands ? 'allowed' : 'denied'}`,
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
    const { caPem: _ca, ...summary } = await api.call('sync.configure', changes);
    out.event('sync-configured', { settings: summary }, `Sync settings saved (${summary.enabled ? 'enabled' : 'disabled'}): ${summary.url} as site "${summary.siteId}". A running hub applies them now.`);
    return 0;
  });
}
