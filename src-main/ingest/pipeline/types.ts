import type { Dot, DotRejection, RejectionReason } from '../../../src-shared/reading';
import type { Principal } from '../../access/principal';
import type { RequestHookCall } from './writer-registry';

export type Protocol = 'mqtt' | 'https' | 'tcp' | 'command' | 'sync';

export type { Principal };

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
  /** The device's organisation: fan-out and sync keep organisations apart by it. */
  orgId: number;
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
