import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { z } from 'zod';

const sealedSchema = z.object({
  format: z.literal('outpost-sealed-v1'),
  iv: z.string(),
  tag: z.string(),
  data: z.string(),
});

/** AES-256-GCM: private keys at rest are unreadable and tamper-evident without the master key. */
export function seal(plaintext: Buffer, key: Buffer, label: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(label, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return JSON.stringify({
    format: 'outpost-sealed-v1',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  });
}

export function unseal(sealed: string, key: Buffer, label: string): Buffer {
  const parsed = sealedSchema.parse(JSON.parse(sealed));
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parsed.iv, 'base64'));
  decipher.setAAD(Buffer.from(label, 'utf8'));
  decipher.setAuthTag(Buffer.from(parsed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(parsed.data, 'base64')), decipher.final()]);
}

export function writeSealedFile(file: string, plaintext: Buffer, key: Buffer, label: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, seal(plaintext, key, label), { mode: 0o600 });
  renameSync(tmp, file);
}

export function readSealedFile(file: string, key: Buffer, label: string): Buffer {
  return unseal(readFileSync(file, 'utf8'), key, label);
}
