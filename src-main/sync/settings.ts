import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { syncSettingsSchema, type SyncConfigureInput, type SyncSettings } from '../../src-shared/api/areas/sync';
import { ServiceError } from '../errors';
import type { Db } from '../store/database';
import { readSetting, writeSetting } from '../settings/queries/settings';

const settingsKey = 'sync';

/**
 * What the database keeps: the settings, and when the password last changed
 * (the password itself is in the keychain or a sealed file), so a serving hub
 * notices a new password written by the CLI from another process.
 */
export const storedSyncSettingsSchema = syncSettingsSchema.extend({ credentialsChangedAt: z.number().int().nullable() });
export type StoredSyncSettings = z.infer<typeof storedSyncSettingsSchema>;

export function loadSyncSettings(db: Db): StoredSyncSettings | null {
  const raw = readSetting(db, settingsKey);
  if (raw === undefined) return null;
  const parsed = storedSyncSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ServiceError('SYNC_SETTINGS_INVALID', `The stored sync settings are damaged (${parsed.error.issues[0]?.message}); set them again with \`outpost sync set\`.`, 500);
  }
  return parsed.data;
}

export function saveSyncSettings(db: Db, settings: StoredSyncSettings, now = Date.now()): void {
  writeSetting(db, settingsKey, settings, now);
}

const defaults = { devices: null, enabled: true, allowRemoteCommands: false, forwardSynced: false } as const;

/** Applies a change to the current settings; a first configuration must name url, site, username and CA. */
export function mergeSyncSettings(current: StoredSyncSettings | null, input: SyncConfigureInput, now = Date.now()): StoredSyncSettings {
  const { password, ...changes } = input;
  const merged = { ...defaults, credentialsChangedAt: null, ...current, ...changes };
  if (password !== undefined) merged.credentialsChangedAt = now;
  const missing = (['url', 'siteId', 'username', 'caPem'] as const).filter((k) => merged[k] === undefined);
  if (missing.length > 0) {
    throw new ServiceError('SYNC_SETTINGS_INCOMPLETE', `Sync is not configured yet, so these are needed too: ${missing.join(', ')}.`);
  }
  if (!current?.credentialsChangedAt && password === undefined) {
    throw new ServiceError('SYNC_SETTINGS_INCOMPLETE', 'Sync is not configured yet, so a password is needed too.');
  }
  checkCa(merged.caPem!);
  return storedSyncSettingsSchema.parse(merged);
}

function checkCa(pem: string): void {
  try {
    const cert = new X509Certificate(pem);
    if (new Date(cert.validTo).getTime() < Date.now()) throw new Error(`it expired on ${cert.validTo}`);
  } catch (err) {
    throw new ServiceError('SYNC_CA_INVALID', `The CA certificate cannot be used: ${(err as Error).message}. Give the PEM file of the CA that signed the upstream broker's certificate.`);
  }
}

export function publicSettings(s: StoredSyncSettings): SyncSettings & { hasPassword: boolean } {
  const { credentialsChangedAt, ...rest } = s;
  return { ...rest, hasPassword: credentialsChangedAt !== null };
}
