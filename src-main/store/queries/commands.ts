import type { Db } from '../database';

export interface NewCommand {
  id: string;
  deviceId: number;
  kind: 'control' | 'rpc';
  variable: string | null;
  value: number | null;
  method: string | null;
  params: unknown;
  requestedBy: string;
  createdAt: number;
  expiresAt: number;
}

/** Queues a command for a device; the listener the device is connected to delivers it. False when the id exists. */
export function insertCommand(db: Db, c: NewCommand): boolean {
  return (
    db
      .prepare(
        `INSERT INTO commands (id, device_id, kind, variable, value, method, params, status, requested_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .run(c.id, c.deviceId, c.kind, c.variable, c.value, c.method, c.params === undefined ? null : JSON.stringify(c.params), c.requestedBy, c.createdAt, c.expiresAt).changes > 0
  );
}

export function countPendingCommands(db: Db, deviceId: number): number {
  return db.prepare("SELECT count(*) FROM commands WHERE device_id = ? AND status = 'pending'").pluck().get(deviceId) as number;
}
