import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { setupCodePattern } from '../../src-shared/setup';
import type { PublicContext } from '../console/registry';
import { hashToken, sameHash } from '../security/tokens';
import { readSetting, writeSetting } from '../settings/queries/settings';
import type { AccessContext } from './context';
import { AccessError } from './errors';
import { hashPassword } from './passwords';
import { validatePassword } from './people';
import { setMembership } from './queries/memberships';
import { firstOrganisationId } from './queries/organisations';
import { countUsers, insertUser, updateUser } from './queries/users';

/** A setup code is good for one hour (and for one use). */
export const setupCodeLifetimeMs = 3_600_000;

const settingKey = 'access.setupCode';
/** Only the hash and the expiry are stored: the code itself is shown by the hub that made it, never kept. */
const storedSchema = z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), expiresAt: z.number() });

const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * 20 characters from 32 (100 bits) in groups of four: typable from a printed
 * log by a technician, and far beyond guessing within the hour it lasts (the
 * console gate also limits how often anyone may try).
 */
function newCode(): string {
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => alphabet[b & 31]!);
  return [0, 4, 8, 12, 16].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

const hashOf = (code: string) => hashToken(code.trim().toUpperCase());

/**
 * While nobody has an account, the hub makes a new one-time setup code at
 * each start (the previous one stops working). Once anyone exists it makes
 * none and forgets any stored one. Returns the code, to be shown once.
 */
export function openSetup(ctx: AccessContext): string | null {
  if (countUsers(ctx.db) > 0) {
    if (readSetting(ctx.db, settingKey) !== undefined) ctx.db.prepare('DELETE FROM settings WHERE key = ?').run(settingKey);
    return null;
  }
  const code = newCode();
  writeSetting(ctx.db, settingKey, { hash: hashOf(code).toString('hex'), expiresAt: ctx.now() + setupCodeLifetimeMs }, ctx.now());
  return code;
}

export interface SetupOwnerInput {
  code: string;
  email: string;
  password: string;
  name?: string | undefined;
}

const refused = (code: string, message: string, hint: string, status: number) => new AccessError(code, message, hint, status);

/**
 * Creates the hub's first account with the setup code: the owner of the
 * first organisation, holding hub:admin. The code is spent in the same
 * transaction that creates the account, so two browsers racing with one code
 * get one owner and one refusal.
 */
export async function setupOwner(ctx: AccessContext, input: SetupOwnerInput, call: PublicContext): Promise<{ email: string }> {
  validatePassword(input.password);
  const passwordHash = await hashPassword(input.password);
  const orgId = firstOrganisationId(ctx.db);
  const userId = ctx.db.transaction(() => {
    if (countUsers(ctx.db) > 0) {
      throw refused('OWNER_EXISTS', 'This hub already has an owner: setup codes work only before the first account exists.', 'Sign in, or ask the hub owner for an invitation.', 409);
    }
    const stored = storedSchema.safeParse(readSetting(ctx.db, settingKey));
    const valid = stored.success && setupCodePattern.test(input.code.trim().toUpperCase()) && sameHash(hashOf(input.code), Buffer.from(stored.data.hash, 'hex'));
    if (!valid) {
      ctx.abuse.addressFailed(call.address);
      throw refused('INVALID_SETUP_CODE', 'The setup code is not valid: mistyped, or replaced by a newer one when the hub restarted.', 'Open the setup address the hub printed most recently (its terminal, its `ready` event or logs/outpost.log in its data directory).', 400);
    }
    // Expired or not, a presented code is spent: the next start prints a new one.
    ctx.db.prepare('DELETE FROM settings WHERE key = ?').run(settingKey);
    if (ctx.now() >= stored.data.expiresAt) return null;
    const id = insertUser(ctx.db, { email: input.email, name: input.name ?? input.email.split('@')[0]!, passwordHash, homeOrgId: orgId, now: ctx.now() });
    setMembership(ctx.db, id, orgId, 'owner');
    updateUser(ctx.db, id, { hubAdmin: true });
    return id;
  }).immediate();
  if (userId === null) {
    throw refused('SETUP_CODE_EXPIRED', 'The setup code has expired: it lasts one hour.', 'Restart the hub: it prints a new setup address while no account exists.', 410);
  }
  call.audit.org(orgId);
  call.audit.actor(`user:${userId}`);
  call.audit.target({ kind: 'user', id: userId, label: input.email });
  call.audit.detail({ role: 'owner', hubAdmin: true });
  return { email: input.email };
}
