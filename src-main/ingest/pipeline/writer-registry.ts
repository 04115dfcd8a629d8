import type { Db } from '../../store/database';
import type { StoredReading } from './types';
import { syncOutboxHook } from '../../sync/outbox-hook';
import { syncReceivedHook, syncOriginRefOp } from '../../sync/received-hook';
import { syncAlarmsReceivedOp, syncAlarmsSentOp, syncMarkSentOp, syncStatusOp } from '../../sync/writer-ops';
import { mqttAccountingOp, mqttSessionsOpenOp } from '../../broker/writer-ops';
import { rollupsHook, rollupsSettleOp } from '../../history/rollup-hook';
import { incrementalVacuumOp, retentionPurgeOp } from '../../settings/retention-purge';
import { refusalsAppendOp } from '../refusal-ops';
import { alarmsApplyOp, alarmsDeliveryOp } from '../../alarms/writer-ops';

/**
 * What runs on the writer thread's connection, by name.
 *
 * The write connection lives in a worker thread (writer-worker.ts), and a
 * function cannot be handed to another thread. So everything that must run
 * inside the readings' transaction, or that writes at ingest rate, is a
 * module listed here, imported statically (so the electron-vite bundle of the
 * worker contains it) and called by name with plain-data options:
 *
 * - batch hooks `(db, options) => (stored) => void` run inside every readings
 *   transaction with everything it stored (the sync outbox, the history
 *   rollups; alarm counters are added the same way). The main thread turns one on, changes
 *   its options or turns it off with `pipeline.setCommitHook(name, options)`;
 *   the change applies from the next batch on.
 * - request hooks `(db) => (payload, stored) => void` run inside the
 *   transaction for one ingest request (`IngestRequest.commitHook`), with that
 *   request's stored readings: the org receiver records reading ids there.
 * - write ops `(db) => (payload) => result` are writes the main thread would
 *   otherwise make on its own connection (MQTT session accounting, sync
 *   progress); `pipeline.write(name, payload)` resolves with the result after
 *   the op's own transaction committed. The main thread must not write at
 *   ingest rate itself: its writes wait on the writer's lock (busy_timeout
 *   freezes the event loop) and count as changes for the DbWatcher.
 */
export type BatchHookFactory<O> = (db: Db, options: O) => (stored: readonly StoredReading[]) => void;
export type RequestHookFactory<P> = (db: Db) => (payload: P, stored: readonly StoredReading[]) => void;
export type WriteOpFactory<P, R> = (db: Db) => (payload: P) => R;

export const batchHooks = {
  'sync-outbox': syncOutboxHook,
  rollups: rollupsHook,
} as const;

export const requestHooks = {
  'sync-received': syncReceivedHook,
} as const;

export const writeOps = {
  'sync-origin-ref': syncOriginRefOp,
  'sync-mark-sent': syncMarkSentOp,
  'sync-status': syncStatusOp,
  'sync-alarms-sent': syncAlarmsSentOp,
  'sync-alarms-received': syncAlarmsReceivedOp,
  'mqtt-sessions-open': mqttSessionsOpenOp,
  'mqtt-accounting': mqttAccountingOp,
  'rollups-settle': rollupsSettleOp,
  'retention-purge': retentionPurgeOp,
  'incremental-vacuum': incrementalVacuumOp,
  'refusals-append': refusalsAppendOp,
  'alarms-apply': alarmsApplyOp,
  'alarms-delivery': alarmsDeliveryOp,
} as const;

export type BatchHookName = keyof typeof batchHooks;
export type BatchHookOptions<N extends BatchHookName> = Parameters<(typeof batchHooks)[N]>[1];
export type RequestHookName = keyof typeof requestHooks;
export type RequestHookPayload<N extends RequestHookName> = Parameters<ReturnType<(typeof requestHooks)[N]>>[0];
/** A request hook with its payload, as `IngestRequest.commitHook`. */
export type RequestHookCall = { [N in RequestHookName]: { name: N; payload: RequestHookPayload<N> } }[RequestHookName];
export type WriteOpName = keyof typeof writeOps;
export type WriteOpPayload<N extends WriteOpName> = Parameters<ReturnType<(typeof writeOps)[N]>>[0];
export type WriteOpResult<N extends WriteOpName> = ReturnType<ReturnType<(typeof writeOps)[N]>>;
