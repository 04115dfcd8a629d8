import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { tokenKindOf, tokenPrefixes, type TokenKind } from '../../src-shared/tokens';

export interface IssuedToken {
  /** Shown once to the person who created it; never stored. */
  token: string;
  /** What the database keeps. */
  hash: Buffer;
  /** First characters, safe to show in lists ("opd_Ab12…"). */
  hint: string;
}

export function issueToken(kind: TokenKind): IssuedToken {
  const token = `${tokenPrefixes[kind]}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token), hint: tokenHint(token) };
}

/**
 * Tokens carry 256 random bits, so one SHA-256 is enough to make a stolen
 * database useless for logging in; a slow KDF would only slow every publish.
 */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function tokenHint(token: string): string {
  return `${token.slice(0, 8)}…`;
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Checks shape and kind before any lookup, so garbage never reaches the database. */
export function parseToken(token: unknown, kinds: readonly TokenKind[]): { kind: TokenKind; hash: Buffer } | null {
  if (typeof token !== 'string') return null;
  const kind = tokenKindOf(token);
  if (!kind || !kinds.includes(kind)) return null;
  return { kind, hash: hashToken(token) };
}
