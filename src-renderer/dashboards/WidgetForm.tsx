import { useState, type FormEvent } from 'react';
import type { Widget } from '../../src-shared/api/areas/dashboards';
import { ErrorNote } from '../components/ErrorNote';
import { useApiQuery } from '../lib/query';

type Kind = Widget['kind'];
type Ref = { deviceId: number; variable: string };

const kinds: { kind: Kind; text: string }[] = [
  { kind: 'line', text: 'Line chart (variables of any devices)' },
  { kind: 'value', text: 'Current value with trend' },
  { kind: 'gauge', text: 'Gauge with thresholds' },
  { kind: 'table', text: 'Table of latest values' },
  { kind: 'status', text: 'Device status list' },
  { kind: 'position', text: 'Position (lat/lng in context)' },
];

const sizes: Record<Kind, { w: number; h: number }> = { line: { w: 6, h: 4 }, value: { w: 3, h: 3 }, gauge: { w: 3, h: 3 }, table: { w: 4, h: 4 }, status: { w: 4, h: 4 }, position: { w: 4, h: 5 } };

/** Picks one device's variable; the variable list comes from the device. */
function VariablePicker({ onPick, label }: { onPick: (ref: Ref) => void; label: string }) {
  const devices = useApiQuery('devices.list', {});
  const [deviceId, setDeviceId] = useState<number | null>(null);
  const device = useApiQuery('devices.get', { deviceId: deviceId ?? 0 }, { enabled: deviceId !== null });
  const list = devices.state === 'ready' ? devices.value : [];
  const variables = deviceId !== null && device.state === 'ready' ? device.value.variables : [];
  return (
    <div className="form-inline picker">
      <label>
        Device
        <select aria-label="Device" value={deviceId ?? ''} onChange={(e) => setDeviceId(e.target.value ? Number(e.target.value) : null)}>
          <option value="">Choose…</option>
          {list.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} ({d.label})
            </option>
          ))}
        </select>
      </label>
      <label>
        Variable
        <select value="" onChange={(e) => e.target.value && deviceId !== null && onPick({ deviceId, variable: e.target.value })} disabled={variables.length === 0} aria-label={label}>
          <option value="">{deviceId === null ? 'Choose a device first' : 'Choose…'}</option>
          {variables.map((v) => (
            <option key={v.id} value={v.label}>
              {v.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** Adds a widget to a dashboard being edited: what it shows, then its title and options. */
export function WidgetForm({ onAdd, onCancel, nextY }: { onAdd: (w: Widget) => void; onCancel: () => void; nextY: number }) {
  const [kind, setKind] = useState<Kind>('line');
  const [title, setTitle] = useState('');
  const [refs, setRefs] = useState<Ref[]>([]);
  const [deviceIds, setDeviceIds] = useState<number[]>([]);
  const [min, setMin] = useState('0');
  const [max, setMax] = useState('100');
  const [thresholds, setThresholds] = useState('');
  const [background, setBackground] = useState<'grid' | 'tiles'>('grid');
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const devices = useApiQuery('devices.list', {});
  const hubTiles = useApiQuery('mapTiles.get', {}, { enabled: kind === 'position' });
  const tileOrigin = hubTiles.state === 'ready' ? hubTiles.value.origin : null;
  const many = kind === 'line' || kind === 'table';
  const pick = (ref: Ref) => setRefs(many ? [...refs.filter((r) => r.deviceId !== ref.deviceId || r.variable !== ref.variable), ref] : [ref]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const id = `w-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e4)}`;
    const base = { id, layout: { x: 0, y: nextY, ...sizes[kind] }, ...(title.trim() ? { title: title.trim() } : {}) };
    const fail = (message: string) => setError({ code: 'INVALID_INPUT', message });
    if (kind === 'status') {
      if (deviceIds.length === 0) return fail('Choose at least one device.');
      return onAdd({ ...base, kind, deviceIds });
    }
    if (refs.length === 0) return fail('Choose a device and a variable.');
    if (kind === 'line') return onAdd({ ...base, kind, series: refs });
    if (kind === 'table') return onAdd({ ...base, kind, items: refs });
    const ref = refs[0]!;
    if (kind === 'value') return onAdd({ ...base, kind, ...ref });
    if (kind === 'position') return onAdd({ ...base, kind, ...ref, background: background === 'tiles' && tileOrigin ? 'tiles' : 'grid' });
    const lo = Number(min);
    const hi = Number(max);
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo >= hi) return fail('The gauge needs a minimum below its maximum.');
    const parsed = thresholds
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)
      .map((t) => {
        const [value, color] = t.split(':').map((x) => x.trim());
        return { value: Number(value), color: color as 'ok' | 'warn' | 'bad' };
      });
    if (parsed.some((t) => !Number.isFinite(t.value) || !['ok', 'warn', 'bad'].includes(t.color))) return fail('Thresholds are written like “60:warn, 80:bad” (colours ok, warn, bad).');
    return onAdd({ ...base, kind: 'gauge', ...ref, min: lo, max: hi, thresholds: parsed });
  };
  return (
    <form className="card form-grid widget-form" onSubmit={submit} aria-labelledby="widget-form-title">
      <h2 id="widget-form-title">Add a widget</h2>
      <label>
        Kind
        <select aria-label="Kind" value={kind} onChange={(e) => (setKind(e.target.value as Kind), setRefs([]))}>
          {kinds.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.text}
            </option>
          ))}
        </select>
      </label>
      <label>
        Title <span className="muted small">optional</span>
        <input value={title} maxLength={100} onChange={(e) => setTitle(e.target.value)} />
      </label>
      {kind === 'status' ? (
        <fieldset className="checklist">
          <legend>Devices</legend>
          {(devices.state === 'ready' ? devices.value : []).map((d) => (
            <label key={d.id} className="check">
              <input type="checkbox" checked={deviceIds.includes(d.id)} onChange={(e) => setDeviceIds(e.target.checked ? [...deviceIds, d.id] : deviceIds.filter((x) => x !== d.id))} />
              {d.name}
            </label>
          ))}
        </fieldset>
      ) : (
        <>
          <VariablePicker onPick={pick} label={many ? 'Add variable' : 'Variable'} />
          {refs.length > 0 && (
            <ul className="chosen">
              {refs.map((r) => (
                <li key={`${r.deviceId}-${r.variable}`}>
                  {(devices.state === 'ready' ? devices.value.find((d) => d.id === r.deviceId)?.label : null) ?? r.deviceId} · {r.variable}
                  {many && (
                    <button type="button" className="small-button" onClick={() => setRefs(refs.filter((x) => x !== r))} aria-label={`Remove ${r.variable}`}>
                      ✕
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {kind === 'gauge' && (
        <div className="form-inline">
          <label>
            Minimum
            <input className="narrow" inputMode="decimal" value={min} onChange={(e) => setMin(e.target.value)} />
          </label>
          <label>
            Maximum
            <input className="narrow" inputMode="decimal" value={max} onChange={(e) => setMax(e.target.value)} />
          </label>
          <label>
            Thresholds
            <input value={thresholds} placeholder="60:warn, 80:bad" onChange={(e) => setThresholds(e.target.value)} />
          </label>
        </div>
      )}
      {kind === 'position' && (
        <fieldset className="checklist" data-testid="position-background">
          <legend>Background</legend>
          <label className="check">
            <input type="radio" name="background" checked={background === 'grid' || !tileOrigin} onChange={() => setBackground('grid')} />
            Coordinate grid <span className="muted small">works offline</span>
          </label>
          <label className={tileOrigin ? 'check' : 'check muted'}>
            <input type="radio" name="background" checked={background === 'tiles' && tileOrigin !== null} disabled={!tileOrigin} onChange={() => setBackground('tiles')} />
            Map tiles of the hub {tileOrigin && <span className="muted small">from {tileOrigin}</span>}
          </label>
          {hubTiles.state === 'ready' && !tileOrigin && (
            <p className="muted small" data-testid="no-tile-server">
              No map tile server is configured for this hub, so positions are drawn on the coordinate grid. An administrator sets the map tile server in Settings.
            </p>
          )}
        </fieldset>
      )}
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" className="primary">
          Add widget
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
