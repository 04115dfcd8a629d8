import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../store/database';
import { readSetting, writeSetting } from '../settings/queries/settings';
import { deleteAuditThrough, oldestAuditRows } from './queries/audit-log';

/**
 * Audit retention keeps the chain verifiable. Rows are pruned from the start
 * only, and an anchor records the id and hash of the last pruned row: that
 * hash is the chain's commitment to everything pruned (each row's HMAC covers
 * the previous row's hash). The anchor is itself authenticated with the audit
 * key, so nobody without the key can prune rows and move the anchor to hide it;
 * `verifyAuditChain` starts from the anchor instead of the genesis hash.
 */
const anchorSetting = 'audit.anchor';

const anchorSchema = z.object({ throughId: z.number().int().positive(), hash: z.string().regex(/^[0-9a-f]{64}$/), pruned: z.number().int(), prunedAt: z.number().int(), mac: z.string() });
export type AuditAnchor = z.infer<typeof anchorSchema>;

function anchorMac(key: Buffer, a: Omit<AuditAnchor, 'mac'>): string {
  return createHmac('sha256', key).update(JSON.stringify(['audit-anchor', a.throughId, a.hash, a.pruned, a.prunedAt])).digest('hex');
}

/** The anchor, `undefined` when nothing was ever pruned, `forged` when it does not carry a valid MAC. */
export function readAnchor(db: Db, key: Buffer): { id: number; hash: Buffer } | 'forged' | undefined {
  const raw = readSetting(db, anchorSetting);
  if (raw === undefined) return undefined;
  const a = anchorSchema.safeParse(raw);
  if (!a.success) return 'forged';
  const { mac, ...rest } = a.data;
  const expected = Buffer.from(anchorMac(key, rest), 'hex');
  const given = Buffer.from(mac, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
  return { id: a.data.throughId, hash: Buffer.from(a.data.hash, 'hex') };
}

/** Prunes up to `batch` of the oldest rows written before `before`, moving the anchor in the same transaction. Returns how many went. */
export function pruneAuditBatch(db: Db, key: Buffer, before: number, batch: number, now: number): number {
  return db
    .transaction(() => {
      const rows = oldestAuditRows(db, before, batch);
      const last = rows.at(-1);
      if (!last) return 0;
      const previous = anchorSchema.safeParse(readSetting(db, anchorSetting));
      const deleted = deleteAuditThrough(db, last.id);
      const body = { throughId: last.id, hash: last.hash.toString('hex'), pruned: (previous.success ? previous.data.pruned : 0) + deleted, prunedAt: now };
      writeSetting(db, anchorSetting, { ...body, mac: anchorMac(key, body) }, now);
      return deleted;
    })
    .immediate();
}
