import { liveCloseCodes, type LiveServerMessage } from '../../src-shared/api/live';
import type { ApiError } from '../../src-shared/errors';
import type { StoredReading } from '../ingest/pipeline/types';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import type { Logger } from '../logging/logger';

/** What the live channel may stream to one credential, re-read while the feed is open. */
export interface LiveGrant {
  deviceIds: ReadonlySet<number>;
  /** The devices visible now, or null when the credential no longer holds (signed out, revoked, expired, disabled). */
  refresh(): Promise<ReadonlySet<number> | null>;
}

/** Who opens a feed, as the console gate needs it. */
export interface LiveRequest {
  token: string;
  address: string;
  origin: string | undefined;
  host: string | undefined;
}

/** The AAA side of the channel; the hub passes the real one (src-main/access/live-access.ts). */
export interface LiveAccess {
  open(req: LiveRequest): Promise<{ ok: true; grant: LiveGrant } | { ok: false; error: ApiError }>;
}

type Source<E extends string> = { on(event: E, fn: (e: { deviceId: number }) => void): unknown; off(event: E, fn: (e: { deviceId: number }) => void): unknown };

/** Where the feed's messages come from; one set per hub, shared by every transport (WebSocket, Electron IPC). */
export interface LiveFeedOptions {
  /** `pipeline.live`: emits `readings` after their transaction committed. */
  readings: Pipeline['live'];
  access: LiveAccess;
  logger: Logger;
  /** Fires when credentials or grants may have changed (this process or another): every open feed re-checks at once. */
  changes?: { on(event: 'change', fn: () => void): unknown; off(event: 'change', fn: () => void): unknown };
  /** Alarm events (alarms/service.ts): feeds that may see the device are told to refetch their alarms. */
  alarms?: Source<'alarm'>;
  /** Command events (commands/service.ts): feeds that may see the device are told to refetch its command history. */
  commands?: Source<'command'>;
  /** How often an open feed re-checks its credential and device set anyway. */
  recheckMs?: number;
}

/** One transport's end of a feed. */
export interface LiveSink {
  send(message: LiveServerMessage): void;
  /** The feed is over (refused, session ended, too far behind); `reason` is a short code, the full message went with `send`. */
  close(code: number, reason: string): void;
  /** True when the receiver has stopped reading: the feed closes rather than buffer without bound. */
  behind?(): boolean;
}

/** Says why, then closes. */
export function refuseFeed(sink: LiveSink, code: number, error: ApiError): void {
  sink.send({ type: 'error', ...error });
  // A WebSocket close reason is limited to 123 bytes (RFC 6455 §5.5): the code goes there, the full message went above.
  sink.close(code, error.code);
}

/**
 * Authenticates one feed through the console gate, then streams committed
 * readings, alarm and command notices of the devices the credential may see
 * until the credential lapses (SESSION_ENDED) or the returned stop is called.
 * The WebSocket (console/live.ts) and the desktop window's IPC
 * (desktop/ipc-live.ts) both use it, so both filter the same way.
 */
export function openLiveFeed(options: LiveFeedOptions, request: LiveRequest, sink: LiveSink): () => void {
  let stopped = false;
  let cleanup: (() => void) | undefined;
  const stop = () => {
    stopped = true;
    cleanup?.();
    cleanup = undefined;
  };
  void options.access.open(request).then(
    (opened) => {
      if (stopped) return;
      if (!opened.ok) {
        stopped = true;
        refuseFeed(sink, opened.error.code === 'FORBIDDEN' ? liveCloseCodes.forbidden : liveCloseCodes.unauthenticated, opened.error);
        return;
      }
      cleanup = stream(opened.grant, options, sink, stop);
    },
    (err: unknown) => {
      options.logger.error({ err }, 'live channel authentication failed');
      if (stopped) return;
      stopped = true;
      refuseFeed(sink, 1011, { code: 'INTERNAL', message: 'The hub could not check the token; the log has details.' });
    },
  );
  return stop;
}

/** Readings of devices whose check is pending are held, bounded per device and in devices, then delivered or dropped. */
export const maxPendingReadingsPerDevice = 1_000;
export const maxPendingDevices = 100;

/** Streams until stopped or the credential lapses; returns the cleanup. */
function stream(grant: LiveGrant, options: LiveFeedOptions, sink: LiveSink, stop: () => void): () => void {
  let visible = grant.deviceIds;
  let over = false;
  /** Re-checks are numbered: only a result newer than the one applied may change `visible` (an older, slower one may hold a wider set). */
  let started = 0;
  let applied = 0;
  /** Devices seen in readings but not visible: each is asked about once (a device created by its first reading is not in the grant yet). */
  let askedAbout = new Set<number>();
  /** Per device asked about: the re-check that answers it and its readings held until then, so none is lost while it runs. */
  const pending = new Map<number, { check: number; readings: StoredReading[]; dropped: number }>();
  const end = (code: number, error: ApiError | string) => {
    if (over) return;
    stop();
    if (typeof error === 'string') sink.close(code, error);
    else refuseFeed(sink, code, error);
  };
  const deliver = (stored: StoredReading[]) => {
    const readings = stored.filter((r) => visible.has(r.deviceId)).map((r) => ({ deviceId: r.deviceId, device: r.device, variable: r.variable, ts: r.ts, value: r.value, protocol: r.protocol }));
    if (readings.length === 0 || over) return;
    if (sink.behind?.()) return end(1013, 'Too far behind; reconnect.');
    sink.send({ type: 'readings', readings });
  };
  /** Sends (or drops, if still not visible) what was held for devices that re-check `n` or an earlier one answers. */
  const release = (n: number) => {
    const held: StoredReading[] = [];
    for (const [deviceId, entry] of pending) {
      if (entry.check > n) continue;
      pending.delete(deviceId);
      held.push(...entry.readings);
    }
    deliver(held);
  };
  /** Re-reads the credential and its devices. Fails closed: a re-check that throws ends the feed. */
  const check = () => {
    const n = ++started;
    void grant.refresh().then(
      (now) => {
        if (over) return;
        if (!now) return end(liveCloseCodes.sessionEnded, { code: 'SESSION_ENDED', message: 'Your session has ended (signed out, revoked or expired). Sign in again.' });
        if (n > applied) {
          applied = n;
          visible = now;
        }
        // A newer result already applied is at least as fresh as this one's answer.
        release(n);
      },
      (err: unknown) => {
        options.logger.error({ err }, 'live channel re-check failed');
        end(1011, { code: 'INTERNAL', message: 'The hub could not re-check this feed’s access, so it stopped; the log has details. Reconnect.' });
      },
    );
  };
  const onReadings = (stored: StoredReading[]) => {
    const now: StoredReading[] = [];
    let ask = false;
    for (const r of stored) {
      const held = pending.get(r.deviceId);
      if (held) {
        if (held.readings.length < maxPendingReadingsPerDevice) held.readings.push(r);
        else if (held.dropped++ === 0) options.logger.warn({ deviceId: r.deviceId }, 'live channel: too many readings of a device being checked; later ones are not sent to this feed');
        continue;
      }
      if (visible.has(r.deviceId)) now.push(r);
      else if (!askedAbout.has(r.deviceId) && pending.size < maxPendingDevices) {
        // Bounded: a caller who sees few devices of a busy hub asks about each other device once.
        if (askedAbout.size > 10_000) askedAbout = new Set();
        askedAbout.add(r.deviceId);
        // Answered by the re-check started below.
        pending.set(r.deviceId, { check: started + 1, readings: [r], dropped: 0 });
        ask = true;
      }
    }
    deliver(now);
    if (ask && !over) check();
  };
  const recheck = () => check();
  const onAlarm = (e: { deviceId: number }) => {
    if (visible.has(e.deviceId)) sink.send({ type: 'alarms', deviceIds: [e.deviceId] });
  };
  const onCommand = (e: { deviceId: number }) => {
    if (visible.has(e.deviceId)) sink.send({ type: 'commands', deviceIds: [e.deviceId] });
  };
  const timer = setInterval(recheck, options.recheckMs ?? 5_000);
  options.readings.on('readings', onReadings);
  options.changes?.on('change', recheck);
  options.alarms?.on('alarm', onAlarm);
  options.commands?.on('command', onCommand);
  sink.send({ type: 'ready', deviceIds: [...visible] });
  return () => {
    over = true;
    pending.clear();
    clearInterval(timer);
    options.readings.off('readings', onReadings);
    options.changes?.off('change', recheck);
    options.alarms?.off('alarm', onAlarm);
    options.commands?.off('command', onCommand);
  };
}
