/**
 * The console's live channel: a WebSocket at /api/live on the console server.
 * The token travels in the first message, never in the URL (URLs end up in
 * logs and browser history). Kept free of zod so the UI bundle stays small;
 * the hub validates what it receives (src-main/console/live.ts).
 */
export const livePath = '/api/live';

/** The one message a client sends. */
export interface LiveHello {
  type: 'auth';
  token: string;
}

export interface LiveReading {
  deviceId: number;
  device: string;
  variable: string;
  ts: number;
  value: number;
  /** How it arrived (mqtt, https, tcp, command, sync): the Traffic page filters by it. */
  protocol?: string;
}

export type LiveServerMessage =
  | { type: 'ready'; deviceIds: number[] }
  | { type: 'readings'; readings: LiveReading[] }
  /** Alarms of these devices were raised, escalated or cleared: lists and the header badge are stale. */
  | { type: 'alarms'; deviceIds: number[] }
  /** A command of these devices was sent or changed state: command histories are stale. */
  | { type: 'commands'; deviceIds: number[] }
  | { type: 'error'; code: string; message: string };

/**
 * What the desktop window receives over IPC (desktop/ipc-live.ts): the same
 * messages, plus the end of the feed, which a WebSocket says with its close code.
 */
export type LiveIpcMessage = LiveServerMessage | { type: 'closed'; code: number; reason: string };

/** WebSocket close codes in the private range (RFC 6455 §7.4.2): why the hub closed the channel. */
export const liveCloseCodes = {
  badMessage: 4400,
  unauthenticated: 4401,
  forbidden: 4403,
  sessionEnded: 4440,
  /** The desktop window opened more feeds than it may hold (desktop/ipc-live.ts): the oldest ends. */
  tooManyFeeds: 4429,
  shuttingDown: 1001,
} as const;

/** A cheap shape check for the browser side: the hub is trusted, but a proxy or a bug must not crash the page. */
export function parseLiveServerMessage(text: string): LiveServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  if (m.type === 'ready' && Array.isArray(m.deviceIds)) return m as LiveServerMessage;
  if ((m.type === 'alarms' || m.type === 'commands') && Array.isArray(m.deviceIds)) return m as LiveServerMessage;
  if (m.type === 'error' && typeof m.code === 'string' && typeof m.message === 'string') return m as LiveServerMessage;
  if (m.type === 'readings' && Array.isArray(m.readings)) {
    const ok = m.readings.every((r: Record<string, unknown>) => typeof r.deviceId === 'number' && typeof r.variable === 'string' && typeof r.value === 'number' && typeof r.ts === 'number');
    return ok ? (m as LiveServerMessage) : null;
  }
  return null;
}
