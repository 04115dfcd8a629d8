import { useState, type FormEvent } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import { roleRank, roles, type Role } from '../../src-shared/permissions';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorNote } from '../components/ErrorNote';
import { Loading } from '../components/Loading';
import { api } from '../lib/api';
import { dateTime } from '../lib/format';
import { useSession } from '../lib/session';
import { useAction, useApiQuery } from '../lib/query';
import { TableHead } from '../components/TableHead';
import { FormActions } from '../components/Form';
import { SecretOnce } from '../components/SecretOnce';

type User = ApiOutput<'users.list'>[number];

export function UsersView() {
  const users = useApiQuery('users.list', {});
  const invitations = useApiQuery('invitations.list', {});
  const session = useSession();
  const ownRole = session.me.role ?? 'reader';
  // The hub refuses roles above the caller's own; the form does not offer them.
  const assignable = roles.filter((r) => roleRank(r) <= roleRank(ownRole));
  return (
    <section aria-labelledby="users-title">
      <div className="page-head">
        <h1 id="users-title">Users</h1>
      </div>
      <InviteUser roles={assignable} onInvited={invitations.reload} />
      <Invitations invitations={invitations} />
      <Loading data={users} what="the users">
        {(list) => (
          <table className="grid" data-testid="users-table">
            <TableHead columns={['Email', 'Name', 'Role', 'Two-factor', 'Status', 'Added']} actions />
            <tbody>
              {list.map((u) => (
                <UserRow key={u.id} user={u} roles={assignable} self={session.me.subject === `user:${u.id}`} owner={ownRole === 'owner'} onChanged={users.reload} />
              ))}
            </tbody>
          </table>
        )}
      </Loading>
    </section>
  );
}

function UserRow({ user, roles: assignable, self, owner, onChanged }: { user: User; roles: Role[]; self: boolean; owner: boolean; onChanged: () => void }) {
  const action = useAction();
  const update = (patch: { role?: Role; disabled?: boolean }) => void action.run(() => api.call('users.update', { id: user.id, ...patch })).then(onChanged);
  const canTouch = assignable.includes(user.role) && !self;
  return (
    <tr data-user={user.email}>
      <td>
        {user.email}
        {self && <span className="muted"> (you)</span>}
        {!user.home && <span className="muted" title="Their account belongs to another organisation: it manages their password and status."> (member from elsewhere)</span>}
      </td>
      <td>{user.name}</td>
      <td>
        {canTouch ? (
          <select aria-label={`Role of ${user.email}`} value={user.role} disabled={action.busy} onChange={(e) => update({ role: e.target.value as Role })}>
            {assignable.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        ) : (
          user.role
        )}
      </td>
      <td>{user.totp ? 'On' : 'Off'}</td>
      <td>{user.disabled ? <span className="badge offline">Disabled</span> : <span className="badge online">Active</span>}</td>
      <td>{dateTime(user.createdAt)}</td>
      <td className="row-actions">
        {canTouch && (
          <>
            {user.home && (
              <button type="button" disabled={action.busy} onClick={() => update({ disabled: !user.disabled })}>
                {user.disabled ? 'Enable' : 'Disable'}
              </button>
            )}
            {user.home && owner && user.totp && (
              <ConfirmButton
                label="Reset two-factor"
                question={`Remove ${user.email}'s second factor? They sign in with their password and can set up a new one.`}
                disabled={action.busy}
                onConfirm={() => void action.run(() => api.call('users.resetTotp', { id: user.id })).then(onChanged)}
              />
            )}
            <ConfirmButton label="Remove" question={`Remove ${user.email}?`} disabled={action.busy} onConfirm={() => void action.run(() => api.call('users.remove', { id: user.id })).then(onChanged)} />
            {user.home && owner && (
              <ConfirmButton
                label="Erase personal data"
                question={`Erase ${user.email} for good? Their account, sessions and the addresses and labels in audit rows about them are deleted; this cannot be undone. Download their data first if they asked for it.`}
                disabled={action.busy}
                onConfirm={() => void action.run(() => api.call('users.erase', { id: user.id })).then(onChanged)}
              />
            )}
          </>
        )}
        <ErrorNote error={action.error} />
      </td>
    </tr>
  );
}

type InvitationsData = ReturnType<typeof useApiQuery<'invitations.list'>>;

function Invitations({ invitations }: { invitations: InvitationsData }) {
  const action = useAction();
  if (invitations.state !== 'ready' || invitations.value.length === 0) return null;
  return (
    <div className="card">
      <h2>Open invitations</h2>
      <table className="grid" data-testid="invitations-table">
        <TableHead columns={['Email', 'Role', 'Code', 'Expires']} actions />
        <tbody>
          {invitations.value.map((i) => (
            <tr key={i.id}>
              <td>{i.email}</td>
              <td>{i.role}</td>
              <td className="mono">{i.hint}</td>
              <td>{i.expired ? <span className="badge offline">Expired</span> : dateTime(i.expiresAt)}</td>
              <td className="row-actions">
                <ConfirmButton label="Withdraw" question={`Withdraw the invitation for ${i.email}?`} disabled={action.busy} onConfirm={() => void action.run(() => api.call('invitations.revoke', { id: i.id })).then(invitations.reload)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorNote error={action.error} />
    </div>
  );
}

/**
 * Adding someone is an invitation: the answer is the same whether or not they
 * already have an account on this hub, and they accept it themselves.
 */
function InviteUser({ roles: assignable, onInvited }: { roles: Role[]; onInvited: () => void }) {
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('reader');
  const [code, setCode] = useState<{ email: string; code: string } | null>(null);
  const action = useAction();
  if (code) {
    return (
      <div className="card">
        <SecretOnce label={`Invitation code for ${code.email}`} secret={code.code} what="invitation code" onDone={() => setCode(null)} />
        <p className="muted small">Give it to them in person or over a channel you trust. They choose “I have an invitation code” on the sign-in page. It works once, for a week.</p>
      </div>
    );
  }
  if (!open) {
    return (
      <p>
        <button type="button" className="primary" onClick={() => setOpen(true)}>
          Invite a user
        </button>
      </p>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const answer = await api.call('users.invite', { email: email.trim(), role });
      setOpen(false);
      setEmail('');
      setCode({ email: answer.invitation.email, code: answer.code });
      onInvited();
    });
  };
  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="invite-user-title">
      <h2 id="invite-user-title">Invite a user</h2>
      <label>
        Email
        <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
      </label>
      <label>
        Role
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {assignable.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <FormActions submit="Create invitation" busy={action.busy} error={action.error} onCancel={() => setOpen(false)} />
    </form>
  );
}
