import { useState, type FormEvent } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import { CheckList } from '../components/CheckList';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorNote } from '../components/ErrorNote';
import { Loading } from '../components/Loading';
import { api } from '../lib/api';
import { TableHead } from '../components/TableHead';
import { FormActions } from '../components/Form';
import { useAction, useApiQuery } from '../lib/query';

type Group = ApiOutput<'groups.list'>[number];
interface Choices {
  devices: { value: number; label: string }[];
  users: { value: number; label: string }[];
}

export function GroupsView() {
  const groups = useApiQuery('groups.list', {});
  const devices = useApiQuery('devices.list', {});
  const users = useApiQuery('users.list', {});
  const [editing, setEditing] = useState<Group | 'new' | null>(null);
  const choices: Choices = {
    devices: devices.state === 'ready' ? devices.value.map((d) => ({ value: d.id, label: d.name })) : [],
    users: users.state === 'ready' ? users.value.filter((u) => u.role === 'reader' || u.role === 'writer').map((u) => ({ value: u.id, label: u.email })) : [],
  };
  const nameOf = (list: { value: number; label: string }[], id: number) => list.find((c) => c.value === id)?.label ?? `#${id}`;
  const done = () => {
    setEditing(null);
    groups.reload();
  };
  return (
    <section aria-labelledby="groups-title">
      <div className="page-head">
        <h1 id="groups-title">Groups</h1>
        {editing === null && (
          <button type="button" className="primary push-right" onClick={() => setEditing('new')}>
            New group
          </button>
        )}
      </div>
      <p className="muted">Readers and writers see only the devices of their groups; owners and admins see every device.</p>
      {editing !== null && <GroupForm group={editing === 'new' ? null : editing} choices={choices} onDone={done} />}
      <Loading data={groups} what="the groups">
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No groups yet.</p>
          ) : (
            <table className="grid">
              <TableHead columns={['Group', 'Devices', 'Members']} actions />
              <tbody>
                {list.map((g) => (
                  <tr key={g.id}>
                    <td>{g.name}</td>
                    <td>{g.deviceIds.map((id) => nameOf(choices.devices, id)).join(', ') || <span className="muted">none</span>}</td>
                    <td>{g.memberIds.map((id) => nameOf(choices.users, id)).join(', ') || <span className="muted">none</span>}</td>
                    <td className="row-actions">
                      <button type="button" onClick={() => setEditing(g)}>
                        Edit
                      </button>
                      <RemoveGroup group={g} onRemoved={groups.reload} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loading>
    </section>
  );
}

function RemoveGroup({ group, onRemoved }: { group: Group; onRemoved: () => void }) {
  const action = useAction();
  return (
    <>
      <ConfirmButton label="Delete" question={`Delete group ${group.name}?`} disabled={action.busy} onConfirm={() => void action.run(() => api.call('groups.remove', { id: group.id })).then(onRemoved)} />
      <ErrorNote error={action.error} />
    </>
  );
}

function GroupForm({ group, choices, onDone }: { group: Group | null; choices: Choices; onDone: () => void }) {
  const [name, setName] = useState(group?.name ?? '');
  const [deviceIds, setDeviceIds] = useState<number[]>(group?.deviceIds ?? []);
  const [memberIds, setMemberIds] = useState<number[]>(group?.memberIds ?? []);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      if (group) await api.call('groups.update', { id: group.id, deviceIds, memberIds });
      else await api.call('groups.create', { name: name.trim(), deviceIds, memberIds });
      onDone();
    });
  };
  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="group-form-title">
      <h2 id="group-form-title">{group ? `Edit ${group.name}` : 'New group'}</h2>
      {!group && (
        <label>
          Name
          <input required value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoFocus />
        </label>
      )}
      <CheckList legend="Devices" options={choices.devices} chosen={deviceIds} onChange={setDeviceIds} />
      <CheckList legend="Members (readers and writers)" options={choices.users} chosen={memberIds} onChange={setMemberIds} />
      <FormActions submit="Save" busy={action.busy} error={action.error} onCancel={onDone} />
    </form>
  );
}
