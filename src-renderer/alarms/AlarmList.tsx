import { useState, type FormEvent } from 'react';
import type { ApiInput } from '../../src-shared/api/contract';
import type { Alarm } from '../../src-shared/api/areas/alarms';
import { ErrorNote } from '../components/ErrorNote';
import { Loading } from '../components/Loading';
import { TableHead } from '../components/TableHead';
import { api } from '../lib/api';
import { dateTime, formatValue } from '../lib/format';
import { useLiveMode } from '../lib/live-cache';
import { useAction, useApiQuery } from '../lib/query';
import { href } from '../lib/route';
import { useSession } from '../lib/session';

const severityClass: Record<Alarm['severity'], string> = { critical: 'offline', major: 'offline', minor: 'stale', warning: 'stale' };

/**
 * Alarms matching a filter, newest first. Writers (alarms:ack) acknowledge
 * with a comment and clear by hand; readers see the same list without the
 * controls (the hub refuses them anyway). Refetched when the live channel
 * says an alarm of a visible device changed; polled while it is down.
 */
export function AlarmList({ filter, showDevice = true }: { filter: ApiInput<'alarms.list'>; showDevice?: boolean }) {
  const live = useLiveMode();
  const alarms = useApiQuery('alarms.list', filter, { refreshMs: live === 'live' ? 30_000 : 5_000, keepPrevious: true });
  const canAct = useSession().can('alarms:ack');
  return (
    <Loading data={alarms} what="alarms">
      {(list) =>
        list.length === 0 ? (
          <p className="muted" data-testid="alarms-empty">
            No alarms match.
          </p>
        ) : (
          <div className="table-scroll">
            <table className="grid small alarm-table" data-testid="alarms-table">
              <TableHead columns={['Severity', 'State', ...(showDevice ? ['Device'] : []), 'Rule', 'Value', 'Peak', 'Started', 'Acknowledged']} numeric={['Value', 'Peak']} actions={canAct} />
              <tbody>
                {list.map((a) => (
                  <tr key={a.id} data-testid={`alarm-${a.id}`} data-state={a.state}>
                    <td data-label="Severity">
                      <span className={`badge ${severityClass[a.severity]}`} title={a.severityHistory.map((h) => `${h.severity} at ${dateTime(h.at)}`).join('\n')}>
                        {a.severity}
                      </span>
                    </td>
                    <td data-label="State">{a.state === 'active' ? (a.snoozedUntil && a.snoozedUntil > Date.now() ? `active, snoozed until ${dateTime(a.snoozedUntil)}` : 'active') : `cleared ${dateTime(a.endedAt)}${a.clearedBy ? ` by ${a.clearedBy}` : ''}`}</td>
                    {showDevice && (
                      <td data-label="Device">
                        <span>
                          <a href={href('devices', a.deviceId)}>{a.deviceLabel}</a>
                          {a.variable && <span className="muted"> / {a.variable}</span>}
                        </span>
                      </td>
                    )}
                    <td data-label="Rule">{a.ruleName}</td>
                    <td className="num" data-label="Value">{a.value === null ? '–' : formatValue(a.value)}</td>
                    <td className="num" data-label="Peak">{a.peak === null ? '–' : formatValue(a.peak)}</td>
                    <td data-label="Started">{dateTime(a.startedAt)}</td>
                    <td data-testid="alarm-ack" data-label="Acknowledged">
                      {a.acked ? (
                        <span title={dateTime(a.acked.at)}>
                          {a.acked.by}
                          {a.acked.comment && <span className="muted">: {a.acked.comment}</span>}
                        </span>
                      ) : (
                        <span className="muted">no</span>
                      )}
                    </td>
                    {canAct && (
                      <td className="row-actions">
                        <AlarmActions alarm={a} />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </Loading>
  );
}

function AlarmActions({ alarm }: { alarm: Alarm }) {
  const action = useAction();
  const [comment, setComment] = useState('');
  const ack = (e: FormEvent) => {
    e.preventDefault();
    void action.run(() => api.call('alarms.ack', { alarmId: alarm.id, comment }));
  };
  return (
    <>
      {!alarm.acked && (
        <form className="inline-ack" onSubmit={ack} aria-label={`Acknowledge alarm ${alarm.id}`}>
          <input value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Comment" maxLength={500} aria-label="Comment" />
          <button type="submit" className="small-button" disabled={action.busy}>
            Acknowledge
          </button>
        </form>
      )}
      {alarm.state === 'active' && (
        <>
          <button type="button" className="small-button" disabled={action.busy} onClick={() => void action.run(() => api.call('alarms.snooze', { alarmId: alarm.id, until: Date.now() + 3_600_000 }))}>
            Snooze 1 h
          </button>
          <button type="button" className="small-button" disabled={action.busy} onClick={() => void action.run(() => api.call('alarms.clear', { alarmId: alarm.id }))}>
            Clear
          </button>
        </>
      )}
      <ErrorNote error={action.error} />
    </>
  );
}
