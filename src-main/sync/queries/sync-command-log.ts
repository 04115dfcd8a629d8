import type { Db } from '../../store/database';

export interface SyncCommandLogEntry {
  at: number;
  side: 'site' | 'org';
  siteId: string;
  commandId: string;
  /** The site organisation the command was for; null for entries logged before format v2. */
  org: string | null;
  device: string;
  outcome: string;
  detail: string;
}

interface Row {
  at: number;
  side: 'site' | 'org';
  site_id: string;
  command_id: string;
  org: string | null;
  device: string;
  outcome: string;
  detail: string;
}

export function logSyncCommand(db: Db, e: SyncCommandLogEntry): void {
  db.prepare('INSERT INTO sync_command_log (at, side, site_id, command_id, org, device, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    e.at,
    e.side,
    e.siteId,
    e.commandId,
    e.org,
    e.device,
    e.outcome,
    e.detail,
  );
}

export function listSyncCommandLog(db: Db, limit = 100): SyncCommandLogEntry[] {
  return (db.prepare('SELECT at, side, site_id, command_id, org, device, outcome, detail FROM sync_command_log ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map((r) => ({
    at: r.at,
    side: r.side,
    siteId: r.site_id,
    commandId: r.command_id,
    org: r.org,
    device: r.device,
    outcome: r.outcome,
    detail: r.detail,
  }));
}

/** Was this organisation command already queued here? (QoS 1 may deliver it twice.) */
export function wasQueued(db: Db, siteId: string, commandId: string): boolean {
  return db.prepare("SELECT 1 FROM sync_command_log WHERE side = 'site' AND site_id = ? AND command_id = ? AND outcome = 'queued'").get(siteId, commandId) !== undefined;
}
