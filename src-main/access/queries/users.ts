import type { Db } from '../../store/database';
import { one } from '../../store/rows';
import { fromJsonList, toJsonList } from '../../store/json-columns';

interface UserRow {
  id: number;
  email: string;
  name: string;
  password_hash: string | null;
  totp_secret: Buffer | null;
  totp_pending: Buffer | null;
  allow_ips: string;
  allow_origins: string;
  disabled_at: number | null;
  created_at: number;
  hub_admin: number;
  home_org_id: number | null;
  totp_last_step: number;
}

export interface User {
  id: number;
  email: string;
  name: string;
  passwordHash: string | null;
  totpSecret: Buffer | null;
  totpPending: Buffer | null;
  allowIps: string[];
  allowOrigins: string[];
  disabledAt: number | null;
  createdAt: number;
  /** Granted explicitly; hub-wide settings belong to these people. */
  hubAdmin: boolean;
  /** The organisation that may change this person's password, status and allowlists. */
  homeOrgId: number | null;
  /** The last TOTP time step accepted: a code is good once. */
  totpLastStep: number;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  passwordHash: r.password_hash,
  totpSecret: r.totp_secret,
  totpPending: r.totp_pending,
  allowIps: fromJsonList(r.allow_ips),
  allowOrigins: fromJsonList(r.allow_origins),
  disabledAt: r.disabled_at,
  createdAt: r.created_at,
  hubAdmin: r.hub_admin === 1,
  homeOrgId: r.home_org_id,
  totpLastStep: r.totp_last_step,
});

export function userById(db: Db, id: number): User | undefined {
  return one(db, 'SELECT * FROM users WHERE id = ?', toUser, id);
}

export function userByEmail(db: Db, email: string): User | undefined {
  return one(db, 'SELECT * FROM users WHERE email = ?', toUser, email);
}

export function usersOfOrg(db: Db, orgId: number): (User & { role: string })[] {
  const rows = db
    .prepare('SELECT u.*, m.role FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.org_id = ? ORDER BY u.id')
    .all(orgId) as (UserRow & { role: string })[];
  return rows.map((r) => ({ ...toUser(r), role: r.role }));
}

export function insertUser(db: Db, u: { email: string; name: string; passwordHash: string | null; homeOrgId: number; now: number }): number {
  return Number(
    db
      .prepare('INSERT INTO users (email, name, password_hash, home_org_id, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(u.email, u.name, u.passwordHash, u.homeOrgId, u.now).lastInsertRowid,
  );
}

export function updateUser(
  db: Db,
  id: number,
  patch: Partial<Pick<User, 'name' | 'passwordHash' | 'totpSecret' | 'totpPending' | 'allowIps' | 'allowOrigins' | 'disabledAt' | 'hubAdmin' | 'totpLastStep'>>,
): void {
  const columns: [string, unknown][] = [];
  if (patch.name !== undefined) columns.push(['name', patch.name]);
  if (patch.passwordHash !== undefined) columns.push(['password_hash', patch.passwordHash]);
  if (patch.totpSecret !== undefined) columns.push(['totp_secret', patch.totpSecret]);
  if (patch.totpPending !== undefined) columns.push(['totp_pending', patch.totpPending]);
  if (patch.allowIps !== undefined) columns.push(['allow_ips', toJsonList(patch.allowIps)]);
  if (patch.allowOrigins !== undefined) columns.push(['allow_origins', toJsonList(patch.allowOrigins)]);
  if (patch.disabledAt !== undefined) columns.push(['disabled_at', patch.disabledAt]);
  if (patch.hubAdmin !== undefined) columns.push(['hub_admin', patch.hubAdmin ? 1 : 0]);
  if (patch.totpLastStep !== undefined) columns.push(['totp_last_step', patch.totpLastStep]);
  if (columns.length === 0) return;
  // Column names come from the fixed list above, never from input.
  db.prepare(`UPDATE users SET ${columns.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`).run(...columns.map(([, v]) => v), id);
}

export function deleteUser(db: Db, id: number): void {
  db.prepare('DELETE FROM users WHERE id = ?').run(id);
}

export function countUsers(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
}

export function countHubAdmins(db: Db): number {
  return db.prepare('SELECT count(*) FROM users WHERE hub_admin = 1 AND disabled_at IS NULL').pluck().get() as number;
}

/** Accepts a TOTP step only if it is newer than the last one used (replay within the window is refused). */
export function claimTotpStep(db: Db, id: number, step: number): boolean {
  return db.prepare('UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?').run(step, id, step).changes === 1;
}
