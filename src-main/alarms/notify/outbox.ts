import type { DeliveryEvent } from '../../../src-shared/api/areas/alarm-channels';
import { hoursEnd, withinHours } from '../../../src-shared/alarm-rule';
import type { Db } from '../../store/database';
import { alarmById } from '../queries/alarms';
import { channelIdsOf } from '../queries/channels';
import { insertDelivery } from '../queries/deliveries';
import { findRule } from '../queries/rules';
import { queueAlarmForSync } from '../../sync/alarm-outbox';

/** The JSON body a channel receives (docs/ALARMS.md "Notifications"). */
export function alarmEventBody(alarm: NonNullable<ReturnType<typeof alarmById>>, event: DeliveryEvent, at: number): string {
  return JSON.stringify({
    event,
    at: new Date(at).toISOString(),
    alarm: {
      id: alarm.id,
      rule: { id: alarm.ruleId, name: alarm.ruleName },
      device: { id: alarm.deviceId, label: alarm.deviceLabel },
      variable: alarm.variable,
      severity: alarm.severity,
      state: alarm.state,
      value: alarm.value,
      peak: alarm.peak,
      startedAt: new Date(alarm.startedAt).toISOString(),
      endedAt: alarm.endedAt === null ? null : new Date(alarm.endedAt).toISOString(),
      acknowledged: alarm.acked ? { at: new Date(alarm.acked.at).toISOString(), by: alarm.acked.by, comment: alarm.acked.comment } : null,
    },
  });
}

/**
 * Queues one delivery per channel of the alarm's rule. Called inside the
 * transaction that changes the alarm (the `alarms-apply` writer op, or the
 * API handler that acknowledges or clears it), so an event is either written
 * with its deliveries or not at all: a crash loses nothing and the sender
 * (notify/sender.ts) finds the rows after a restart.
 */
export function enqueueAlarmEvent(db: Db, alarmId: number, event: DeliveryEvent, at: number): number {
  const alarm = alarmById(db, alarmId);
  if (!alarm) return 0;
  // The organisation upstream hears of it in the same transaction (sync/alarm-outbox.ts), channels or not.
  queueAlarmForSync(db, alarm, event, at);
  if (alarm.ruleId === null) return 0;
  const spec = findRule(db, alarm.orgId, alarm.ruleId)?.spec;
  const channels = channelIdsOf(db, alarm.orgId, spec?.channels ?? []);
  if (channels.length === 0) return 0;
  const payload = alarmEventBody(alarm, event, at);
  // Inside the rule's quiet hours the deliveries wait for their end; the sender then decides whether they still matter.
  const heldUntil = spec?.quietHours && withinHours(spec.quietHours, at) ? hoursEnd(spec.quietHours, at) : null;
  for (const channelId of channels) insertDelivery(db, { orgId: alarm.orgId, alarmId, channelId, event, payload, now: at, heldUntil });
  return channels.length;
}
