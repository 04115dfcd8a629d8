import type { Migration } from './types';

/**
 * Personal-data erasure (issue 13, docs/STEWARDSHIP.md "Erasure"). Audit rows
 * from format 3 on hash a keyed commitment of their personal fields (target
 * label, address) instead of the fields: `pf_salt` is a random key per row,
 * `pf_commit` the HMAC of the fields under it. Erasure blanks the fields and
 * the salt; `erased_mac` (under the audit key) says the hub did it. Rows of
 * formats 1-2 hash the fields themselves: erasure first seals such a row
 * (`legacy_mac` over its stored hash and its other fields, after checking the
 * hash). Frozen SQL, no domain imports; existing rows are unchanged.
 */
export const m0013Erasure: Migration = {
  version: 13,
  name: 'erasure',
  up(db) {
    db.exec(`
      ALTER TABLE audit_log ADD COLUMN pf_salt BLOB;
      ALTER TABLE audit_log ADD COLUMN pf_commit BLOB;
      ALTER TABLE audit_log ADD COLUMN erased_mac BLOB;
      ALTER TABLE audit_log ADD COLUMN legacy_mac BLOB;
    `);
  },
};
