import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt with a per-user salt; the parameters travel with the hash so they can
 * be raised later without breaking stored passwords. N=2^15, r=8 costs 32 MiB
 * and tens of milliseconds per guess.
 */
const defaults = { N: 1 << 15, r: 8, p: 1 } as const;
const keyLength = 32;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r * 2 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, defaults);
  return ['scrypt', defaults.N, defaults.r, defaults.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** A hash that never matches, so an unknown email costs as much as a wrong password. */
const decoy = `scrypt$${defaults.N}$${defaults.r}$${defaults.p}$${randomBytes(16).toString('base64url')}$${randomBytes(keyLength).toString('base64url')}`;

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = (stored ?? decoy).split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return stored !== null && actual.length === expected.length && timingSafeEqual(actual, expected);
}

export const passwordRules = { min: 12, max: 256 } as const;
