import type { Migration } from './types';

/**
 * Who may see and do what: users and their roles per organisation, groups of
 * devices, app tokens, API keys and their access tokens, sessions, lockouts,
 * the hash-chained audit log and per-user/app accounting. Every credential is
 * stored as a hash (tokens, API keys) or a scrypt hash (passwords); TOTP
 * secrets are stored sealed with a key derived from the master key.
 */
export const m0003Aaa: Migration = {
  version: 3,
  name: 'aaa',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT NOT NULL,
        password_hash TEXT,
        totp_secret BLOB,
        totp_pending BLOB,
        allow_ips TEXT NOT NULL DEFAULT '[]',
        allow_origins TEXT NOT NULL DEFAULT '[]',
        disabled_at INTEGER,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE memberships (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'writer', 'reader')),
        PRIMARY KEY (user_id, org_id)
      ) STRICT;

      CREATE TABLE groups (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (org_id, name)
      ) STRICT;

      CREATE TABLE group_devices (
        group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        PRIMARY KEY (group_id, device_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE group_members (
        group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (group_id, user_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX group_members_by_user ON group_members (user_id);

      CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        token_hash BLOB NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) STRICT;
      CREATE INDEX sessions_by_user ON sessions (user_id);

      CREATE TABLE apps (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        token_hash BLOB NOT NULL UNIQUE,
        hint TEXT NOT NULL,
        scopes TEXT NOT NULL,
        device_ids TEXT,
        allow_ips TEXT NOT NULL DEFAULT '[]',
        allow_origins TEXT NOT NULL DEFAULT '[]',
        server_only INTEGER NOT NULL DEFAULT 0,
        expires_at INTEGER,
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER,
        UNIQUE (org_id, name)
      ) STRICT;

      CREATE TABLE api_keys (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        key_hash BLOB NOT NULL UNIQUE,
        hint TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        UNIQUE (org_id, name)
      ) STRICT;

      CREATE TABLE access_tokens (
        jti TEXT PRIMARY KEY,
        api_key_id INTEGER NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) STRICT;

      CREATE TABLE seen_addresses (
        subject TEXT NOT NULL,
        address TEXT NOT NULL,
        first_seen INTEGER NOT NULL,
        PRIMARY KEY (subject, address)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE lockouts (
        subject TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        locks INTEGER NOT NULL,
        locked_until INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        ts INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        outcome TEXT NOT NULL,
        address TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev_hash BLOB NOT NULL,
        hash BLOB NOT NULL
      ) STRICT;

      CREATE TABLE accounting (
        subject TEXT NOT NULL,
        hour INTEGER NOT NULL,
        requests INTEGER NOT NULL,
        bytes_in INTEGER NOT NULL,
        bytes_out INTEGER NOT NULL,
        PRIMARY KEY (subject, hour)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
