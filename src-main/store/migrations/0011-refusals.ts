import type { Migration } from './types';

/**
 * Recent refusals (issue 11, "why is my data not arriving"): what the hub
 * refused, when, from where and why, for the device page and the Traffic
 * page. Bounded by the writer op that appends to it (ingest/refusal-ops.ts);
 * frozen SQL, no domain imports.
 */
export const m0011Refusals: Migration = {
  version: 11,
  name: 'refusals',
  up(db) {
    db.exec(`
      CREATE TABLE refusals (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,              -- ms since the epoch
        org_id INTEGER REFERENCES organisations(id) ON DELETE CASCADE,   -- null: no credential named one (a bad token)
        device_id INTEGER REFERENCES devices(id) ON DELETE SET NULL,
        device_label TEXT NOT NULL,       -- as sent (cut short), '' when none
        protocol TEXT NOT NULL,
        reason TEXT NOT NULL,
        target TEXT NOT NULL,             -- topic or path (cut short, tokens scrubbed)
        excerpt TEXT NOT NULL,            -- start of the payload (cut short, tokens scrubbed)
        message TEXT NOT NULL,
        address TEXT NOT NULL,
        count INTEGER NOT NULL DEFAULT 1
      ) STRICT;
      CREATE INDEX refusals_device ON refusals (device_id, id);
      CREATE INDEX refusals_org ON refusals (org_id, id);
    `);
  },
};
