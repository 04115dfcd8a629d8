import { parseReadingUid, syncBatchSchema, type SyncReading } from '../../src-shared/sync-format';
import { normalizeLabel, type Dot } from '../../src-shared/reading';
import type { Logger } from '../logging/logger';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import type { Db } from '../store/database';
import { receivedStatements } from './queries/sync-received';
import type { SyncSite } from './queries/sync-sites';

/** A batch this hub will not store; the sender keeps it (no PUBACK) and the reason is logged. */
export class SyncBatchRefused extends Error {}

export interface AcceptResult {
  accepted: number;
  duplicates: number;
  /** Readings the pipeline refused (future timestamp, disabled device): counted, not retried. */
  rejected: number;
}

/** Device label on the organisation hub for a site's device: `{site}.{label}` (README, "Sync to an organisation"). */
export function orgDeviceLabel(siteId: string, device: string): string | null {
  return normalizeLabel(`${siteId}.${device}`);
}

/**
 * The organisation side of sync: stores a site's batch through the pipeline,
 * idempotently. Reading ids already received are skipped; the ids of the
 * readings stored are recorded in the same commit, so a batch sent again
 * after a lost PUBACK, a crash or a reconnect creates no duplicates.
 */
export class OrgReceiver {
  private readonly received;
  /** One batch per site at a time: the duplicate check and the commit must not interleave. */
  private readonly queues = new Map<number, Promise<unknown>>();

  constructor(
    db: Db,
    private readonly pipeline: Pipeline,
    private readonly logger: Logger,
  ) {
    this.received = receivedStatements(db);
  }

  acceptSiteBatch(site: SyncSite, payload: Buffer): Promise<AcceptResult> {
    const previous = this.queues.get(site.id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.accept(site, payload));
    this.queues.set(site.id, next);
    void next.finally(() => {
      if (this.queues.get(site.id) === next) this.queues.delete(site.id);
    }).catch(() => undefined);
    return next;
  }

  private async accept(site: SyncSite, payload: Buffer): Promise<AcceptResult> {
    let raw: unknown;
    try {
      raw = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      throw new SyncBatchRefused(`the batch is not valid JSON (${(err as Error).message})`);
    }
    const parsed = syncBatchSchema.safeParse(raw);
    if (!parsed.success) {
      throw new SyncBatchRefused(`the batch does not follow sync format v1: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const batch = parsed.data;
    if (batch.site !== site.siteId) throw new SyncBatchRefused(`the batch names site "${batch.site}" but the token belongs to site "${site.siteId}"`);
    // Created by the writer thread on first use; a pair never seen has received nothing yet.
    const originRef = this.received.findOriginRef(site.id, batch.origin) ?? (await this.pipeline.write('sync-origin-ref', { siteRef: site.id, origin: batch.origin }));

    const groups = new Map<string, { dots: Dot[]; seqs: number[] }>();
    const seen = new Set<number>();
    let duplicates = 0;
    for (const r of batch.readings) {
      const { seq } = parseReadingUid(r.id);
      if (seen.has(seq) || this.received.has(originRef, seq)) {
        duplicates += 1;
        continue;
      }
      seen.add(seq);
      const label = orgDeviceLabel(site.siteId, r.device);
      if (!label) throw new SyncBatchRefused(`device "${r.device}" of site "${site.siteId}" gives the label "${site.siteId}.${r.device}", longer than 64 characters`);
      const g = groups.get(label) ?? { dots: [], seqs: [] };
      g.dots.push(toDot(r));
      g.seqs.push(seq);
      groups.set(label, g);
    }
    const share = Math.ceil(payload.length / Math.max(1, groups.size));
    const results = await Promise.all(
      [...groups].map(([deviceLabel, g]) =>
        this.pipeline.ingest({
          principal: { kind: 'internal', orgId: site.orgId, actor: `site:${site.siteId}`, canCreateDevices: true },
          protocol: 'sync',
          deviceLabel,
          dots: g.dots,
          bytes: share,
          commitHook: { name: 'sync-received', payload: { originRef, seqs: g.seqs } },
        }),
      ),
    );
    let accepted = 0;
    let rejected = 0;
    for (const r of results) {
      accepted += r.stored.length;
      rejected += r.rejected.length;
      if (r.refused) {
        rejected += 1;
        this.logger.warn({ site: site.siteId, reason: r.refused.reason, detail: r.refused.message }, 'sync readings refused');
      }
    }
    return { accepted, duplicates, rejected };
  }
}

function toDot(r: SyncReading): Dot {
  return { variable: r.variable, value: r.value, ts: r.ts, context: r.context };
}
