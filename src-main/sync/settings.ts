import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { syncSettingsSchema, type SyncConfigureInput, type SyncSettings } from '../../src-shared/api/areas/sync';
import { ServiceError } from '../errors';
import type { Db } from '../store/database';
import { readSetting, writeSetting } from '../settings/queries/settings';

export const syncSettingsKey = 'sync';

/**
 * What the database keeps: the settings, when the password last changed (the
 * password itself is in the keychain or a sealed file), so a serving hub
 * notices a new password written by the CLI from another process, and what
 * sync covers. Fields added later default to null so older rows still load.
 */
export const storedSyncSettingsSchema = syncSettingsSchema.extend({
  credentialsChangedAt: z.number().int().nullable(),
  /** When sync was last switched on; null while off. */
  syncedSince: z.number().int().nullable().default(null),
  /** Whether readings stored while sync was off were queued when it was switched on. */
  history: z.enum(['included', 'from-now']).nullable().default(null),
  /** While off: the first reading id stored since it was switched off (0: never on). Null while on, or unknown (set by an older version). */
  offFromReadingId: z.number().int().nullable().default(null),
});
export type StoredSyncSettings = z.infer<typeof storedSyncSettingsSchema>;

export function parseSyncSettings(raw: unknown): StoredSyncSettings {
  const parsed = storedSyncSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ServiceError('SYNC_SETTINGS_INVALID', `The stored sync settings are damaged (${parsed.error.issues[0]?.message}); set them again with \`outpost sync set\`.`, 500);
  }
  return parsed.data;
}

export function loadSyncSettings(db: Db): StoredSyncSettings | null {
  const raw = readSetting(db, syncSettingsKey);
  return raw === undefined ? null : parseSyncSettings(raw);
}

export function saveSyncSettings(db: Db, settings: StoredSyncSettings, now = Date.now()): void {
  writeSetting(db, syncSettingsKey, settings, now);
}

const defaults = { devices: null, enabled: true, allowRemoteCommands: false, forwardSynced: false } as const;

/** Does this change name another upstream? The same CA given again (the same file) is no change. */
export function upstreamChanged(current: StoredSyncSettings | null, input: SyncConfigureInput): boolean {
  if (!current) return false;
  return (input.url !== undefined && input.url !== current.url) || (input.caPem !== undefined && input.caPem.trim() !== current.caPem.trim());
}

export interface MergedSyncSettings {
  settings: StoredSyncSettings;
  /** This change switches sync on (from off, or from not configured). */
  switchedOn: boolean;
  /** Set when this change switches sync on and earlier readings are to be queued: from this reading id on. */
  queueHistoryFrom: number | null;
}

/**
 * Applies a change to the current settings. A first configuration must name
 * url, site, username, CA and password; a new url or CA needs the password
 * again. `nextReadingId` is where readings stored from now on start: it marks
 * where sync stopped covering readings when it is switched off.
 */
export function mergeSyncSettings(current: StoredSyncSettings | null, input: SyncConfigureInput, now: number, nextReadingId: number): MergedSyncSettings {
  const { password, history, ...changes } = input;
  const merged = { ...defaults, credentialsChangedAt: null, syncedSince: null, history: null, offFromReadingId: 0, ...current, ...changes };
  if (password !== undefined) merged.credentialsChangedAt = now;
  const missing = (['url', 'siteId', 'username', 'caPem'] as const).filter((k) => merged[k] === undefined);
  if (missing.length > 0) {
    throw new ServiceError('SYNC_SETTINGS_INCOMPLETE', `Sync is not configured yet, so these are needed too: ${missing.join(', ')}.`);
  }
  if (!current?.credentialsChangedAt && password === undefined) {
    throw new ServiceError('SYNC_SETTINGS_INCOMPLETE', 'Sync is not configured yet, so a password is needed too: give it with --password-stdin (console: password).');
  }
  if (password === undefined && upstreamChanged(current, input)) {
    throw new ServiceError(
      'SYNC_PASSWORD_REQUIRED',
      'A new upstream URL or CA needs the upstream password again: the stored one is never sent to another upstream. Nothing was changed. Give the password with --password-stdin (console: password).',
    );
  }
  checkCa(merged.caPem!);

  const wasOn = current?.enabled ?? false;
  const switchedOn = merged.enabled && !wasOn;
  let queueHistoryFrom: number | null = null;
  if (switchedOn) {
    const include = history === 'include';
    if (include && merged.offFromReadingId === null) {
      throw new ServiceError(
        'SYNC_HISTORY_UNKNOWN',
        'Sync was switched off by an older version of Outpost, which did not record since when, so the readings left out cannot be told apart from those already sent. Switch sync on without --include-history.',
      );
    }
    if (include) queueHistoryFrom = merged.offFromReadingId;
    Object.assign(merged, { syncedSince: now, history: include ? 'included' : 'from-now', offFromReadingId: null });
  } else if (history !== undefined) {
    throw new ServiceError(
      'SYNC_HISTORY_NOT_APPLICABLE',
      wasOn
        ? 'Sync is already on, so there are no earlier readings left out to include or leave out. --include-history / --from-now go with the change that switches sync on.'
        : 'This change does not switch sync on: add --enable (console: enabled: true) to --include-history / --from-now.',
    );
  } else if (!merged.enabled && wasOn) {
    Object.assign(merged, { syncedSince: null, history: null, offFromReadingId: nextReadingId });
  }
  return { settings: storedSyncSettingsSchema.parse(merged), switchedOn, queueHistoryFrom };
}

function checkCa(pem: string): void {
  try {
    const cert = new X509Certificate(pem);
    if (new Date(cert.validTo).getTime() < Date.now()) throw new Error(`it expired on ${cert.validTo}`);
  } catch (err) {
    throw new ServiceError('SYNC_CA_INVALID', `The CA certificate cannot be used: ${(err as Error).message}. Give the PEM file of the CA that signed the upstream broker's certificate.`);
  }
}

export function publicSettings(s: StoredSyncSettings, historyQueued = 0): SyncSettings & { hasPassword: boolean; coverage: { since: number | null; history: 'included' | 'from-now' | null }; historyQueued: number } {
  const { credentialsChangedAt, syncedSince, history, offFromReadingId: _off, ...rest } = s;
  return { ...rest, hasPassword: credentialsChangedAt !== null, coverage: { since: syncedSince, history }, historyQueued };
}
