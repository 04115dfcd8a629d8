import type { Migration } from './types';

/**
 * The organisation boundary and delegated rights (issue "authorization seams"):
 * - users: `hub_admin` (hub-wide settings belong to a person granted this
 *   explicitly; the owners of the first organisation hold it from here on),
 *   `home_org_id` (the organisation that may change the person's password,
 *   status and allowlists), `totp_last_step` (a code is accepted once).
 * - invitations: an admin invites an email into an organisation; the person
 *   accepts with a one-time code, so adding someone never reveals or takes
 *   over an account that already exists elsewhere.
 * - apps and API keys record who made them (`creator_kind`, `creator_id`):
 *   at every use their rights are cut to what the creator still holds.
 *   Older rows are `legacy`: made when every maker was checked as an admin.
 * - API keys get scopes and an optional device set, like apps.
 * - audit_log rows name their organisation and the target's label; rows of
 *   format 2 hash those fields too (format 1 rows keep verifying as before).
 * - lockouts count failures that decay over time (a fraction): the table is
 *   rebuilt with a REAL column; running locks are short-lived and start over.
 */
export const m0006Access: Migration = {
  version: 6,
  name: 'access',
  up(db) {
    db.exec(`
      ALTER TABLE users ADD COLUMN hub_admin INTEGER NOT NULL DEFAULT 0 CHECK (hub_admin IN (0, 1));
      ALTER TABLE users ADD COLUMN home_org_id INTEGER REFERENCES organisations(id) ON DELETE SET NULL;
      ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
      UPDATE users SET home_org_id = (SELECT min(m.org_id) FROM memberships m WHERE m.user_id = users.id);
      UPDATE users SET hub_admin = 1
        WHERE id IN (SELECT m.user_id FROM memberships m WHERE m.role = 'owner' AND m.org_id = (SELECT min(id) FROM organisations));

      CREATE TABLE invitations (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        email TEXT NOT NULL COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'writer', 'reader')),
        code_hash BLOB NOT NULL UNIQUE,
        hint TEXT NOT NULL,
        invited_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        accepted_at INTEGER,
        revoked_at INTEGER
      ) STRICT;
      CREATE UNIQUE INDEX invitations_open ON invitations (org_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL;

      ALTER TABLE apps ADD COLUMN creator_kind TEXT NOT NULL DEFAULT 'legacy' CHECK (creator_kind IN ('user', 'app', 'apikey', 'cli', 'legacy'));
      ALTER TABLE apps ADD COLUMN creator_id INTEGER;
      UPDATE apps SET creator_kind = 'user', creator_id = created_by WHERE created_by IS NOT NULL;

      ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT '["devices:read","readings:read","readings:write","commands:send"]';
      ALTER TABLE api_keys ADD COLUMN device_ids TEXT;
      ALTER TABLE api_keys ADD COLUMN creator_kind TEXT NOT NULL DEFAULT 'legacy' CHECK (creator_kind IN ('user', 'app', 'apikey', 'cli', 'legacy'));
      ALTER TABLE api_keys ADD COLUMN creator_id INTEGER;

      ALTER TABLE audit_log ADD COLUMN org_id INTEGER;
      ALTER TABLE audit_log ADD COLUMN target_label TEXT;
      ALTER TABLE audit_log ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
      CREATE INDEX audit_log_by_org ON audit_log (org_id, id);

      DROP TABLE lockouts;
      CREATE TABLE lockouts (
        subject TEXT PRIMARY KEY,
        failures REAL NOT NULL,
        locks INTEGER NOT NULL,
        locked_until INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
