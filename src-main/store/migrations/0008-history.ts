import { backfillRollups } from '../../history/rollups';
import type { Migration } from './types';

/**
 * History (issue 10): rollups of every variable at 1 minute and 1 hour,
 * filled from the readings already stored; a unit per variable; dashboards.
 */
export const m0008History: Migration = {
  version: 8,
  name: 'history',
  up(db) {
    // Settled rollups are kept by variable (a chart reads one variable's run of rows); recent minutes,
    // which every commit updates, by time (history/queries/rollups.ts says why).
    const rollup = (table: string, key: string) => `
      CREATE TABLE ${table} (
        variable_id INTEGER NOT NULL REFERENCES variables(id) ON DELETE CASCADE,
        bucket INTEGER NOT NULL,       -- ms since the epoch, start of the interval
        count INTEGER NOT NULL,
        sum REAL NOT NULL,
        min REAL NOT NULL,
        max REAL NOT NULL,
        first_ts INTEGER NOT NULL,
        first_value REAL NOT NULL,
        last_ts INTEGER NOT NULL,
        last_value REAL NOT NULL,
        PRIMARY KEY (${key})
      ) STRICT, WITHOUT ROWID;`;
    db.exec(`
      ${rollup('rollup_1m', 'variable_id, bucket')}
      ${rollup('rollup_1h', 'variable_id, bucket')}
      ${rollup('rollup_1m_recent', 'bucket, variable_id')}

      ALTER TABLE variables ADD COLUMN unit TEXT;

      CREATE TABLE dashboards (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        spec TEXT NOT NULL,            -- JSON: time range and widgets (src-shared/api/areas/dashboards.ts)
        revision INTEGER NOT NULL DEFAULT 1,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (org_id, name)
      ) STRICT;
    `);
    backfillRollups(db);
  },
};
