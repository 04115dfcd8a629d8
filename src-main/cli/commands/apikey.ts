import { createApiKey, listApiKeys, revokeApiKeyByName } from '../../access/api-keys';
import { cliActor, positional, runAaaCommand } from '../aaa-command';
import { UsageError } from '../output';

export const apikeyHelp = `outpost apikey add|list|revoke ...
  Ubidots-style API keys, traded for 6-hour access tokens at POST /api/v1.6/auth/token.

  outpost apikey add NAME [--org O]      prints the key once; only its hash is kept
  outpost apikey list [--org O]
  outpost apikey revoke NAME [--org O]   the key and every token minted from it stop working
  Common: --data-dir DIR, --key-file FILE, --json`;

export function apikeyCommand(argv: string[]): Promise<number> {
  return runAaaCommand(argv, {}, apikeyHelp, (run) => {
    const { ctx, out, orgId } = run;
    const sub = positional(run, 0, 'The subcommand (add, list, revoke)');
    if (sub === 'add') {
      const { apiKey, key } = createApiKey(ctx, cliActor, orgId, positional(run, 1, 'The key name'));
      out.event('apikey', { apiKey, key }, `Created API key ${apiKey.name}. The key (shown only now; store it safely):\n${key}`);
      return 0;
    }
    if (sub === 'list') {
      const keys = listApiKeys(ctx, orgId);
      if (out.json) out.event('apikeys', { apiKeys: keys }, '');
      else for (const k of keys) out.line(`${k.name}  ${k.hint}  ${k.revoked ? 'revoked' : 'active'}`);
      return 0;
    }
    if (sub === 'revoke') {
      const apiKey = revokeApiKeyByName(ctx, cliActor, orgId, positional(run, 1, 'The key name'));
      out.event('apikey', { apiKey }, `Revoked API key ${apiKey.name}.`);
      return 0;
    }
    throw new UsageError(`Unknown subcommand "${sub}".`);
  });
}
