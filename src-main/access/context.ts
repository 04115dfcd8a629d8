import type { Db } from '../store/database';
import { appendAudit, type AuditEvent } from '../audit/chain';
import { policySchema, type Policy } from '../../src-shared/api/areas/settings';
import { readSetting, writeSetting } from '../settings/queries/settings';

export interface AaaKeys {
  tokenSigning: Buffer;
  audit: Buffer;
  totp: Buffer;
}

/**
 * What every AAA operation needs, whether it runs in the hub or in a CLI
 * process on the same data directory. Nothing here is cached: revocations and
 * disables written by another process apply on the next request.
 */
export interface AaaContext {
  db: Db;
  hubId: string;
  keys: AaaKeys;
  now(): number;
  audit(event: AuditEvent): void;
  policy(): Policy;
  setPolicy(policy: Policy): void;
}

const policyKey = 'aaa.policy';

export function createAaaContext(db: Db, hubId: string, keys: AaaKeys, now: () => number = Date.now): AaaContext {
  return {
    db,
    hubId,
    keys,
    now,
    audit: (event) => appendAudit(db, keys.audit, event, now()),
    policy: () => {
      const parsed = policySchema.safeParse(readSetting(db, policyKey) ?? {});
      return parsed.success ? parsed.data : policySchema.parse({});
    },
    setPolicy: (policy) => writeSetting(db, policyKey, policy, now()),
  };
}
