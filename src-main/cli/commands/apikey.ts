import { scopes, type Scope } from '../../../src-shared/permissions';
import { apiOptions, listOption, parseCommand } from '../args';
import { deviceIdsByLabel, withLocalApi } from '../local-api';
import { UsageError } from '../output';

export const apikeyHelp = `outpost apikey add|list|revoke ...
  Ubidots-style API keys, traded for 6-hour access tokens at POST /api/v1.6/auth/token.

  outpost apikey add NAME [--scopes S1,S2] [--devices L1,L2] [--org O]
      prints the key once; only its hash is kept. Default scopes: devices:read, readings:read, readings:write, commands:send
  outpost apikey list [--org O]
  outpost apikey revoke NAME [--org O]   the key and every token minted from it stop working
  Common: --data-dir DIR, --key-file FILE, --json`;

export async function apikeyCommand(argv: string[]): Promise<number> {
  const { values, positionals, out, exit } = parseCommand(argv, { ...apiOptions, scopes: { type: 'string' }, devices: { type: 'string' } }, apikeyHelp);
  if (exit !== undefined) return exit;
  // A subcommand is there: parseCommand answered the help otherwise.
  const [sub, name] = positionals as [string, ...(string | undefined)[]];
  if (!['add', 'list', 'revoke'].includes(sub)) throw new UsageError(`Unknown subcommand "${sub}".`);
  if (sub !== 'list' && !name) throw new UsageError('The key name is missing.');
  const wanted = listOption(values.scopes);
  const unknown = wanted.filter((s) => !(scopes as readonly string[]).includes(s));
  if (unknown.length) throw new UsageError(`Unknown scope ${unknown.join(', ')}; scopes are: ${scopes.join(', ')}.`);
  return withLocalApi(values, out, async (api) => {
    if (sub === 'add') {
      const deviceIds = values.devices === undefined ? null : await deviceIdsByLabel(api, listOption(values.devices));
      const { apiKey, key } = await api.call('apiKeys.create', { name: name!, ...(wanted.length ? { scopes: wanted as Scope[] } : {}), deviceIds });
      out.event('apikey', { apiKey, key }, `Created API key ${apiKey.name}. The key (shown only now; store it safely):\n${key}`);
      return 0;
    }
    if (sub === 'list') {
      const keys = await api.call('apiKeys.list', {});
      if (out.json) out.event('apikeys', { apiKeys: keys }, '');
      else for (const k of keys) out.line(`${k.name}  ${k.hint}  ${k.revoked ? 'revoked' : 'active'}  ${k.scopes.join(',')}`);
      return 0;
    }
    const apiKey = await api.call('apiKeys.revoke', { name: name! });
    out.event('apikey', { apiKey }, `Revoked API key ${apiKey.name}.`);
    return 0;
  });
}
