/**
 * Exponential backoff with jitter: sites that lost the same upstream must not
 * all come back in the same second. The delay is drawn from [d/2, d] where d
 * doubles from `baseMs` up to `maxMs`.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const d = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(d / 2 + random() * (d / 2));
}
