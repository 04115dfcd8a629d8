import { writeFileSync } from 'node:fs';
import { ServiceError, errorCode, errorMessage } from '../../errors';
import { roles, type Role } from '../../../src-shared/permissions';
import { existsSync } from 'node:fs';
import { apiOptions, dataDirOf, parseCommand } from '../args';
import { withLocalApi, type LocalApi } from '../local-api';
import { UsageError } from '../output';
import { readStdin } from '../stdin';

export const userHelp = `outpost user add|invite|list|disable|enable|reset-totp|hub-admin|export|erase ...
  Manages people who sign in to the console.

  outpost user add EMAIL --role owner|admin|writer|reader [--name N] [--org O] [--password-stdin] [--init]
      adds a person directly (the first owner too: this works on an empty data directory;
      --init also creates one that does not exist yet). The console's setup address is the other way.
  outpost user invite EMAIL --role R [--org O]   prints a one-time invitation code (auth.acceptInvite)
  outpost user list [--org O]
  outpost user export EMAIL [--out FILE] [--org O]  everything Outpost holds about them, as JSON (audited)
  outpost user erase EMAIL --yes [--org O]       erases the person and their personal data for good,
      audit rows included (the chain still verifies); take the export first if they asked for it
  outpost user disable EMAIL [--org O]           ends all their sessions at once
  outpost user enable EMAIL [--org O]
  outpost user reset-totp EMAIL [--org O]        removes a lost second factor; ends their sessions
  outpost user hub-admin EMAIL on|off            grants or takes away hub:admin (hub-wide settings)
  Common: --data-dir DIR, --key-file FILE, --json`;

const options = { ...apiOptions, role: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false }, out: { type: 'string' }, init: { type: 'boolean', default: false }, yes: { type: 'boolean', default: false } } as const;

async function memberId(api: LocalApi, email: string): Promise<number> {
  const user = (await api.call('users.list', {})).find((u) => u.email.toLowerCase() === email.toLowerCase());
  if (!user) throw new UsageError(`${email} is not a member of this organisation (outpost user list).`);
  return user.id;
}

function roleOf(value: string | undefined): Role {
  if (!value || !(roles as readonly string[]).includes(value)) throw new UsageError(`--role must be one of ${roles.join(', ')}.`);
  return value as Role;
}

export async function userCommand(argv: string[]): Promise<number> {
  const { values, positionals, out, exit } = parseCommand(argv, options, userHelp);
  if (exit !== undefined) return exit;
  // A subcommand is there: parseCommand answered the help otherwise.
  const [sub, email, arg] = positionals as [string, ...(string | undefined)[]];
  if (!['add', 'invite', 'list', 'disable', 'enable', 'reset-totp', 'hub-admin', 'export', 'erase'].includes(sub)) throw new UsageError(`Unknown subcommand "${sub}".`);
  if (sub !== 'list' && !email) throw new UsageError('The email is missing.');
  if (sub === 'erase' && !values.yes) throw new UsageError(`Erasing ${email} cannot be undone: add --yes to confirm.`);
  const role = sub === 'add' || sub === 'invite' ? roleOf(values.role) : undefined;
  const password = sub === 'add' && values['password-stdin'] ? await readStdin() : undefined;
  // Only `user add` may start a fresh data directory (it bootstraps the first owner): one that exists, or any with --init.
  const create = sub === 'add' && (values.init || existsSync(dataDirOf(values)));
  return withLocalApi(
    values,
    out,
    async (api) => {
      if (sub === 'add') {
        const user = await api.call('users.create', { email: email!, role: role!, ...(values.name ? { name: values.name } : {}), ...(password !== undefined ? { password } : {}) });
        out.event('user', { user }, `Added ${user.email} as ${user.role}${password === undefined ? ' (no password yet: set one with --password-stdin)' : ''}${user.hubAdmin ? '; they own the hub (hub:admin)' : ''}.`);
        return 0;
      }
      if (sub === 'invite') {
        const { invitation, code } = await api.call('users.invite', { email: email!, role: role! });
        out.event('invitation', { invitation, code }, `Invited ${invitation.email} as ${invitation.role} until ${new Date(invitation.expiresAt).toISOString()}.\nGive them this code (shown once); they accept it on the console's sign-in page:\n${code}`);
        return 0;
      }
      if (sub === 'export') {
        const data = await api.call('users.exportData', { id: await memberId(api, email!) });
        const text = `${JSON.stringify(data, null, 2)}\n`;
        if (values.out === undefined) process.stdout.write(text);
        else {
          try {
            writeFileSync(values.out, text, { mode: 0o600, flag: 'wx' });
          } catch (err) {
            throw new ServiceError('CANNOT_WRITE', `Cannot write ${values.out} (${errorCode(err) === 'EEXIST' ? 'it exists already; an export never replaces a file' : errorMessage(err)}).`);
          }
          out.event('exported', { file: values.out }, `Personal data of ${email} written to ${values.out} (mode 0600).`);
        }
        return 0;
      }
      if (sub === 'erase') {
        const erased = await api.call('users.erase', { id: await memberId(api, email!) });
        const wal = erased.checkpointed ? '' : ' The write-ahead log was busy and still holds old pages until the next checkpoint.';
        out.event('erased', erased, `Erased ${email}: account, memberships, sessions, addresses and the personal fields of ${erased.auditRows} audit row(s).${wal}`);
        return 0;
      }
      if (sub === 'list') {
        const users = await api.call('users.list', {});
        if (out.json) out.event('users', { users }, '');
        else for (const u of users) out.line(`${String(u.id).padStart(4)}  ${u.role.padEnd(6)}  ${u.disabled ? 'disabled' : 'active  '}  ${u.email}  ${u.name}${u.hubAdmin ? '  (hub admin)' : ''}`);
        return 0;
      }
      const id = await memberId(api, email!);
      if (sub === 'disable' || sub === 'enable') {
        const user = await api.call('users.update', { id, disabled: sub === 'disable' });
        out.event('user', { user }, `${user.email} is ${user.disabled ? 'disabled; every session of theirs has ended' : 'enabled'}.`);
      } else if (sub === 'reset-totp') {
        const user = await api.call('users.resetTotp', { id });
        out.event('user', { user }, `${user.email} has no second factor any more and must sign in again; they can enrol a new one in the console.`);
      } else {
        if (arg !== 'on' && arg !== 'off') throw new UsageError('Use: outpost user hub-admin EMAIL on|off');
        const user = await api.call('users.setHubAdmin', { id, hubAdmin: arg === 'on' });
        out.event('user', { user }, `${user.email} ${user.hubAdmin ? 'now holds' : 'no longer holds'} hub:admin.`);
      }
      return 0;
    },
    create,
  );
}
