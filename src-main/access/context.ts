import type { Db } from '../store/database';
import { appendAudit, type AuditEvent } from '../audit/chain';
import { policySchema, type Policy } from '../../src-shared/api/areas/settings';
import { readSetting, writeSetting } from '../settings/queries/settings';
import { AbuseControl } from './abuse-control';
import { UsageMeter } from './usage-meter';

export interface AccessKeys {
  tokenSigning: Buffer;
  audit: Buffer;
  totp: Buffer;
  /** Seals notification channel secrets (webhook signing keys) in their rows. */
  alarmSecrets: Buffer;
}

/**
 * What every access operation needs, whether it runs in the hub or in a CLI
 * process on the same data directory. Credential rows are read per request:
 * revocations and disables written by another process apply on the next one.
 */
export interface AccessContext {
  db: Db;
  hubId: string;
  keys: AccessKeys;
  now(): number;
  /** The one way anything is written to the audit log. */
  audit(event: AuditEvent): void;
  policy(): Policy;
  setPolicy(policy: Policy): void;
  abuse: AbuseControl;
  /** Requests and bytes per caller and hour, written every few seconds. */
  usage: UsageMeter;
}

const policyKey = 'aaa.policy';

export function readPolicy(db: Db): Policy {
  const parsed = policySchema.safeParse(readSetting(db, policyKey) ?? {});
  return parsed.success ? parsed.data : policySchema.parse({});
}

export function createAccessContext(db: Db, hubId: string, keys: AccessKeys, now: () => number = Date.now): AccessContext {
  return {
    db,
    hubId,
    keys,
    now,
    audit: (event) => appendAudit(db, keys.audit, event, now()),
    policy: () => readPolicy(db),
    setPolicy: (policy) => writeSetting(db, policyKey, policy, now()),
    abuse: new AbuseControl(db, now, () => readPolicy(db).lockout),
    usage: new UsageMeter(db, now),
  };
}
