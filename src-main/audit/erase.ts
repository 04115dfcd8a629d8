import type { Db } from '../store/database';
import { rowIntact } from './chain';
import { erasedMac, legacyMac, newSalt, personalCommit } from './personal-fields';
import { auditRowsToErase, eraseAuditRowFields, sealLegacyAuditRow } from './queries/audit-log';

/**
 * Blanks the personal fields (target label, address) of every audit row by
 * or about a person, keeping the chain verifiable. Rows of format 3 already
 * hash only the commitment. A row of an older format hashes the plain fields:
 * it is first checked against its hash, then sealed (docs/STEWARDSHIP.md,
 * "Erasure"): a MAC under the audit key over its stored hash, its other fields
 * and a fresh commitment, which the check uses from then on. A row that does
 * not match its hash is not sealed (that would launder an edit): the erasure
 * is refused (`broken` names the row, nothing is changed). Runs inside the
 * caller's transaction.
 */
export function eraseAuditPersonalFields(db: Db, key: Buffer, subject: string, email: string): { rows: number; broken: number | null } {
  const rows = auditRowsToErase(db, subject, email);
  const broken = rows.find((row) => !rowIntact(key, row));
  if (broken) return { rows: 0, broken: broken.id };
  for (const row of rows) {
    let pfCommit = row.pfCommit;
    if (pfCommit === null) {
      const salt = newSalt();
      pfCommit = personalCommit(salt, row.targetLabel, row.address);
      sealLegacyAuditRow(db, row.id, salt, pfCommit, legacyMac(key, row, pfCommit));
    }
    eraseAuditRowFields(db, row.id, erasedMac(key, row.id, pfCommit));
  }
  return { rows: rows.length, broken: null };
}
