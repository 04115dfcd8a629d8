import { addMemberToGroup, createGroup, groupNamed, listGroups } from '../../access/groups';
import { deviceIdsByLabel } from '../../devices/org-devices';
import { AaaError } from '../../access/errors';
import { findMember } from '../../access/users';
import { cliActor, list, positional, runAaaCommand } from '../aaa-command';
import { UsageError } from '../output';

export const groupHelp = `outpost group add|list|member ...
  Groups give their members sight of a set of devices.

  outpost group add NAME --devices LABEL1,LABEL2 [--org O]
  outpost group member add NAME EMAIL [--org O]
  outpost group list [--org O]
  Common: --data-dir DIR, --key-file FILE, --json`;

const options = { devices: { type: 'string' } } as const;

export function groupCommand(argv: string[]): Promise<number> {
  return runAaaCommand(argv, options, groupHelp, (run, values) => {
    const { ctx, out, orgId } = run;
    const sub = positional(run, 0, 'The subcommand (add, member, list)');
    if (sub === 'add') {
      const labels = list(values.devices);
      const ids = deviceIdsByLabel(ctx.db, orgId, labels);
      const unknown = labels.filter((l) => !ids.has(l));
      if (unknown.length) throw new AaaError('NOT_FOUND', `No device labelled ${unknown.join(', ')} in this organisation.`, 'List devices with `outpost device list`.', 404);
      const group = createGroup(ctx, cliActor, orgId, { name: positional(run, 1, 'The group name'), deviceIds: [...ids.values()], memberIds: [] });
      out.event('group', { group }, `Created group ${group.name} with ${group.deviceIds.length} device(s).`);
      return 0;
    }
    if (sub === 'member') {
      if (run.positionals[1] !== 'add') throw new UsageError('Use: outpost group member add NAME EMAIL');
      const group = groupNamed(ctx, orgId, { name: positional(run, 2, 'The group name') });
      const member = findMember(ctx, orgId, { email: positional(run, 3, 'The email') });
      const updated = addMemberToGroup(ctx, cliActor, orgId, group.id, member.id);
      out.event('group', { group: updated }, `${member.email} is now in ${group.name}.`);
      return 0;
    }
    if (sub === 'list') {
      const groups = listGroups(ctx, orgId);
      if (out.json) out.event('groups', { groups }, '');
      else for (const g of groups) out.line(`${g.name}: ${g.deviceIds.length} device(s), ${g.memberIds.length} member(s)`);
      return 0;
    }
    throw new UsageError(`Unknown subcommand "${sub}".`);
  });
}
