import type { Db } from '../../store/database';
import type { SlotState } from '../engine';

interface StateRow {
  rule_id: number;
  device_id: number;
  state: string;
}

export interface StoredState {
  ruleId: number;
  deviceId: number;
  state: SlotState;
}

export function listStates(db: Db): StoredState[] {
  return (db.prepare('SELECT rule_id, device_id, state FROM alarm_states').all() as StateRow[]).map((r) => ({ ruleId: r.rule_id, deviceId: r.device_id, state: JSON.parse(r.state) as SlotState }));
}

/** Writes or (null) forgets the delay counters of one rule on one device. */
export function saveState(db: Db, ruleId: number, deviceId: number, state: SlotState | null): void {
  if (state === null) db.prepare('DELETE FROM alarm_states WHERE rule_id = ? AND device_id = ?').run(ruleId, deviceId);
  else
    db.prepare('INSERT INTO alarm_states (rule_id, device_id, state) VALUES (?, ?, ?) ON CONFLICT (rule_id, device_id) DO UPDATE SET state = excluded.state').run(
      ruleId,
      deviceId,
      JSON.stringify(state),
    );
}
