import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** RFC 6238 TOTP over RFC 4226 HOTP (HMAC-SHA1, 6 digits, 30 s steps: what authenticator apps use). */
export interface TotpOptions {
  digits?: number;
  stepSeconds?: number;
  algorithm?: 'sha1' | 'sha256' | 'sha512';
}

export function hotp(secret: Buffer, counter: bigint, digits = 6, algorithm: TotpOptions['algorithm'] = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(counter);
  const mac = createHmac(algorithm, secret).update(message).digest();
  // RFC 4226 5.3: dynamic truncation.
  const offset = mac[mac.length - 1]! & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return code.toString().padStart(digits, '0');
}

export function totp(secret: Buffer, unixSeconds: number, options: TotpOptions = {}): string {
  const step = BigInt(Math.floor(unixSeconds / (options.stepSeconds ?? 30)));
  return hotp(secret, step, options.digits ?? 6, options.algorithm ?? 'sha1');
}

/**
 * The time step a code belongs to, accepting the current step and one either
 * side (RFC 6238 section 5.2: allow for clock drift); null when it matches none.
 * Callers accept a step once (RFC 6238 section 5.2: "MUST NOT accept the second attempt").
 */
export function totpStep(secret: Buffer, code: string, unixSeconds: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  let matched: number | null = null;
  for (const drift of [-30, 0, 30]) {
    const expected = Buffer.from(totp(secret, unixSeconds + drift));
    // Every candidate is compared, so the time taken does not tell which step matched.
    if (timingSafeEqual(expected, Buffer.from(code))) matched = Math.floor((unixSeconds + drift) / 30);
  }
  return matched;
}

export function verifyTotp(secret: Buffer, code: string, unixSeconds: number): boolean {
  return totpStep(secret, code, unixSeconds) !== null;
}

export function newTotpSecret(): Buffer {
  return randomBytes(20);
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, the form authenticator apps expect in otpauth:// URIs. */
export function base32(data: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

export function otpauthUri(secret: Buffer, account: string, issuer = 'Outpost'): string {
  return `otpauth://totp/${encodeURIComponent(`${issuer}:${account}`)}?secret=${base32(secret)}&issuer=${encodeURIComponent(issuer)}`;
}
