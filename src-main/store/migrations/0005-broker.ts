import type { Migration } from './types';

export const m0005Broker: Migration = {
  version: 5,
  name: 'broker',
  up(db) {
    db.exec(`
      -- When the hub wrote a control command's value as a reading: written once, even across restarts.
      ALTER TABLE commands ADD COLUMN applied_at INTEGER;
      CREATE INDEX mqtt_sessions_open ON mqtt_sessions (disconnected_at) WHERE disconnected_at IS NULL;
    `);
  },
};
