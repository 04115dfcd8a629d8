import type { Migration } from './types';

/**
 * Per-device thresholds for the health board (issue 11, "device health"):
 * after how long without a reading a device is stale, then offline. A device
 * without a row uses the console's defaults. Frozen SQL, no domain imports.
 */
export const m0016DeviceHealth: Migration = {
  version: 16,
  name: 'device-health',
  up(db) {
    db.exec(`
      CREATE TABLE device_health_settings (
        device_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
        stale_after_s INTEGER NOT NULL CHECK (stale_after_s > 0),
        offline_after_s INTEGER NOT NULL CHECK (offline_after_s >= stale_after_s)
      ) STRICT;
    `);
  },
};
