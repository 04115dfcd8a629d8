import type { Migration } from './types';

export const m0004Sync: Migration = {
  version: 4,
  name: 'sync',
  up(db) {
    db.exec(`
      -- Site side. Filled by the pipeline in the commit that stores the reading;
      -- a row is deleted when the upstream acknowledged it (PUBACK).
      -- AUTOINCREMENT: a seq is never reused, so "{hubId}:{seq}" is a stable reading id.
      CREATE TABLE sync_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        reading_id INTEGER NOT NULL REFERENCES readings(id) ON DELETE CASCADE
      ) STRICT;
      CREATE INDEX sync_outbox_by_reading ON sync_outbox (reading_id);

      -- What the serving hub last knew about the upstream, for the CLI in another process.
      CREATE TABLE sync_status (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        state TEXT NOT NULL,
        mqtt_version TEXT,
        last_success_at INTEGER,
        sent_total INTEGER NOT NULL DEFAULT 0,
        last_error_code TEXT,
        last_error_message TEXT,
        last_error_hint TEXT,
        last_error_at INTEGER,
        updated_at INTEGER NOT NULL
      ) STRICT;

      -- Commands received from or sent to the organisation, on either side.
      CREATE TABLE sync_command_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('site', 'org')),
        site_id TEXT NOT NULL,
        command_id TEXT NOT NULL,
        device TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL
      ) STRICT;

      -- Organisation side: sites allowed to publish here, by token hash.
      CREATE TABLE sync_sites (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id),
        site_id TEXT NOT NULL UNIQUE,
        token_hash BLOB NOT NULL UNIQUE,
        hint TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) STRICT;

      CREATE TABLE sync_origins (
        id INTEGER PRIMARY KEY,
        site_ref INTEGER NOT NULL REFERENCES sync_sites(id) ON DELETE CASCADE,
        origin TEXT NOT NULL,
        UNIQUE (site_ref, origin)
      ) STRICT;

      -- Reading ids already stored, written in the commit that stores the readings.
      CREATE TABLE sync_received (
        origin_ref INTEGER NOT NULL REFERENCES sync_origins(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        PRIMARY KEY (origin_ref, seq)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
