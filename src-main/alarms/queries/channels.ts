import type { EmailChannelConfig } from '../../../src-shared/api/areas/alarm-channels';
import type { Db } from '../../store/database';

interface ChannelRow {
  id: number;
  org_id: number;
  name: string;
  kind: string;
  config: string;
  secret: Buffer | null;
  created_at: number;
}

export interface WebhookConfig {
  url: string;
}

export type ChannelConfig = { kind: 'webhook'; config: WebhookConfig } | { kind: 'email'; config: EmailChannelConfig };

export type StoredChannel = {
  id: number;
  orgId: number;
  name: string;
  /** Sealed with the hub's `alarm-secrets` key, label `alarm-channel:<id>`: a webhook's signing secret, an email channel's SMTP password. */
  sealedSecret: Buffer | null;
  createdAt: number;
} & ChannelConfig;

// The kind column's CHECK (migration 0009) allows only these two; the config was written by this module.
const toChannel = (r: ChannelRow): StoredChannel => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  sealedSecret: r.secret,
  createdAt: r.created_at,
  ...(r.kind === 'email' ? { kind: 'email', config: JSON.parse(r.config) as EmailChannelConfig } : { kind: 'webhook', config: JSON.parse(r.config) as WebhookConfig }),
});

export function listChannels(db: Db, orgId: number): StoredChannel[] {
  return (db.prepare('SELECT * FROM alarm_channels WHERE org_id = ? ORDER BY name').all(orgId) as ChannelRow[]).map(toChannel);
}

export function findChannel(db: Db, orgId: number, id: number): StoredChannel | null {
  const row = db.prepare('SELECT * FROM alarm_channels WHERE org_id = ? AND id = ?').get(orgId, id) as ChannelRow | undefined;
  return row ? toChannel(row) : null;
}

export function findChannelByName(db: Db, orgId: number, name: string): StoredChannel | null {
  const row = db.prepare('SELECT * FROM alarm_channels WHERE org_id = ? AND name = ?').get(orgId, name) as ChannelRow | undefined;
  return row ? toChannel(row) : null;
}

/** The channel row first (its id labels the sealed secret), then the secret: call inside one transaction. */
export function insertChannel(db: Db, c: { orgId: number; name: string; kind?: 'webhook' | 'email'; config: WebhookConfig | EmailChannelConfig; now: number }): number {
  return Number(
    db.prepare('INSERT INTO alarm_channels (org_id, name, kind, config, created_at) VALUES (?, ?, ?, ?, ?)').run(c.orgId, c.name, c.kind ?? 'webhook', JSON.stringify(c.config), c.now).lastInsertRowid,
  );
}

export function setChannelSecret(db: Db, id: number, sealed: Buffer): void {
  db.prepare('UPDATE alarm_channels SET secret = ? WHERE id = ?').run(sealed, id);
}

export function deleteChannel(db: Db, orgId: number, id: number): boolean {
  return db.prepare('DELETE FROM alarm_channels WHERE org_id = ? AND id = ?').run(orgId, id).changes === 1;
}

/** Of these ids, the ones that are channels of the organisation (a rule may name a channel removed since). */
export function channelIdsOf(db: Db, orgId: number, ids: readonly number[]): number[] {
  if (ids.length === 0) return [];
  return (db.prepare('SELECT id FROM alarm_channels WHERE org_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id').all(orgId, JSON.stringify(ids)) as Array<{ id: number }>).map((r) => r.id);
}

/** A channel by id alone, for the sender (the delivery row names it). */
export function channelById(db: Db, id: number): StoredChannel | null {
  const row = db.prepare('SELECT * FROM alarm_channels WHERE id = ?').get(id) as ChannelRow | undefined;
  return row ? toChannel(row) : null;
}
