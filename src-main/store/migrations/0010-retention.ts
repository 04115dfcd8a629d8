import type { Migration } from './types';

/**
 * Retention (issue 13): how long each organisation keeps raw readings and
 * rollups. No row means the defaults (settings/retention-policy.ts); NULL
 * days means "forever". Other growing tables have fixed bounds in code.
 */
export const m0010Retention: Migration = {
  version: 10,
  name: 'retention',
  up(db) {
    db.exec(`
      CREATE TABLE retention_policies (
        org_id INTEGER PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
        raw_days INTEGER CHECK (raw_days IS NULL OR raw_days >= 1),
        rollup_1m_days INTEGER CHECK (rollup_1m_days IS NULL OR rollup_1m_days >= 1),
        rollup_1h_days INTEGER CHECK (rollup_1h_days IS NULL OR rollup_1h_days >= 1),
        updated_at INTEGER NOT NULL
      ) STRICT;
      -- Purging old MQTT session records and commands by age (retention-purge.ts).
      CREATE INDEX mqtt_sessions_by_end ON mqtt_sessions (disconnected_at) WHERE disconnected_at IS NOT NULL;
      CREATE INDEX commands_by_created ON commands (created_at);
    `);
  },
};
