import type { Migration } from './types';

/**
 * Bounds sync_received (docs/STEWARDSHIP.md, "Retention"): each receipt gets
 * the time it was recorded, so retention can drop those older than its
 * bound by index. Receipts recorded before this version count from the
 * upgrade. Frozen SQL, no domain imports.
 */
export const m0017SyncReceivedAge: Migration = {
  version: 17,
  name: 'sync-received-age',
  up(db) {
    db.exec(`
      ALTER TABLE sync_received ADD COLUMN at INTEGER NOT NULL DEFAULT 0;
      UPDATE sync_received SET at = CAST(unixepoch('subsec') * 1000 AS INTEGER);
      CREATE INDEX sync_received_at ON sync_received (at);
    `);
  },
};
