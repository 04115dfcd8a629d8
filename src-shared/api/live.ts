import { z } from 'zod';

/**
 * The console's live channel: a WebSocket at /api/live on the console server.
 * The token travels in the first message, never in the URL (URLs end up in
 * logs and browser history).
 */
export const livePath = '/api/live';

export const liveHelloSchema = z.object({ type: z.literal('auth'), token: z.string().min(1).max(4096) }).strict();
export type LiveHello = z.infer<typeof liveHelloSchema>;

export const liveReadingSchema = z.object({ deviceId: z.number().int(), device: z.string(), variable: z.string(), ts: z.number(), value: z.number() });
export type LiveReading = z.infer<typeof liveReadingSchema>;

export const liveServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), deviceIds: z.array(z.number().int()) }),
  z.object({ type: z.literal('readings'), readings: z.array(liveReadingSchema) }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type LiveServerMessage = z.infer<typeof liveServerMessageSchema>;

/** WebSocket close codes in the private range (RFC 6455 §7.4.2): why the hub closed the channel. */
export const liveCloseCodes = {
  unauthenticated: 4401,
  forbidden: 4403,
  sessionEnded: 4440,
  badMessage: 4400,
  shuttingDown: 1001,
} as const;
