import { scopes, type Scope } from '../../../src-shared/permissions';
import { apiOptions, listOption, parseCommand } from '../args';
import { deviceIdsByLabel, withLocalApi } from '../local-api';
import { UsageError } from '../output';

export const appHelp = `outpost app add|list|revoke ...
  API clients with scoped tokens.

  outpost app add NAME --scopes S1,S2 [--devices L1,L2] [--allow-ip CIDR,...] [--allow-origin URL,...]
                  [--server-only] [--expires ISO-TIME] [--org O]
                  [--mqtt-subscribe PATTERN]... [--mqtt-publish PATTERN]...
      prints the token once; only its hash is kept. Scopes: ${scopes.join(', ')}
      --mqtt-subscribe/--mqtt-publish (repeatable) make it an MQTT integration: topic
      patterns with + and #, %c = client id, %u = app name (docs/INTEGRATIONS.md), e.g.
      --mqtt-subscribe 'outpost/v1/1/devices/#' --mqtt-publish 'outpost/v1/1/devices/+/+/set'
  outpost app list [--org O]
  outpost app revoke NAME [--org O]       the token stops working at once
  Common: --data-dir DIR, --key-file FILE, --json`;

const options = {
  ...apiOptions,
  scopes: { type: 'string' },
  devices: { type: 'string' },
  'allow-ip': { type: 'string' },
  'allow-origin': { type: 'string' },
  'server-only': { type: 'boolean', default: false },
  expires: { type: 'string' },
  'mqtt-subscribe': { type: 'string', multiple: true },
  'mqtt-publish': { type: 'string', multiple: true },
} as const;

export async function appCommand(argv: string[]): Promise<number> {
  const { values, positionals, out, exit } = parseCommand(argv, options, appHelp);
  if (exit !== undefined) return exit;
  // A subcommand is there: parseCommand answered the help otherwise.
  const [sub, name] = positionals as [string, ...(string | undefined)[]];
  if (!['add', 'list', 'revoke'].includes(sub)) throw new UsageError(`Unknown subcommand "${sub}".`);
  if (sub !== 'list' && !name) throw new UsageError('The app name is missing.');
  const expiresAt = values.expires === undefined ? null : Date.parse(values.expires);
  if (expiresAt !== null && Number.isNaN(expiresAt)) throw new UsageError('--expires must be a date and time, like 2027-01-31T00:00:00Z.');
  const wanted = listOption(values.scopes);
  const unknown = wanted.filter((s) => !(scopes as readonly string[]).includes(s));
  if (sub === 'add' && (wanted.length === 0 || unknown.length)) throw new UsageError(`--scopes needs one or more of: ${scopes.join(', ')}${unknown.length ? ` (not: ${unknown.join(', ')})` : ''}.`);
  return withLocalApi(values, out, async (api) => {
    if (sub === 'add') {
      const deviceIds = values.devices === undefined ? null : await deviceIdsByLabel(api, listOption(values.devices));
      const { app, token } = await api.call('apps.create', {
        name: name!,
        scopes: wanted as Scope[],
        deviceIds,
        allowIps: listOption(values['allow-ip']),
        allowOrigins: listOption(values['allow-origin']),
        serverOnly: values['server-only'],
        expiresAt,
        mqttSubscribe: values['mqtt-subscribe'] ?? [],
        mqttPublish: values['mqtt-publish'] ?? [],
      });
      out.event('app', { app, token }, `Created app ${app.name}. Its token (shown only now; store it safely):\n${token}`);
      return 0;
    }
    if (sub === 'list') {
      const apps = await api.call('apps.list', {});
      if (out.json) out.event('apps', { apps }, '');
      else for (const a of apps) out.line(`${a.name}  ${a.hint}  ${a.revoked ? 'revoked' : 'active'}  ${a.scopes.join(',')}${mqttSummary(a)}`);
      return 0;
    }
    const app = await api.call('apps.revoke', { name: name! });
    out.event('app', { app }, `Revoked app ${app.name}; its token no longer works.`);
    return 0;
  });
}

function mqttSummary(a: { mqttSubscribe: string[]; mqttPublish: string[] }): string {
  const parts = [...a.mqttSubscribe.map((p) => `sub ${p}`), ...a.mqttPublish.map((p) => `pub ${p}`)];
  return parts.length ? `  mqtt: ${parts.join('; ')}` : '';
}
