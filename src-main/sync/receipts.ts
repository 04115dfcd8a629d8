import { parseReadingUid, syncReceiptSchema } from '../../src-shared/sync-format';
import type { Logger } from '../logging/logger';
import type { DeadLetterStatements } from './queries/sync-dead-letters';

/**
 * A receipt from an Outpost organisation hub: the readings of an acknowledged
 * batch it refused, with the reason. Each becomes a dead letter here. Only
 * this hub's own reading ids count: a receipt is untrusted input.
 */
export function handleReceipt(deadLetters: DeadLetterStatements, logger: Logger, siteId: string, origin: string, payload: Buffer, now: number): void {
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch {
    logger.warn({ site: siteId }, 'sync receipt ignored: not JSON');
    return;
  }
  const parsed = syncReceiptSchema.safeParse(raw);
  if (!parsed.success || parsed.data.site !== siteId || parsed.data.origin !== origin) {
    logger.warn({ site: siteId, detail: parsed.success ? 'for another site or hub' : parsed.error.issues[0]?.message }, 'sync receipt ignored');
    return;
  }
  let added = 0;
  for (const r of parsed.data.refused) {
    const { origin: of, seq } = parseReadingUid(r.id);
    if (of !== origin) continue;
    if (deadLetters.add({ seq, at: now, source: 'upstream', reason: r.reason, org: r.org, device: r.device, variable: r.variable, ts: r.ts })) added += 1;
  }
  if (added > 0) logger.warn({ site: siteId, refused: added, reason: parsed.data.refused[0]!.reason.slice(0, 200) }, 'the organisation refused readings; they are set aside as dead letters');
}
