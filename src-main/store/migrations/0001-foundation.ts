import type { Migration } from './types';

export const m0001Foundation: Migration = {
  version: 1,
  name: 'foundation',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE organisations (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      INSERT INTO organisations (slug, name, created_at) VALUES ('default', 'Default organisation', unixepoch() * 1000);

      CREATE TABLE devices (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id),
        label TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER,
        UNIQUE (org_id, label)
      ) STRICT;

      CREATE TABLE variables (
        id INTEGER PRIMARY KEY,
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (device_id, label)
      ) STRICT;

      CREATE TABLE readings (
        id INTEGER PRIMARY KEY,
        variable_id INTEGER NOT NULL REFERENCES variables(id) ON DELETE CASCADE,
        ts INTEGER NOT NULL,
        value REAL NOT NULL,
        context TEXT,
        received_at INTEGER NOT NULL
      ) STRICT;

      CREATE INDEX readings_by_variable_time ON readings (variable_id, ts);
    `);
  },
};
