import { ServiceError } from '../../errors';
import { addIngestToken, defaultOrgId, revokeIngestTokenByName } from '../../devices/lifecycle';
import { listIngestTokens } from '../../devices/queries/ingest-tokens';
import { commonOptions, parse } from '../args';
import { withStore } from '../open-store';
import { createOutput, UsageError } from '../output';

export const tokenHelp = `outpost token add|list|revoke [NAME] [--data-dir DIR] [--json]
  Organisation ingest tokens: one token that writes for several devices.
  add NAME [--devices L1,L2] [--create-devices]   prints the token ONCE; without --devices it may write to every device
  list                                              names, hints and allowed devices
  revoke NAME                                       the token stops working at once`;

const namePattern = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;

export async function tokenCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...commonOptions, devices: { type: 'string' }, 'create-devices': { type: 'boolean', default: false } }, true);
  const out = createOutput(values.json);
  const [action, name] = positionals;
  if (values.help || !action) {
    out.line(tokenHelp);
    return values.help ? 0 : 2;
  }
  if (!['add', 'list', 'revoke'].includes(action)) throw new UsageError(`unknown action "${action}"`);
  if (action !== 'list' && !name) throw new UsageError(`token ${action} needs a NAME`);
  if (name !== undefined && !namePattern.test(name)) throw new UsageError(`"${name}" is not a valid token name: use 1-64 letters, digits, spaces, "-", "_" or "."`);
  const deviceLabels = values.devices === undefined ? null : values.devices.split(',').map((s) => s.trim()).filter(Boolean);
  if (deviceLabels?.length === 0) throw new UsageError('--devices needs at least one device label (L1,L2)');
  return withStore(values, out, (store) => {
    if (action === 'add') {
      const exists = listIngestTokens(store.db, defaultOrgId).some((t) => t.name === name && t.revokedAt === null);
      if (exists) throw new ServiceError('TOKEN_EXISTS', `A live ingest token named "${name}" already exists; revoke it first or choose another name.`, 409);
      const { token } = addIngestToken(store.db, { name: name!, deviceLabels, canCreateDevices: values['create-devices'] });
      const scope = deviceLabels ? `devices ${deviceLabels.join(', ')}` : 'every device';
      out.event(
        'token-added',
        { name, token, devices: deviceLabels, createDevices: values['create-devices'] },
        `Ingest token "${name}" for ${scope}${values['create-devices'] ? ' (may create devices)' : ''}.\nToken (shown once, store it now):\n${token}`,
      );
      return 0;
    }
    if (action === 'list') {
      const tokens = listIngestTokens(store.db, defaultOrgId);
      if (values.json) out.event('tokens', { tokens }, '');
      else if (tokens.length === 0) out.line('No ingest tokens. Add one with: outpost token add NAME');
      else for (const t of tokens) out.line(`${t.name.padEnd(24)} ${t.hint.padEnd(12)} ${t.revokedAt ? 'revoked' : 'live   '} ${t.deviceLabels?.join(',') ?? 'all devices'}${t.canCreateDevices ? ' (creates devices)' : ''}`);
      return 0;
    }
    if (!revokeIngestTokenByName(store.db, defaultOrgId, name!)) throw new ServiceError('UNKNOWN_TOKEN', `There is no live ingest token named "${name}".`, 404);
    out.event('token-revoked', { name }, `Ingest token "${name}" is revoked; it no longer works.`);
    return 0;
  });
}
