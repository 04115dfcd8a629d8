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
  'hub.exportKey': {
    input: z.object({ confirm: z.literal(true) }).strict(),
    output: z.object({ keyHex: z.string().regex(/^[0-9a-f]{64}$/) }),
    permission: hubAdmin,
    kind: 'write',
    description:
      'The master key (emergency kit), for restoring a backup where the keychain is gone. Only `outpost key export` on the hub’s machine can get it: the running hub’s console never holds the key to hand out.',
  },
} as const;
