/**
 * The bearer token a browser tab keeps in sessionStorage (lib/api.ts), read
 * here without anything else of the API client so the inline boot script
 * (early/early-boot.ts) can read it too.
 */
export const sessionStorageKey = 'outpost.session';

export interface StoredSession {
  token: string;
  expiresAt: number;
}

/** The stored session, or null when there is none, it is damaged (the same as none: sign in again) or it has expired. */
export function parseStoredSession(raw: string | null, now: number): StoredSession | null {
  try {
    const value = JSON.parse(raw ?? 'null') as Partial<StoredSession> | null;
    if (value && typeof value.token === 'string' && typeof value.expiresAt === 'number' && value.expiresAt > now) return { token: value.token, expiresAt: value.expiresAt };
  } catch {
    // Damaged: treated as none.
  }
  return null;
}
