import type { Db } from '../store/database';
import type { StoredReading } from '../ingest/pipeline/types';
import { OutboxScope } from './outbox-scope';
import { outboxStatements } from './queries/sync-outbox';

/** The hook needs no options: what to queue comes from the committed sync settings. */
export type OutboxHookOptions = Record<string, never>;

/**
 * Writer-thread commit hook (ingest/pipeline/writer-registry.ts): queues the
 * readings of a commit in the outbox, in the same transaction, so an outbox
 * row is committed with its reading or not at all. Which readings are queued
 * comes from the sync settings as committed in the same database
 * (outbox-scope.ts), so a reading committed right after `outpost sync set
 * --enable` returns is queued however late the running hub notices.
 */
export function syncOutboxHook(db: Db, _options: OutboxHookOptions) {
  const outbox = outboxStatements(db);
  const scope = new OutboxScope(db);
  return (stored: readonly StoredReading[]): void => {
    for (const r of stored) if (scope.covers(r)) outbox.enqueue(r.id);
  };
}
