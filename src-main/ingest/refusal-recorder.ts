import { scrubSecrets } from '../logging/logger';
import { untrusted } from '../logging/untrusted';
import type { Logger } from '../logging/logger';
import type { Pipeline, RefusalDetail } from './pipeline/pipeline';
import type { NewRefusal } from './queries/refusals';

/** Field bounds: a refusal row stays small whatever a client sent. */
const maxLabel = 64;
const maxTarget = 200;
const maxExcerpt = 200;
const maxMessage = 300;
/** Rows waiting for the writer; past this, one summary row says how many were dropped (a flood must not grow memory). */
const maxQueued = 500;
const flushMs = 200;

/** Text for a refusal row: cut short, control characters shown, tokens (and `?token=`) scrubbed, so no secret is kept. */
export function refusalText(value: string | Buffer | undefined, max: number): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : value.subarray(0, max * 4).toString('utf8');
  // eslint-disable-next-line no-control-regex
  return untrusted(scrubSecrets(text).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`), max);
}

/** Paths that carry a token in them (ThingsBoard `/api/v1/{token}/...`): the token segment is never kept. */
function safeTarget(protocol: string, target: string | undefined): string {
  const t = protocol === 'https' && target ? target.replace(/^(\/api\/v1\/)[^/?]+/, '$1[token]') : target;
  return refusalText(t, maxTarget);
}

/**
 * Keeps the recent refusals the pipeline counts (`pipeline.countRejection`,
 * the one place every listener reports them) in the `refusals` table, through
 * a writer op, a few times a second. The hourly accounting is unchanged; this
 * is the "what exactly went wrong, and from where" that the console shows.
 */
export function startRefusalRecorder(pipeline: Pipeline, logger: Logger, now: () => number = Date.now): { stop(): Promise<void> } {
  let queue: NewRefusal[] = [];
  let dropped = 0;
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  const flush = () => {
    timer = null;
    const rows = queue;
    queue = [];
    if (dropped > 0) {
      rows.push({ at: now(), orgId: null, deviceId: null, deviceLabel: '', protocol: 'hub', reason: 'overloaded', target: '', excerpt: '', message: `${dropped} more refusals in a burst were counted but not kept here`, address: '', count: dropped });
      dropped = 0;
    }
    if (rows.length === 0) return;
    writing = writing
      .then(() => pipeline.write('refusals-append', { rows }))
      .catch((err: unknown) => logger.warn({ err }, 'recent refusals not kept; the hourly accounting still counts them'));
  };

  const onRejected = (protocol: string, reason: string, deviceLabel: string, detail: RefusalDetail, count: number) => {
    if (queue.length >= maxQueued) {
      dropped += count;
      return;
    }
    queue.push({
      at: now(),
      orgId: detail.orgId ?? null,
      deviceId: detail.deviceId ?? null,
      deviceLabel: refusalText(deviceLabel, maxLabel),
      protocol,
      reason,
      target: safeTarget(protocol, detail.target),
      excerpt: refusalText(detail.payload, maxExcerpt),
      message: refusalText(detail.message, maxMessage),
      address: refusalText(detail.address, 64),
      count,
    });
    timer ??= setTimeout(flush, flushMs);
  };
  pipeline.live.on('rejected', onRejected);
  return {
    async stop() {
      pipeline.live.off('rejected', onRejected);
      if (timer) clearTimeout(timer);
      flush();
      await writing;
    },
  };
}
