import { useState } from 'react';
import { severities } from '../../src-shared/severity';
import type { ApiInput } from '../../src-shared/api/contract';
import { AlarmList } from '../alarms/AlarmList';
import { ChannelList } from '../alarms/ChannelList';
import { DeliveryList } from '../alarms/DeliveryList';
import { useApiQuery } from '../lib/query';

type Filter = ApiInput<'alarms.list'>;

/** Alarms of the devices one may see, filtered by state, severity and device. */
export function AlarmsView() {
  const [filter, setFilter] = useState<Filter>({ state: 'active' });
  const devices = useApiQuery('devices.list', {});
  const set = (patch: Partial<Filter>) => setFilter((f) => Object.fromEntries(Object.entries({ ...f, ...patch }).filter(([, v]) => v !== undefined)) as Filter);
  return (
    <section aria-labelledby="alarms-title">
      <div className="page-head">
        <h1 id="alarms-title">Alarms</h1>
      </div>
      <form className="form-inline" aria-label="Filter alarms" onSubmit={(e) => e.preventDefault()}>
        <label>
          State
          <select value={filter.state ?? ''} onChange={(e) => set({ state: (e.target.value || undefined) as Filter['state'] })}>
            <option value="active">Active</option>
            <option value="cleared">Cleared</option>
            <option value="">All</option>
          </select>
        </label>
        <label>
          Severity
          <select value={filter.severity ?? ''} onChange={(e) => set({ severity: (e.target.value || undefined) as Filter['severity'] })}>
            <option value="">Any</option>
            {[...severities].reverse().map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Device
          <select value={filter.deviceId ?? ''} onChange={(e) => set({ deviceId: e.target.value ? Number(e.target.value) : undefined })}>
            <option value="">Any</option>
            {devices.state === 'ready' &&
              devices.value.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.label}
                </option>
              ))}
          </select>
        </label>
      </form>
      <AlarmList filter={filter} />
      <ChannelList />
      <DeliveryList />
    </section>
  );
}
