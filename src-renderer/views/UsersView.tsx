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
import { Field, FormActions } from '../components/Form';

type User = ApiOutput<'users.list'>[number];

export function UsersView() {
  const users = useApiQuery('users.list', {});
  const session = useSession();
  const ownRole = session.me.role ?? 'reader';
  // The hub refuses roles above the caller's own; the form does not offer them.
  const assignable = roles.filter((r) => roleRank(r) <= roleRank(ownRole));
  return (
    <section aria-labelledby="users-title">
      <div className="page-head">
        <h1 id="users-title">Users</h1>
      </div>
      <AddUser roles={assignable} onAdded={users.reload} />
      <Loading data={users} what="the users">
        {(list) => (
          <table className="grid" data-testid="users-table">
            <TableHead columns={['Email', 'Name', 'Role', 'Two-factor', 'Status', 'Added']} actions />
            <tbody>
              {list.map((u) => (
                <UserRow key={u.id} user={u} roles={assignable} self={session.me.subject === `user:${u.id}`} onChanged={users.reload} />
              ))}
            </tbody>
          </table>
        )}
      </Loading>
    </section>
  );
}

function UserRow({ user, roles: assignable, self, onChanged }: { user: User; roles: Role[]; self: boolean; onChanged: () => void }) {
  const action = useAction();
  const update = (patch: { role?: Role; disabled?: boolean }) => void action.run(() => api.call('users.update', { id: user.id, ...patch })).then(onChanged);
  const canTouch = assignable.includes(user.role) && !self;
  return (
    <tr data-user={user.email}>
      <td>
        {user.email}
        {self && <span className="muted"> (you)</span>}
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
            <button type="button" disabled={action.busy} onClick={() => update({ disabled: !user.disabled })}>
              {user.disabled ? 'Enable' : 'Disable'}
            </button>
            <ConfirmButton label="Remove" question={`Remove ${user.email}?`} disabled={action.busy} onConfirm={() => void action.run(() => api.call('users.remove', { id: user.id })).then(onChanged)} />
          </>
        )}
        <ErrorNote error={action.error} />
      </td>
    </tr>
  );
}

function AddUser({ roles: assignable, onAdded }: { roles: Role[]; onAdded: () => void }) {
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('reader');
  const [password, setPassword] = useState('');
  const action = useAction();
  if (!open) {
    return (
      <p>
        <button type="button" className="primary" onClick={() => setOpen(true)}>
          Add user
        </button>
      </p>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api.call('users.create', { email: email.trim(), role, password, ...(name.trim() ? { name: name.trim() } : {}) });
      setOpen(false);
      setEmail('');
      setName('');
      setPassword('');
      onAdded();
    });
  };
  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="add-user-title">
      <h2 id="add-user-title">Add a user</h2>
      <label>
        Email
        <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
      </label>
      <Field label="Name" note="optional">
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
      </Field>
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
      <label>
        Initial password
        <input type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <FormActions submit="Add user" busy={action.busy} error={action.error} onCancel={() => setOpen(false)} />
    </form>
  );
}
