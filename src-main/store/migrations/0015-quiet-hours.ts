import type { Migration } from './types';

/**
 * Quiet hours for alarm notifications (docs/ALARMS.md "Quiet hours"). A
 * delivery queued during a rule's quiet hours is held: `held_until` is when
 * they end (`next_at` starts there). A held delivery that no longer needs
 * sending when they end (the alarm was acknowledged or cleared meanwhile)
 * becomes `skipped`, a status the CHECK of 0009 did not allow, so the table
 * is rebuilt (SQLite cannot alter a CHECK). No other table references it.
 * Frozen SQL, no domain imports; existing rows keep their ids and values.
 */
export const m0015QuietHours: Migration = {
  version: 15,
  name: 'quiet-hours',
  up(db) {
    db.exec(`
      CREATE TABLE alarm_deliveries_new (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        alarm_id INTEGER NOT NULL REFERENCES alarms(id) ON DELETE CASCADE,
        channel_id INTEGER NOT NULL REFERENCES alarm_channels(id) ON DELETE CASCADE,
        event TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        sent_at INTEGER,
        held_until INTEGER             -- end of the rule's quiet hours when queued inside them, else NULL
      ) STRICT;
      INSERT INTO alarm_deliveries_new (id, org_id, alarm_id, channel_id, event, payload, status, attempts, next_at, last_error, created_at, sent_at)
        SELECT id, org_id, alarm_id, channel_id, event, payload, status, attempts, next_at, last_error, created_at, sent_at FROM alarm_deliveries;
      DROP TABLE alarm_deliveries;
      ALTER TABLE alarm_deliveries_new RENAME TO alarm_deliveries;
      CREATE INDEX alarm_deliveries_due ON alarm_deliveries (status, next_at);
      CREATE INDEX alarm_deliveries_by_alarm ON alarm_deliveries (alarm_id);
    `);
  },
};
