import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StoredAuditRow } from './queries/audit-log';

/**
 * The personal fields of an audit row (the target's label, which may be a
 * person's email or name, and the peer address) are hashed into the chain
 * only through a keyed commitment: HMAC under a random per-row salt. The
 * salt is stored beside the fields; erasure deletes both, so the chain still
 * verifies while nothing left in the row (or derivable by guessing emails
 * against the commitment) names the person.
 */
export function newSalt(): Buffer {
  return randomBytes(32);
}

export function personalCommit(salt: Buffer, targetLabel: string | null, address: string): Buffer {
  return createHmac('sha256', salt).update(JSON.stringify(['audit-personal', targetLabel, address])).digest();
}

/** Written by the hub when it erases a row's fields: without the audit key nobody can blank a row and pass it off as an erasure. */
export function erasedMac(key: Buffer, id: number, pfCommit: Buffer): Buffer {
  return createHmac('sha256', key).update(JSON.stringify(['audit-erased', id, pfCommit.toString('hex')])).digest();
}

/** Seals a row written before format 3 (whose hash covers the plain fields): the MAC covers its stored hashes and every other field. */
export function legacyMac(key: Buffer, r: Pick<StoredAuditRow, 'id' | 'hash' | 'prevHash' | 'ts' | 'actor' | 'action' | 'target' | 'outcome' | 'orgId' | 'detailText' | 'format'>, pfCommit: Buffer): Buffer {
  const fields = [r.id, r.hash.toString('hex'), r.prevHash.toString('hex'), r.ts, r.actor, r.action, r.target, r.outcome, r.orgId, r.detailText, r.format, pfCommit.toString('hex')];
  return createHmac('sha256', key).update(JSON.stringify(['audit-legacy-seal', ...fields])).digest();
}

export function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a !== null && b !== null && a.length === b.length && timingSafeEqual(a, b);
}

/** Do the row's personal fields match its commitment (or carry the hub's erasure MAC)? Rows without a commitment have nothing to check here. */
export function personalFieldsIntact(key: Buffer, r: StoredAuditRow): boolean {
  // No commitment: fine for formats 1-2 (their hash covers the fields; before migration 6 there is no format column at all).
  if (r.pfCommit === null) return !(r.format >= 3);
  if (r.pfSalt !== null) return sameBytes(personalCommit(r.pfSalt, r.targetLabel, r.address), r.pfCommit);
  return r.targetLabel === null && r.address === '' && sameBytes(erasedMac(key, r.id, r.pfCommit), r.erasedMac);
}
