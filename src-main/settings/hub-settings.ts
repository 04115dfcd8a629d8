import { z } from 'zod';
import { parseResidencyText, residencyLabelSchema } from '../../src-shared/residency';
import { ServiceError } from '../errors';
import type { Db } from '../store/database';
// The settings table's one query module (shared with the AAA policy).
import { readSetting as readStored, writeSetting as writeStored } from './queries/settings';

/**
 * Settings an admin may change while the hub runs (`outpost settings set`).
 * Each has a CLI name, a stored key, a schema for what is stored and a parser
 * for what a person types; the running hub re-reads them when the database
 * changes (DbWatcher).
 */
export interface SettingSpec<T> {
  name: string;
  key: string;
  description: string;
  defaultValue: T;
  schema: z.ZodType<T>;
  /** Text typed on the command line -> value, or null when it is not understood. */
  fromText(text: string): T | null;
  toText(value: T): string;
  /** When set, the value that weakens security and what the status shows for it. */
  insecureWhen?: { value: T; flag: string };
}

const onOff = (text: string): boolean | null => {
  const t = text.trim().toLowerCase();
  if (['on', 'true', 'yes', '1'].includes(t)) return true;
  if (['off', 'false', 'no', '0'].includes(t)) return false;
  return null;
};

export const tokenInUrlSetting: SettingSpec<boolean> = {
  name: 'token-in-url',
  key: 'ingest.tokenInUrl',
  description: 'accept device tokens in URLs (?token=, ThingsBoard /api/v1/{token}/...): on|off (default off; insecure)',
  defaultValue: false,
  schema: z.boolean(),
  fromText: onOff,
  toText: (v) => (v ? 'on' : 'off'),
  insecureWhen: { value: true, flag: 'token in URL is on (ingest.tokenInUrl): device tokens travel in URLs and end up in logs and proxies' },
};

/** Audit retention (docs/STEWARDSHIP.md): rows older than this are pruned behind an anchor that keeps the chain verifiable. 0 = forever. */
export const auditRetentionSetting: SettingSpec<number> = {
  name: 'audit-retention-days',
  key: 'retention.auditDays',
  description: 'days the audit log is kept: a whole number from 30 to 36500, or forever (default forever)',
  defaultValue: 0,
  schema: z.number().int().refine((n) => n === 0 || (n >= 30 && n <= 36_500)),
  fromText: (text) => {
    const t = text.trim().toLowerCase();
    if (t === 'forever') return 0;
    const n = Number(t);
    return Number.isInteger(n) && n >= 30 && n <= 36_500 ? n : null;
  },
  toText: (v) => (v === 0 ? 'forever' : String(v)),
};

/** Home Assistant MQTT discovery (docs/INTEGRATIONS.md): retained sensor configs for every device variable. */
export const haDiscoverySetting: SettingSpec<boolean> = {
  name: 'ha-discovery',
  key: 'integrations.haDiscovery',
  description: 'publish Home Assistant MQTT discovery configs (homeassistant/sensor/...) for integrations: on|off (default off)',
  defaultValue: false,
  schema: z.boolean(),
  fromText: onOff,
  toText: (v) => (v ? 'on' : 'off'),
};

const residencyText = (text: string): string | null => {
  const label = parseResidencyText(text);
  // `none` is a valid value (null); undefined is "not understood". fromText's null means the latter, so `none` maps to ''.
  return label === undefined ? null : (label ?? '');
};

/** A residency label setting ('' = none). */
const residencySpec = (name: string, key: string, description: string): SettingSpec<string> => ({
  name,
  key,
  description,
  defaultValue: '',
  schema: z.union([z.literal(''), residencyLabelSchema]),
  fromText: residencyText,
  toText: (v) => v || 'none',
});

/** This hub's data-residency label (docs/STEWARDSHIP.md, "Residency"): shown on the Hub page, sent in the sync hello. */
export const residencySetting = residencySpec('residency', 'stewardship.residency', 'data-residency label of this hub, e.g. EU (1-32 capitals, digits, "-"), or none (default none)');

/** Organisation hub: the residency label every site must send in its sync hello ('' = any site). */
export const requiredSiteResidencySetting = residencySpec('sync-required-residency', 'sync.requiredResidency', 'organisation hub: residency label sites must have, e.g. EU, or none (default none: any site)');

const wholeIn = (min: number, max: number, words: Record<string, number> = {}) => (text: string): number | null => {
  const t = text.trim().toLowerCase();
  if (t in words) return words[t]!;
  const n = Number(t);
  return t !== '' && Number.isInteger(n) && n >= min && n <= max ? n : null;
};

/** Scheduled backups (stewardship/backup-schedule.ts). */
export const backupIntervalSetting: SettingSpec<number> = {
  name: 'backup-interval-hours',
  key: 'backup.intervalHours',
  description: 'hours between scheduled backups: 1 to 8760, or off (default off)',
  defaultValue: 0,
  schema: z.number().int().min(0).max(8760),
  fromText: wholeIn(1, 8760, { off: 0, none: 0 }),
  toText: (v) => (v === 0 ? 'off' : String(v)),
};

export const backupKeepSetting: SettingSpec<number> = {
  name: 'backup-keep',
  key: 'backup.keep',
  description: 'scheduled backups kept; older ones are deleted: 1 to 1000 (default 7)',
  defaultValue: 7,
  schema: z.number().int().min(1).max(1000),
  fromText: wholeIn(1, 1000),
  toText: String,
};

export const backupDirSetting: SettingSpec<string> = {
  name: 'backup-dir',
  key: 'backup.dir',
  description: 'absolute folder for scheduled backups (it must exist), or default (<data-dir>/backups)',
  defaultValue: '',
  schema: z.string().max(1024),
  fromText: (text) => {
    const t = text.trim();
    if (t === 'default' || t === 'none') return '';
    return t.startsWith('/') && t.length <= 1024 && !t.includes('\0') ? t : null;
  },
  toText: (v) => v || 'default',
};

// Heterogeneous registry: each entry is used only through its own spec.
export const settingSpecs: readonly SettingSpec<never>[] = [
  tokenInUrlSetting as unknown as SettingSpec<never>,
  auditRetentionSetting as unknown as SettingSpec<never>,
  haDiscoverySetting as unknown as SettingSpec<never>,
  residencySetting as unknown as SettingSpec<never>,
  requiredSiteResidencySetting as unknown as SettingSpec<never>,
  backupIntervalSetting as unknown as SettingSpec<never>,
  backupKeepSetting as unknown as SettingSpec<never>,
  backupDirSetting as unknown as SettingSpec<never>,
];

/** A residency setting as a label, null for none. */
export function residencyOf(db: Db, spec: SettingSpec<string>): string | null {
  return readSetting(db, spec) || null;
}

export function findSettingSpec(nameOrKey: string): SettingSpec<unknown> {
  const spec = settingSpecs.find((s) => s.name === nameOrKey || s.key === nameOrKey);
  if (!spec) {
    throw new ServiceError('UNKNOWN_SETTING', `There is no setting "${nameOrKey}". Known settings: ${settingSpecs.map((s) => s.name).join(', ')}.`, 404);
  }
  return spec as SettingSpec<unknown>;
}

/** The stored value, or the default when unset or unreadable (a bad row must not switch a security setting on). */
export function readSetting<T>(db: Db, spec: SettingSpec<T>): T {
  let raw: unknown;
  try {
    raw = readStored(db, spec.key);
  } catch {
    return spec.defaultValue;
  }
  if (raw === undefined) return spec.defaultValue;
  const parsed = spec.schema.safeParse(raw);
  return parsed.success ? parsed.data : spec.defaultValue;
}

export function writeSettingText(db: Db, nameOrKey: string, text: string, now = Date.now()): { spec: SettingSpec<unknown>; value: unknown } {
  const spec = findSettingSpec(nameOrKey);
  const value = spec.fromText(text);
  if (value === null) throw new ServiceError('INVALID_SETTING_VALUE', `"${text}" is not a valid value for ${spec.name}: ${spec.description}.`);
  writeStored(db, spec.key, value, now);
  return { spec, value };
}
