import { apiOptions, listOption, parseCommand } from '../args';
import { deviceIdsByLabel, withLocalApi } from '../local-api';
import { UsageError } from '../output';

export const groupHelp = `outpost group add|list|member ...
  Groups give their members sight of a set of devices.

  outpost group add NAME --devices LABEL1,LABEL2 [--org O]
  outpost group member add NAME EMAIL [--org O]
  outpost group list [--org O]
  Common: --data-dir DIR, --key-file FILE, --json`;

export async function groupCommand(argv: string[]): Promise<number> {
  const { values, positionals, out, exit } = parseCommand(argv, { ...apiOptions, devices: { type: 'string' } }, groupHelp);
  if (exit !== undefined) return exit;
  // A subcommand is there: parseCommand answered the help otherwise.
  const [sub, ...rest] = positionals as [string, ...(string | undefined)[]];
  if (sub === 'add' && !rest[0]) throw new UsageError('The group name is missing.');
  if (sub === 'member' && (rest[0] !== 'add' || !rest[1] || !rest[2])) throw new UsageError('Use: outpost group member add NAME EMAIL');
  if (!['add', 'member', 'list'].includes(sub)) throw new UsageError(`Unknown subcommand "${sub}".`);
  return withLocalApi(values, out, async (api) => {
    if (sub === 'add') {
      const deviceIds = await deviceIdsByLabel(api, listOption(values.devices));
      const group = await api.call('groups.create', { name: rest[0]!, deviceIds, memberIds: [] });
      out.event('group', { group }, `Created group ${group.name} with ${group.deviceIds.length} device(s).`);
      return 0;
    }
    if (sub === 'member') {
      const [, name, email] = rest;
      const group = (await api.call('groups.list', {})).find((g) => g.name === name);
      if (!group) throw new UsageError(`There is no group "${name}" (outpost group list).`);
      const member = (await api.call('users.list', {})).find((u) => u.email.toLowerCase() === email!.toLowerCase());
      if (!member) throw new UsageError(`${email} is not a member of this organisation (outpost user list).`);
      const updated = await api.call('groups.update', { id: group.id, memberIds: [...new Set([...group.memberIds, member.id])] });
      out.event('group', { group: updated }, `${member.email} is now in ${group.name}.`);
      return 0;
    }
    const groups = await api.call('groups.list', {});
    if (out.json) out.event('groups', { groups }, '');
    else for (const g of groups) out.line(`${g.name}: ${g.deviceIds.length} device(s), ${g.memberIds.length} member(s)`);
    return 0;
  });
}
