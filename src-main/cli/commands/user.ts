import { roles, type Role } from '../../../src-shared/permissions';
import { addUser, findMember, listUsers, updateMember } from '../../access/users';
import { cliActor, positional, readStdin, runAaaCommand } from '../aaa-command';
import { UsageError } from '../output';

export const userHelp = `outpost user add|list|disable|enable ...
  Manages people who sign in to the console.

  outpost user add EMAIL --role owner|admin|writer|reader [--name N] [--org O] [--password-stdin]
      adds a user (the first owner too: this works on a fresh data directory)
  outpost user list [--org O]
  outpost user disable EMAIL [--org O]    ends all their sessions at once
  outpost user enable EMAIL [--org O]
  Common: --data-dir DIR, --key-file FILE, --json`;

const options = { role: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false } } as const;

export function userCommand(argv: string[]): Promise<number> {
  return runAaaCommand(argv, options, userHelp, async (run, values) => {
    const { ctx, out, orgId } = run;
    const sub = positional(run, 0, 'The subcommand (add, list, disable, enable)');
    if (sub === 'add') {
      const email = positional(run, 1, 'The email');
      const role = values.role as string | undefined;
      if (!role || !(roles as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${roles.join(', ')}.`);
      const password = values['password-stdin'] ? await readStdin() : undefined;
      const user = await addUser(ctx, cliActor, { email, name: values.name as string | undefined, role: role as Role, orgId, password });
      out.event('user', { user }, `Added ${user.email} as ${user.role}${password === undefined ? ' (no password yet: set one with --password-stdin)' : ''}.`);
      return 0;
    }
    if (sub === 'list') {
      const users = listUsers(ctx, orgId);
      // Names and emails are personal data: reading them is audited.
      ctx.audit({ actor: 'cli', action: 'users.list', target: `org:${orgId}`, outcome: 'ok', address: 'cli' });
      if (out.json) out.event('users', { users }, '');
      else for (const u of users) out.line(`${String(u.id).padStart(4)}  ${u.role.padEnd(6)}  ${u.disabled ? 'disabled' : 'active  '}  ${u.email}  ${u.name}`);
      return 0;
    }
    if (sub === 'disable' || sub === 'enable') {
      const member = findMember(ctx, orgId, { email: positional(run, 1, 'The email') });
      const user = await updateMember(ctx, cliActor, orgId, member.id, { disabled: sub === 'disable' });
      out.event('user', { user }, `${user.email} is ${user.disabled ? 'disabled; every session of theirs has ended' : 'enabled'}.`);
      return 0;
    }
    throw new UsageError(`Unknown subcommand "${sub}".`);
  });
}
