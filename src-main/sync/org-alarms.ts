import { syncAlarmBatchSchema } from '../../src-shared/sync-alarms';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import type { SyncSite } from './queries/sync-sites';
import { SyncBatchRefused } from './org-receiver';

/**
 * The organisation side of alarm sync: checks a site's alarm batch (a trust
 * boundary) and stores its events on the writer thread, once per (site,
 * origin, alarm id, seq). Resolves after the commit, so the PUBACK follows it.
 */
export async function acceptSiteAlarms(pipeline: Pick<Pipeline, 'write'>, site: SyncSite, payload: Buffer, now: number): Promise<{ added: number; duplicates: number }> {
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new SyncBatchRefused(`the alarm batch is not valid JSON (${(err as Error).message})`);
  }
  const parsed = syncAlarmBatchSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SyncBatchRefused(`the alarm batch does not follow the format: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.slice(0, 300));
  }
  if (parsed.data.site !== site.siteId) throw new SyncBatchRefused(`the alarm batch names site "${parsed.data.site}" but the token belongs to site "${site.siteId}"`);
  const added = await pipeline.write('sync-alarms-received', { siteRef: site.id, origin: parsed.data.origin, events: parsed.data.events, now });
  return { added, duplicates: parsed.data.events.length - added };
}
