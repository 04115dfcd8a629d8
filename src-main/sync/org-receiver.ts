import { parseReadingUid, parseSyncBatch, type SyncReading, type SyncReceipt } from '../../src-shared/sync-format';
import type { Dot } from '../../src-shared/reading';
import type { Logger } from '../logging/logger';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import type { Db } from '../store/database';
import { receivedStatements } from './queries/sync-received';
import type { SyncSite } from './queries/sync-sites';
import { siteDeviceLabel } from './site-devices';
import { storedFlags } from './stored-flags';

/** A batch this hub will not look into (its frame is broken); the sender keeps it (no PUBACK) and the reason is logged. */
export class SyncBatchRefused extends Error {}

export type RefusedReading = SyncReceipt['refused'][number];

export interface AcceptResult {
  accepted: number;
  duplicates: number;
  /** Readings this hub will not store, with the reason; the batch is still acknowledged and the site told (receipt). */
  refused: RefusedReading[];
  /** The sending hub's id: the receipt goes back to it. */
  origin: string;
}

interface Group {
  readings: SyncReading[];
  seqs: number[];
}

function refusal(r: SyncReading, reason: string): RefusedReading {
  return { id: r.id, reason, org: r.org, device: r.device, variable: r.variable, ts: r.ts };
}

/**
 * The organisation side of sync: stores a site's batch through the pipeline,
 * idempotently, each site organisation's devices apart from the others'
 * (sync_site_devices). Reading ids already received are skipped; the ids of
 * the readings stored are recorded in the same commit, so a batch sent again
 * after a lost PUBACK, a crash or a reconnect creates no duplicates. A reading
 * that cannot be stored is refused on its own, with its reason, and does not
 * hold up the readings after it.
 */
export class OrgReceiver {
  private readonly received;
  /** One batch per site at a time: the duplicate check and the commit must not interleave. */
  private readonly queues = new Map<number, Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly pipeline: Pipeline,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {
    this.received = receivedStatements(db);
  }

  acceptSiteBatch(site: SyncSite, payload: Buffer): Promise<AcceptResult> {
    const previous = this.queues.get(site.id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.accept(site, payload));
    this.queues.set(site.id, next);
    void next
      .finally(() => {
        if (this.queues.get(site.id) === next) this.queues.delete(site.id);
      })
      .catch(() => undefined);
    return next;
  }

  private async accept(site: SyncSite, payload: Buffer): Promise<AcceptResult> {
    let raw: unknown;
    try {
      raw = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      throw new SyncBatchRefused(`the batch is not valid JSON (${(err as Error).message})`);
    }
    let batch: ReturnType<typeof parseSyncBatch>;
    try {
      batch = parseSyncBatch(raw);
    } catch (err) {
      throw new SyncBatchRefused((err as Error).message);
    }
    if (batch.site !== site.siteId) throw new SyncBatchRefused(`the batch names site "${batch.site}" but the token belongs to site "${site.siteId}"`);
    // Created by the writer thread on first use; a pair never seen has received nothing yet.
    const originRef = this.received.findOriginRef(site.id, batch.origin) ?? (await this.pipeline.write('sync-origin-ref', { siteRef: site.id, origin: batch.origin }));
    const now = this.clock();

    const refused: RefusedReading[] = [];
    const groups = new Map<string, Group>();
    const seen = new Set<number>();
    let duplicates = 0;
    for (const entry of batch.readings) {
      if (!entry.ok) {
        refused.push({ id: entry.id, reason: entry.reason });
        continue;
      }
      const r = entry.reading;
      const { seq } = parseReadingUid(r.id);
      if (seen.has(seq) || this.received.has(originRef, seq)) {
        duplicates += 1;
        continue;
      }
      seen.add(seq);
      const deviceLabel = siteDeviceLabel(this.db, site, r.org, r.device, now);
      if (!deviceLabel) {
        refused.push(refusal(r, `no free device label on the organisation hub for device "${r.device}" of organisation "${r.org}"`));
        continue;
      }
      const g = groups.get(deviceLabel) ?? { readings: [], seqs: [] };
      g.readings.push(r);
      g.seqs.push(seq);
      groups.set(deviceLabel, g);
    }
    const share = Math.ceil(payload.length / Math.max(1, groups.size));
    const results = await Promise.all(
      [...groups].map(async ([deviceLabel, g]) => {
        const result = await this.pipeline.ingest({
          // The device exists (siteDeviceLabel made it): never create one under another label here.
          principal: { kind: 'internal', orgId: site.orgId, actor: `site:${site.siteId}`, canCreateDevices: false },
          protocol: 'sync',
          deviceLabel,
          dots: g.readings.map(toDot),
          bytes: share,
          commitHook: {
            name: 'sync-received',
            payload: { originRef, readings: g.readings.map((r, i) => ({ seq: g.seqs[i]!, variable: r.variable, ts: r.ts, value: r.value })) },
          },
        });
        return { deviceLabel, g, result };
      }),
    );
    let accepted = 0;
    for (const { deviceLabel, g, result } of results) {
      accepted += result.stored.length;
      if (result.refused) {
        for (const r of g.readings) refused.push(refusal(r, `device "${deviceLabel}" refused on the organisation hub: ${result.refused.message}`));
        continue;
      }
      storedFlags(g.readings, result.stored).forEach((ok, i) => {
        if (ok) return;
        const r = g.readings[i]!;
        const why = result.rejected.find((x) => x.variable === r.variable);
        refused.push(refusal(r, why?.message ?? 'not stored by the organisation hub'));
      });
    }
    if (refused.length > 0) this.logger.warn({ site: site.siteId, refused: refused.length, reason: refused[0]!.reason.slice(0, 200) }, 'sync readings refused; the site is told in a receipt');
    return { accepted, duplicates, refused, origin: batch.origin };
  }
}

function toDot(r: SyncReading): Dot {
  return { variable: r.variable, value: r.value, ts: r.ts, context: r.context };
}
