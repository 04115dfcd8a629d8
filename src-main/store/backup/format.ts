import { createHmac, timingSafeEqual } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { z } from 'zod';
import { HubError } from '../../errors';

/**
 * An Outpost backup is one file (docs/STEWARDSHIP.md):
 *
 *   line 1  `OUTPOST-BACKUP 1`
 *   line 2  the manifest, one JSON object (readable without the key)
 *   rest    the database snapshot, exactly `manifest.database.bytes` bytes,
 *           encrypted page by page with the hub's database key (VACUUM INTO
 *           keeps the cipher and key of the connection that runs it)
 *
 * The manifest names the hub, the schema, the time and the row counts, carries
 * the SHA-256 of the snapshot and the TLS files (public certificates and the
 * private keys sealed under the master key), and is authenticated with an HMAC
 * under a key derived from the master key: a wrong key is told apart from a
 * damaged or edited file.
 */
export const backupMagic = 'OUTPOST-BACKUP 1';

/** The manifest line is small (row counts and four TLS files); a longer one is not a backup. */
const maxManifestBytes = 1024 * 1024;

export const tlsFileNames = ['ca.crt', 'ca.key.sealed', 'server.crt', 'server.key.sealed'] as const;

export const manifestSchema = z
  .object({
    format: z.literal(1),
    hubId: z.string().uuid(),
    createdAt: z.string(),
    outpostVersion: z.string().max(64),
    schemaVersion: z.number().int().nonnegative(),
    /** The hub.json key check: which master key this backup needs. */
    keyCheck: z.string().regex(/^[0-9a-f]{64}$/),
    rowCounts: z.record(z.string().max(128), z.number().int().nonnegative()),
    database: z.object({ bytes: z.number().int().positive(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    tls: z.record(z.string().max(64), z.string().max(64 * 1024)),
    mac: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

export type BackupManifest = z.infer<typeof manifestSchema>;

export function manifestMac(manifest: Omit<BackupManifest, 'mac'>, macKey: Buffer): string {
  return createHmac('sha256', macKey).update(canonicalJson(manifest)).digest('hex');
}

/** JSON with object keys sorted at every level, so the MAC does not depend on how the object was built. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function manifestMacValid(manifest: BackupManifest, macKey: Buffer): boolean {
  const { mac, ...rest } = manifest;
  return timingSafeEqual(Buffer.from(mac, 'hex'), Buffer.from(manifestMac(rest, macKey), 'hex'));
}

export function headerBytes(manifest: BackupManifest): Buffer {
  return Buffer.from(`${backupMagic}\n${JSON.stringify(manifest)}\n`, 'utf8');
}

const notBackup = (file: string, why: string) =>
  new HubError('BACKUP_INVALID', `${file} is not a usable Outpost backup: ${why}.`, 'Check the path; make a new backup with `outpost backup --to FILE` if this one is damaged. Nothing has been changed.');

/** Reads the magic line and the manifest; `offset` is where the snapshot starts. */
export function readBackupHeader(file: string): { manifest: BackupManifest; offset: number } {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(maxManifestBytes + backupMagic.length + 2);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n);
    const first = head.indexOf(0x0a);
    if (first < 0 || head.subarray(0, first).toString('utf8') !== backupMagic) throw notBackup(file, 'it does not start with the Outpost backup header');
    const second = head.indexOf(0x0a, first + 1);
    if (second < 0) throw notBackup(file, 'the manifest is cut short (the file is truncated)');
    let raw: unknown;
    try {
      raw = JSON.parse(head.subarray(first + 1, second).toString('utf8'));
    } catch {
      throw notBackup(file, 'the manifest is not valid JSON');
    }
    const parsed = manifestSchema.safeParse(raw);
    if (!parsed.success) throw notBackup(file, `the manifest is damaged (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ')})`);
    return { manifest: parsed.data, offset: second + 1 };
  } finally {
    closeSync(fd);
  }
}

export { notBackup as backupInvalid };
