import type { MessagePort } from 'node:worker_threads';
import type { Protocol } from './types';
import type { BatchHookName, BatchHookOptions, RequestHookCall, WriteOpName, WriteOpPayload } from './writer-registry';

/**
 * Messages between the main thread and the writer thread. Everything here is
 * plain data (structured clone): functions cannot cross a thread, which is
 * why commit hooks and per-request hooks are named (writer-registry.ts).
 */

/** Where a message's readings go: a known device, or (id null) one to find or create in the commit. */
export type WireDevice = { id: number; label: string; orgId: number } | { id: null; label: string; orgId: number; type: string | null };

export interface WireMessage {
  device: WireDevice;
  protocol: Protocol;
  receivedAt: number;
  bytes: number;
  /** How many of the batch's dot columns belong to this message (in order). */
  count: number;
  hook?: RequestHookCall | undefined;
}

/** One flush of the main thread's queue; the dots of all messages in columns. */
export interface WireBatch {
  id: number;
  messages: WireMessage[];
  variables: string[];
  values: number[];
  ts: number[];
  contexts: (string | null)[];
  /** Refusals counted since the last flush: [protocol \0 reason \0 device label, count]. */
  rejections: [string, number][];
}

export type ToWriter =
  | { t: 'batch'; batch: WireBatch }
  | { t: 'op'; id: number; name: WriteOpName; payload: WriteOpPayload<WriteOpName> }
  | { t: 'hook'; name: BatchHookName; options: BatchHookOptions<BatchHookName> | null }
  | { t: 'forget' }
  | { t: 'test'; commitDelayMs?: number; pragma?: string; id: number }
  | { t: 'stop' };

export interface BatchCommitted {
  id: number;
  /** Reading ids and variable ids, one per dot column. */
  ids: number[];
  variableIds: number[];
  /** Device id per message (created ones included). */
  deviceIds: number[];
  /** Labels of devices this commit created (for the log and the main thread's cache). */
  created: string[];
}

export interface WireError {
  code: string | undefined;
  message: string;
  hint?: string | undefined;
}

/** What the writer thread is started with (workerData). */
export interface WriterInit {
  file: string;
  key: Uint8Array | null;
  port: MessagePort;
  watchIntervalMs: number;
}

export type FromWriter =
  | { t: 'ready' }
  | { t: 'open-failed'; error: WireError }
  | { t: 'committed'; results: BatchCommitted[] }
  | { t: 'failed'; ids: number[]; error: WireError }
  | { t: 'op-done'; id: number; ok: true; value: unknown }
  | { t: 'op-done'; id: number; ok: false; error: WireError }
  | { t: 'test-done'; id: number; value: unknown }
  | { t: 'change' }
  | { t: 'log'; level: 'info' | 'warn' | 'error'; fields: Record<string, unknown>; msg: string };
