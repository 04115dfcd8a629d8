import type { Dot, DotRejection, RejectionReason } from '../../../src-shared/reading';
import type { RequestHookCall } from './writer-registry';

export type Protocol = 'mqtt' | 'https' | 'tcp' | 'command' | 'sync';

/** Who is writing: resolved by a listener from the credentials it was given. */
export type Principal =
  | { kind: 'device'; tokenId: number; deviceId: number; orgId: number; label: string }
  | { kind: 'ingest'; tokenId: number; orgId: number; deviceLabels: readonly string[] | null; canCreateDevices: boolean }
  /** The hub itself on behalf of an authorised person (commands) or an upstream site (sync). */
  | { kind: 'internal'; orgId: number; actor: string; canCreateDevices: boolean };

export interface IngestRequest {
  principal: Principal;
  protocol: Protocol;
  deviceLabel: string;
  /** Used when the device is created by this write. */
  deviceType?: string | undefined;
  dots: readonly Dot[];
  /** Dots the parser already refused: counted with the rest. */
  rejected?: readonly DotRejection[];
  /** Bytes on the wire for this message, for accounting. */
  bytes: number;
  /**
   * A named request hook (writer-registry.ts `requestHooks`) with its
   * payload, run on the writer thread inside the commit transaction with this
   * request's stored readings (sync de-duplication records its reading ids in
   * the same commit). Plain data: it crosses to the writer thread.
   */
  commitHook?: RequestHookCall | undefined;
}

export interface StoredReading {
  id: number;
  /** How the reading arrived: the sync outbox does not send readings received from a site back upstream. */
  protocol: Protocol;
  deviceId: number;
  device: string;
  variable: string;
  variableId: number;
  ts: number;
  value: number;
  context: Record<string, unknown> | null;
}

export interface IngestResult {
  device: { id: number; label: string } | null;
  stored: StoredReading[];
  rejected: DotRejection[];
  /** Set when the whole message was refused (nothing stored). */
  refused?: { reason: RejectionReason; message: string };
}
