import { z } from 'zod';
import { hubAdmin } from '../../permissions';

export const backupSummarySchema = z.object({
  file: z.string(),
  hubId: z.string(),
  createdAt: z.string(),
  schemaVersion: z.number().int(),
  rowCounts: z.record(z.string(), z.number().int()),
  bytes: z.number().int(),
  sha256: z.string(),
});

export type BackupSummary = z.infer<typeof backupSummarySchema>;

/** Scheduled backups (docs/STEWARDSHIP.md, "Scheduled backups"): the settings and how the last run went. */
export const backupScheduleSchema = z.object({
  /** 0: off. */
  intervalHours: z.number().int(),
  keep: z.number().int(),
  dir: z.string(),
  last: z
    .object({ at: z.number().int(), ok: z.boolean(), file: z.string().optional(), code: z.string().optional(), message: z.string().optional(), hint: z.string().optional() })
    .nullable(),
  nextAt: z.number().int().nullable(),
});

/** Backups and the key's emergency kit (docs/STEWARDSHIP.md). Both are hub-wide: the hub owner's. */
export const stewardshipMethods = {
  'hub.backup': {
    input: z.object({}).strict(),
    output: backupSummarySchema,
    permission: hubAdmin,
    kind: 'write',
    description:
      'Writes an encrypted online backup of the whole hub (every organisation) with its manifest: into the data directory’s backups folder from the console, to the file named by `outpost backup --to` from the CLI.',
  },
  'hub.backupSchedule': {
    input: z.object({}).strict(),
    output: backupScheduleSchema,
    permission: hubAdmin,
    description: 'Scheduled backups: interval, how many are kept, the folder, and the last run (its file, or what failed and what to do). Set with hub settings backup-interval-hours, backup-keep, backup-dir.',
  },
  'hub.exportKey': {
    input: z.object({ confirm: z.literal(true) }).strict(),
    output: z.object({ keyHex: z.string().regex(/^[0-9a-f]{64}$/) }),
    permission: hubAdmin,
    kind: 'write',
    description:
      'The master key (emergency kit), for restoring a backup where the keychain is gone. Only `outpost key export` on the hub’s machine can get it: the running hub’s console never holds the key to hand out.',
  },
} as const;
