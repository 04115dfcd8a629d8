/**
 * Every secret Outpost hands out starts with a prefix naming its kind, so a
 * leaked one is recognisable (log scrubbing, secret scanners) and a token of
 * one kind is never accepted where another is expected.
 */
export const tokenPrefixes = {
  device: 'opd',
  app: 'opa',
  apiKey: 'opk',
  session: 'ops',
  orgIngest: 'opo',
  site: 'opt',
  invitation: 'opi',
} as const;

export type TokenKind = keyof typeof tokenPrefixes;

/** prefix, underscore, 43 base64url characters (256 random bits). */
export const tokenPattern = /^(opd|opa|opk|ops|opo|opt|opi)_[A-Za-z0-9_-]{43}$/;

export function tokenKindOf(token: string): TokenKind | null {
  if (!tokenPattern.test(token)) return null;
  const prefix = token.slice(0, 3);
  const entry = Object.entries(tokenPrefixes).find(([, p]) => p === prefix);
  return entry ? (entry[0] as TokenKind) : null;
}
