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
    // Rollups of the readings stored so far. Plain SQL on purpose: a migration is frozen with the schema
    // it makes, so it must not change when the history code that maintains rollups later does.
    // first/last follow (ts, id), the order the pipeline's rollups and the variables' last value use.
    for (const [table, ms] of [['rollup_1m', 60_000], ['rollup_1h', 3_600_000]] as const) {
      // Floor, not truncation: times before 1970 land in the right bucket too.
      const bucket = `ts - ((ts % ${ms}) + ${ms}) % ${ms}`;
      db.exec(`
        INSERT INTO ${table} (variable_id, bucket, count, sum, min, max, first_ts, first_value, last_ts, last_value)
        SELECT variable_id, bucket, count(*), sum(value), min(value), max(value), min(ts), first_value, max(ts), last_value
        FROM (
          SELECT variable_id, ${bucket} AS bucket, ts, value,
            first_value(value) OVER w AS first_value,
            last_value(value) OVER w AS last_value
          FROM readings
          WINDOW w AS (PARTITION BY variable_id, ${bucket} ORDER BY ts, id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        )
        GROUP BY variable_id, bucket;
      `);
    }
  },
};
