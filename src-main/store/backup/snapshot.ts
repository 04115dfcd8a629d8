import type { Db } from '../database';

export interface SnapshotFacts {
  schemaVersion: number;
  rowCounts: Record<string, number>;
}

/**
 * Writes a consistent copy of the database to `file` with VACUUM INTO: one
 * read transaction, so everything committed before it started is in the copy
 * and nothing half-committed is, while the writer keeps committing (WAL). With
 * SQLite3MultipleCiphers the copy keeps the connection's cipher and key: no
 * plaintext page ever reaches the disk (test/stewardship/backup.test.ts checks
 * the copy cannot be opened without the key). Runs on the hub's reader thread.
 */
export function snapshotInto(db: Db, file: string): SnapshotFacts {
  db.prepare('VACUUM INTO ?').run(file);
  // ATTACH without KEY uses the main database's key: the copy is read back as encrypted.
  db.prepare('ATTACH ? AS snap').run(file);
  try {
    const tables = db.prepare("SELECT name FROM snap.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").pluck().all() as string[];
    const rowCounts: Record<string, number> = {};
    // Table names come from the copy's own schema; identifiers cannot be bound, so they are quoted.
    for (const t of tables) rowCounts[t] = db.prepare(`SELECT count(*) FROM snap."${t.replaceAll('"', '""')}"`).pluck().get() as number;
    const schemaVersion = db.pragma('snap.user_version', { simple: true }) as number;
    return { schemaVersion, rowCounts };
  } finally {
    db.exec('DETACH snap');
  }
}

/** Row counts of every table of an open database (restore compares them with the manifest). */
export function rowCountsOf(db: Db): Record<string, number> {
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").pluck().all() as string[];
  return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT count(*) FROM "${t.replaceAll('"', '""')}"`).pluck().get() as number]));
}
