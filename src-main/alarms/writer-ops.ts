import type { Severity } from '../../src-shared/alarm-rule';
import type { Db } from '../store/database';
import type { SlotState } from './engine';
import { clearAlarmByRule, escalateAlarm, openAlarmId, raiseAlarm, updateAlarmValue, type RaiseRow } from './queries/alarms';
import { recordDeliveryResult, type DeliveryResult } from './queries/deliveries';
import { enqueueAlarmEvent } from './notify/outbox';
import { saveState } from './queries/states';

interface Key {
  ruleId: number;
  deviceId: number;
}

/** What the evaluator changed, in order (service.ts turns engine effects into these). */
export type AlarmChange =
  | ({ kind: 'raise' } & RaiseRow)
  | (Key & { kind: 'escalate'; severity: Severity; at: number })
  | (Key & { kind: 'update'; value: number; peak: number })
  | (Key & { kind: 'clear'; at: number; value: number | null })
  | (Key & { kind: 'remind'; at: number })
  | (Key & { kind: 'state'; state: SlotState | null });

export interface AlarmApplied {
  raised: Array<Key & { id: number }>;
  cleared: Array<Key & { id: number }>;
  /** Changes of a rule or device removed meanwhile (its foreign key fails): nothing to keep. */
  skipped: number;
}

/**
 * Writer-thread op: the evaluator's changes in one transaction, ordered after
 * the readings that caused them. The evaluator runs on the main thread, which
 * must not write at ingest rate itself (writer-registry.ts says why).
 */
export function alarmsApplyOp(db: Db) {
  return (changes: readonly AlarmChange[]): AlarmApplied => {
    const done: AlarmApplied = { raised: [], cleared: [], skipped: 0 };
    for (const c of changes) {
      try {
        // Notifications are queued in this same transaction as the change they announce (notify/outbox.ts).
        if (c.kind === 'raise') {
          const id = raiseAlarm(db, c);
          done.raised.push({ ruleId: c.ruleId, deviceId: c.deviceId, id });
          enqueueAlarmEvent(db, id, 'raised', c.at);
        } else if (c.kind === 'escalate') {
          escalateAlarm(db, c);
          notifyOpen(db, c, 'escalated');
        } else if (c.kind === 'remind') notifyOpen(db, c, 'reminder');
        else if (c.kind === 'update') updateAlarmValue(db, c);
        else if (c.kind === 'state') saveState(db, c.ruleId, c.deviceId, c.state);
        else {
          const id = clearAlarmByRule(db, c);
          if (id !== null) {
            done.cleared.push({ ruleId: c.ruleId, deviceId: c.deviceId, id });
            enqueueAlarmEvent(db, id, 'cleared', c.at);
          }
        }
      } catch (err) {
        // A statement that fails (a foreign key to a rule just removed) is undone alone; the others stay.
        if (!(err instanceof Error && /FOREIGN KEY/.test(err.message))) throw err;
        done.skipped += 1;
      }
    }
    return done;
  };
}

function notifyOpen(db: Db, c: Key & { at: number }, event: 'escalated' | 'reminder'): void {
  const id = openAlarmId(db, c.ruleId, c.deviceId);
  if (id !== null) enqueueAlarmEvent(db, id, event, c.at);
}

/** Writer-thread op: the outcome of one notification attempt (notify/sender.ts). */
export function alarmsDeliveryOp(db: Db) {
  return (results: readonly DeliveryResult[]): number => {
    for (const r of results) recordDeliveryResult(db, r);
    return results.length;
  };
}
