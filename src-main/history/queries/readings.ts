import type { Db } from '../../store/database';
import { cachedStatement } from '../../store/statement-cache';
import type { Reading } from '../../../src-shared/reading';

interface ReadingRow {
  id: number;
  device: string;
  variable: string;
  ts: number;
  value: number;
  context: string | null;
}

const toReading = (r: ReadingRow): Reading => ({
  id: r.id,
  device: r.device,
  variable: r.variable,
  ts: r.ts,
  value: r.value,
  context: r.context === null ? null : (JSON.parse(r.context) as Record<string, unknown>),
});

export function readingStatements(db: Db) {
  const insert = db.prepare('INSERT INTO readings (variable_id, ts, value, context, received_at) VALUES (?, ?, ?, ?, ?)');
  return {
    insert(variableId: number, ts: number, value: number, context: string | null, receivedAt: number): number {
      return Number(insert.run(variableId, ts, value, context, receivedAt).lastInsertRowid);
    },
  };
}

/** The id the next stored reading will get, at the latest (ids only grow while the newest row stays). */
export function nextReadingId(db: Db): number {
  return (db.prepare('SELECT coalesce(max(id), 0) + 1 FROM readings').pluck().get() as number);
}

const select = `
  SELECT r.id, d.label AS device, v.label AS variable, r.ts, r.value, r.context
  FROM readings r JOIN variables v ON v.id = r.variable_id JOIN devices d ON d.id = v.device_id`;

/** The newest `count` readings of a device (optionally one variable), newest first. */
export function lastReadings(db: Db, deviceId: number, count: number, variable?: string): Reading[] {
  const rows = variable
    ? db.prepare(`${select} WHERE v.device_id = ? AND v.label = ? ORDER BY r.ts DESC, r.id DESC LIMIT ?`).all(deviceId, variable, count)
    : db.prepare(`${select} WHERE v.device_id = ? ORDER BY r.ts DESC, r.id DESC LIMIT ?`).all(deviceId, count);
  return (rows as ReadingRow[]).map(toReading);
}

/** Readings of one variable in [from, to), oldest first. */
export function readingsInRange(db: Db, deviceId: number, variable: string, from: number, to: number, limit: number): Reading[] {
  return (
    db.prepare(`${select} WHERE v.device_id = ? AND v.label = ? AND r.ts >= ? AND r.ts < ? ORDER BY r.ts, r.id LIMIT ?`).all(deviceId, variable, from, to, limit) as ReadingRow[]
  ).map(toReading);
}

export function countReadings(db: Db, deviceId?: number): number {
  return (
    deviceId === undefined
      ? db.prepare('SELECT count(*) FROM readings').pluck().get()
      : db.prepare('SELECT count(*) FROM readings r JOIN variables v ON v.id = r.variable_id WHERE v.device_id = ?').pluck().get(deviceId)
  ) as number;
}

/** [ts, value] */
export type RawValue = [ts: number, value: number];

/** Values of one variable in [from, to), oldest first (ties in commit order), at most `limit`. */
export function rawValues(db: Db, variableId: number, from: number, to: number, limit: number): RawValue[] {
  return cachedStatement(db, 'SELECT ts, value FROM readings WHERE variable_id = ? AND ts >= ? AND ts < ? ORDER BY ts, id LIMIT ?')
    .raw(true)
    .all(variableId, from, to, limit) as RawValue[];
}

/** [id, ts, value, context JSON] */
export type ReadingPageRow = [id: number, ts: number, value: number, context: string | null];

/**
 * The next page of one variable's readings in [from, to) after the reading
 * (afterTs, afterId), oldest first. Keyset paging: each page is its own
 * short query, so a long export holds no statement open across awaits and
 * the connection stays free for commits in between.
 */
export function readingPage(db: Db, variableId: number, afterTs: number, afterId: number, to: number, limit: number): ReadingPageRow[] {
  return cachedStatement(db, 'SELECT id, ts, value, context FROM readings WHERE variable_id = ? AND (ts, id) > (?, ?) AND ts < ? ORDER BY ts, id LIMIT ?')
    .raw(true)
    .all(variableId, afterTs, afterId, to, limit) as ReadingPageRow[];
}

/** How many readings of a variable lie in [from, to), counting no further than `limit` (an index-only scan). */
export function countValuesUpTo(db: Db, variableId: number, from: number, to: number, limit: number): number {
  return cachedStatement(db, 'SELECT count(*) FROM (SELECT 1 FROM readings WHERE variable_id = ? AND ts >= ? AND ts < ? LIMIT ?)')
    .pluck()
    .get(variableId, from, to, limit) as number;
}
