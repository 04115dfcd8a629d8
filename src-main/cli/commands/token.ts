import { apiOptions, listOption, parseCommand } from '../args';
import { withLocalApi } from '../local-api';
import { UsageError } from '../output';

export const tokenHelp = `outpost token add|list|revoke [NAME] [--org O] [--data-dir DIR] [--json]
  Organisation ingest tokens: one token that writes for several devices.
  add NAME [--devices L1,L2] [--create-devices]   prints the token ONCE; without --devices it may write to every device
  list                                              names, hints and allowed devices
  revoke NAME                                       the token stops working at once`;

export async function tokenCommand(argv: string[]): Promise<number> {
  const { values, positionals, out, exit } = parseCommand(argv, { ...apiOptions, devices: { type: 'string' }, 'create-devices': { type: 'boolean', default: false } }, tokenHelp);
  if (exit !== undefined) return exit;
  // A subcommand is there: parseCommand answered the help otherwise.
  const [action, name] = positionals as [string, ...(string | undefined)[]];
  if (!['add', 'list', 'revoke'].includes(action)) throw new UsageError(`unknown action "${action}"`);
  if (action !== 'list' && !name) throw new UsageError(`token ${action} needs a NAME`);
  const deviceLabels = values.devices === undefined ? null : listOption(values.devices);
  if (deviceLabels?.length === 0) throw new UsageError('--devices needs at least one device label (L1,L2)');
  return withLocalApi(values, out, async (api) => {
    if (action === 'add') {
      const { token } = await api.call('ingestTokens.create', { name: name!, deviceLabels, canCreateDevices: values['create-devices'] });
      const scope = deviceLabels ? `devices ${deviceLabels.join(', ')}` : 'every device';
      out.event(
        'token-added',
        { name, token, devices: deviceLabels, createDevices: values['create-devices'] },
        `Ingest token "${name}" for ${scope}${values['create-devices'] ? ' (may create devices)' : ''}.\nToken (shown once, store it now):\n${token}`,
      );
      return 0;
    }
    if (action === 'list') {
      const tokens = await api.call('ingestTokens.list', {});
      if (values.json) out.event('tokens', { tokens }, '');
      else if (tokens.length === 0) out.line('No ingest tokens. Add one with: outpost token add NAME');
      else for (const t of tokens) out.line(`${t.name.padEnd(24)} ${t.hint.padEnd(12)} ${t.revoked ? 'revoked' : 'live   '} ${t.deviceLabels?.join(',') ?? 'all devices'}${t.canCreateDevices ? ' (creates devices)' : ''}`);
      return 0;
    }
    await api.call('ingestTokens.revoke', { name: name! });
    out.event('token-revoked', { name }, `Ingest token "${name}" is revoked; it no longer works.`);
    return 0;
  });
}
