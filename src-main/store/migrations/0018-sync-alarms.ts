import type { Migration } from './types';

/**
 * Alarm events synced upstream (docs/ALARMS.md "Sync upstream"). On a site,
 * `sync_alarm_outbox` holds each event (a snapshot of the alarm as JSON)
 * until the upstream acknowledged it; on an organisation hub,
 * `sync_site_alarms` keeps the events received, once per (site, origin,
 * alarm id, seq). Frozen SQL, no domain imports.
 */
export const m0018SyncAlarms: Migration = {
  version: 18,
  name: 'sync-alarms',
  up(db) {
    db.exec(`
      CREATE TABLE sync_alarm_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        alarm_id INTEGER NOT NULL,
        event TEXT NOT NULL,
        payload TEXT NOT NULL,
        queued_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE sync_site_alarms (
        id INTEGER PRIMARY KEY,
        site_ref INTEGER NOT NULL REFERENCES sync_sites(id) ON DELETE CASCADE,
        origin TEXT NOT NULL,
        alarm_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        event TEXT NOT NULL,
        at INTEGER NOT NULL,
        org TEXT NOT NULL,
        device TEXT NOT NULL,
        payload TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        UNIQUE (site_ref, origin, alarm_id, seq)
      ) STRICT;
      CREATE INDEX sync_site_alarms_at ON sync_site_alarms (site_ref, at);
    `);
  },
};
