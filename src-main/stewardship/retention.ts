import { appendAudit } from '../audit/chain';
import { pruneAuditBatch } from '../audit/prune';
import type { HubContext } from '../hub-context';
import type { WriteOpName, WriteOpPayload, WriteOpResult } from '../ingest/pipeline/writer-registry';
import { auditRetentionSetting, readSetting } from '../settings/hub-settings';

export interface RetentionWriter {
  write<N extends WriteOpName>(name: N, payload: WriteOpPayload<N>): Promise<WriteOpResult<N>>;
}

export interface RetentionRun {
  /** Rows deleted per table. */
  deleted: Record<string, number>;
  /** Free pages returned to the file system. */
  pagesFreed: number;
  auditPruned: number;
}

export interface RetentionService {
  /** One full pass now (the hourly timer runs the same); resolves when everything due is gone. */
  runNow(): Promise<RetentionRun>;
}

/** Rows per purge batch: a few milliseconds of writer time, so a readings commit waits at most that long. */
const batchRows = 2000;
const vacuumPages = 2000;
/** Pause between batches: the writer takes readings in between. */
const pauseMs = 10;
const runEveryMs = 3_600_000;
/** Not at once: a hub started to import or inspect old data gets ten minutes before anything is purged. */
const firstRunAfterMs = 600_000;
const day = 86_400_000;

/**
 * At least `pauseMs`, and at least eight times as long as the batch took:
 * readings get eight ninths of the writer's time or more. Four times (four
 * fifths) left ingest at 0.74x while 10 M readings were purged, as deletes
 * also take CPU from the event loop on a two-core machine (bench/retention.ts).
 */
const pauseFactor = 8;
const pause = (tookMs = 0) => new Promise((r) => setTimeout(r, Math.max(pauseMs, pauseFactor * tookMs)));

/**
 * Retention in the background (docs/STEWARDSHIP.md): deletes in small batches
 * as writer-thread ops (never a long transaction in front of ingest), then
 * returns the freed pages with incremental vacuum, then prunes the audit log
 * behind its anchor. Hourly, the first pass ten minutes after start.
 */
export function startRetention(ctx: HubContext, writer: RetentionWriter): RetentionService {
  let running: Promise<RetentionRun> | undefined;
  let stopped = false;
  const pass = async (): Promise<RetentionRun> => {
    const run: RetentionRun = { deleted: {}, pagesFreed: 0, auditPruned: 0 };
    const now = Date.now();
    for (;;) {
      if (stopped) return run;
      const started = performance.now();
      const batch = await writer.write('retention-purge', { now, batch: batchRows });
      if (!batch) break;
      run.deleted[batch.table] = (run.deleted[batch.table] ?? 0) + batch.deleted;
      await pause(performance.now() - started);
    }
    while (!stopped) {
      // A database made before auto_vacuum = INCREMENTAL frees nothing here (freed 0): see docs/STEWARDSHIP.md.
      const { freed, freePages } = await writer.write('incremental-vacuum', { pages: vacuumPages });
      run.pagesFreed += freed;
      if (freed === 0 || freePages === 0) break;
      await pause();
    }
    const auditDays = readSetting(ctx.db, auditRetentionSetting);
    if (auditDays > 0) {
      const key = ctx.key('audit-chain');
      try {
        for (let n = 1; n > 0 && !stopped; run.auditPruned += n) {
          n = pruneAuditBatch(ctx.db, key, now - auditDays * day, batchRows, Date.now());
          if (n > 0) await pause();
        }
        if (run.auditPruned > 0) {
          appendAudit(ctx.db, key, { actor: 'hub', action: 'audit.prune', target: 'audit-log', orgId: null, outcome: 'ok', address: 'internal', detail: { rows: run.auditPruned, days: auditDays } }, Date.now());
        }
      } finally {
        key.fill(0);
      }
    }
    const total = Object.values(run.deleted).reduce((s, n) => s + n, 0);
    if (total > 0 || run.auditPruned > 0) ctx.logger.info({ ...run }, 'retention: old rows removed');
    return run;
  };
  const runNow = () => {
    running ??= pass().finally(() => (running = undefined));
    return running;
  };
  const tick = () => void runNow().catch((err: unknown) => ctx.logger.warn({ err }, 'retention pass failed; the next one tries again'));
  const first = setTimeout(tick, firstRunAfterMs);
  const timer = setInterval(tick, runEveryMs);
  first.unref();
  timer.unref();
  ctx.onStop('retention', async () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
    await running?.catch(() => undefined);
  });
  return { runNow };
}
