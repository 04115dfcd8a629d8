/** What identifies a dot within one ingest request. */
export interface DotKey {
  variable: string;
  ts: number;
  value: number;
}

/**
 * Which dots of a request the pipeline stored: it keeps their order and only
 * leaves some out (a timestamp too far ahead, a bad value), so one pass pairs
 * them up. Used on both threads: the writer records only stored reading ids,
 * the main thread tells the site which ones were refused.
 */
export function storedFlags(sent: readonly DotKey[], stored: readonly DotKey[]): boolean[] {
  let j = 0;
  return sent.map((r) => {
    const s = stored[j];
    if (s && s.variable === r.variable && s.ts === r.ts && s.value === r.value) {
      j += 1;
      return true;
    }
    return false;
  });
}
