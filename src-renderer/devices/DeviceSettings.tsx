import { useState, type FormEvent } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import { ConfirmButton } from '../components/ConfirmButton';
import { SaveOutcome } from '../components/SaveOutcome';
import { api } from '../lib/api';
import { useAction } from '../lib/query';
import { navigate } from '../lib/route';

type Device = ApiOutput<'devices.get'>;

/** Rename, set the type, delete (with confirmation). The label stays: it is what the device sends. */
export function DeviceSettings({ device }: { device: Device }) {
  const [name, setName] = useState(device.name);
  const [type, setType] = useState(device.type ?? '');
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const save = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    void action.run(async () => {
      await api.call('devices.update', { deviceId: device.id, name: name.trim(), type: type.trim() || null });
      setSaved(true);
    });
  };
  return (
    <form className="card" onSubmit={save} aria-labelledby="device-settings-title" data-testid="device-settings">
      <h2 id="device-settings-title">Device settings</h2>
      <label>
        Name
        <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Type <span className="muted">(optional: sensor, gateway, boiler…)</span>
        <input maxLength={64} value={type} onChange={(e) => setType(e.target.value)} />
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={action.busy}>
          Save
        </button>
        <ConfirmButton
          label="Delete device"
          question={`Delete “${device.label}” with all its readings and tokens? This cannot be undone.`}
          disabled={action.busy}
          onConfirm={() =>
            void action.run(async () => {
              await api.call('devices.remove', { deviceId: device.id });
              navigate('devices');
            })
          }
        />
      </div>
      <SaveOutcome saved={saved} error={action.error} />
    </form>
  );
}
