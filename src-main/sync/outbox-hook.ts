import type { Db } from '../store/database';
import type { StoredReading } from '../ingest/pipeline/types';
import { outboxStatements } from './queries/sync-outbox';

export interface OutboxHookOptions {
  forwardSynced: boolean;
  /** Device labels to sync; null = all. */
  devices: string[] | null;
}

/**
 * Writer-thread commit hook (ingest/pipeline/writer-registry.ts): queues the
 * readings of a commit in the outbox, in the same transaction, so an outbox
 * row is committed with its reading or not at all. On only while sync is
 * enabled (SyncService turns it on and off).
 */
export function syncOutboxHook(db: Db, options: OutboxHookOptions) {
  const outbox = outboxStatements(db);
  const devices = options.devices ? new Set(options.devices) : null;
  return (stored: readonly StoredReading[]): void => {
    for (const r of stored) {
      if (r.protocol === 'sync' && !options.forwardSynced) continue;
      if (devices && !devices.has(r.device)) continue;
      outbox.enqueue(r.id);
    }
  };
}
