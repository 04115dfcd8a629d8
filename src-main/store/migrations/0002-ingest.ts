import type { Migration } from './types';

export const m0002Ingest: Migration = {
  version: 2,
  name: 'ingest',
  up(db) {
    db.exec(`
      ALTER TABLE variables ADD COLUMN last_value REAL;
      ALTER TABLE variables ADD COLUMN last_ts INTEGER;
      ALTER TABLE variables ADD COLUMN last_context TEXT;
      ALTER TABLE devices ADD COLUMN disabled_at INTEGER;

      CREATE TABLE device_tokens (
        id INTEGER PRIMARY KEY,
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        token_hash BLOB NOT NULL UNIQUE,
        hint TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) STRICT;
      CREATE INDEX device_tokens_by_device ON device_tokens (device_id);

      -- Organisation ingest tokens (Ubidots "account tokens"): write to a set of devices.
      CREATE TABLE ingest_tokens (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id),
        name TEXT NOT NULL,
        token_hash BLOB NOT NULL UNIQUE,
        hint TEXT NOT NULL,
        device_labels TEXT,            -- JSON array; NULL = every device of the organisation
        can_create_devices INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        UNIQUE (org_id, name)
      ) STRICT;

      CREATE TABLE device_attributes (
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        scope TEXT NOT NULL CHECK (scope IN ('client', 'shared')),
        key TEXT NOT NULL,
        value TEXT NOT NULL,           -- JSON
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (device_id, scope, key)
      ) STRICT;

      CREATE TABLE commands (
        id TEXT PRIMARY KEY,
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('control', 'rpc')),
        variable TEXT,
        value REAL,
        method TEXT,
        params TEXT,                   -- JSON
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'answered', 'expired')),
        requested_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        delivered_at INTEGER,
        answered_at INTEGER,
        response TEXT                  -- JSON
      ) STRICT;
      CREATE INDEX commands_open ON commands (status, device_id) WHERE status IN ('pending', 'delivered');

      CREATE TABLE device_usage_hourly (
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        hour INTEGER NOT NULL,         -- ms since epoch, truncated to the hour
        messages_in INTEGER NOT NULL DEFAULT 0,
        bytes_in INTEGER NOT NULL DEFAULT 0,
        readings_in INTEGER NOT NULL DEFAULT 0,
        messages_out INTEGER NOT NULL DEFAULT 0,
        bytes_out INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (device_id, hour)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE rejections_hourly (
        hour INTEGER NOT NULL,
        protocol TEXT NOT NULL,
        reason TEXT NOT NULL,
        device_label TEXT NOT NULL DEFAULT '',
        count INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (hour, protocol, reason, device_label)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE mqtt_sessions (
        id INTEGER PRIMARY KEY,
        client_id TEXT NOT NULL,
        device_id INTEGER REFERENCES devices(id) ON DELETE SET NULL,
        remote_address TEXT NOT NULL,
        connected_at INTEGER NOT NULL,
        disconnected_at INTEGER,
        bytes_in INTEGER NOT NULL DEFAULT 0,
        bytes_out INTEGER NOT NULL DEFAULT 0,
        messages_in INTEGER NOT NULL DEFAULT 0,
        messages_out INTEGER NOT NULL DEFAULT 0
      ) STRICT;
    `);
  },
};
