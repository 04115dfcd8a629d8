import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { HubError, errorMessage } from '../errors';

/**
 * Non-secret facts about a data directory, kept beside the database so that a
 * restart finds the same keychain entry and can tell a wrong key from a
 * damaged file.
 */
export const hubIdentitySchema = z.object({
  format: z.literal(1),
  hubId: z.string().uuid(),
  createdAt: z.string(),
  keySource: z.enum(['keychain', 'key-file']),
  /** HMAC of a fixed label under the master key: proves a key is the right one without revealing it. */
  keyCheck: z.string().regex(/^[0-9a-f]{64}$/),
});

export type HubIdentity = z.infer<typeof hubIdentitySchema>;

export const identityFileName = 'hub.json';

export function identityPath(dataDir: string): string {
  return join(dataDir, identityFileName);
}

export function readIdentity(dataDir: string): HubIdentity | null {
  const file = identityPath(dataDir);
  if (!existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new HubError(
      'CONFIG_INVALID',
      `${file} is not valid JSON (${errorMessage(err)}).`,
      'Restore hub.json from a backup of this data directory; without it the hub cannot find its key.',
    );
  }
  const parsed = hubIdentitySchema.safeParse(raw);
  if (!parsed.success) {
    throw new HubError(
      'CONFIG_INVALID',
      `${file} is damaged: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
      'Restore hub.json from a backup of this data directory.',
    );
  }
  return parsed.data;
}

export function newHubId(): string {
  return randomUUID();
}

export function writeIdentity(dataDir: string, identity: HubIdentity): void {
  const file = identityPath(dataDir);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
