import { residencyRefusal, syncHelloReplySchema, type SyncHelloReply } from '../../src-shared/sync-hello';
import type { SyncError } from './upstream-errors';

/** A message on the receipts topic that is a hello reply, parsed; null for anything else (a receipt). */
export function helloReplyOf(payload: Buffer) {
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
  if ((raw as { kind?: unknown } | null)?.kind !== 'hello-reply') return null;
  const parsed = syncHelloReplySchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** The site's error when the organisation hub refused its residency label: what happened and what to do. */
export function residencyRefused(reply: { required: string | null; message?: string | undefined }, own: string | null): SyncError {
  return {
    code: 'UPSTREAM_RESIDENCY',
    message: reply.required ? residencyRefusal(reply.required, own) : (reply.message ?? 'The organisation hub refused this site.'),
    hint: `No reading is sent until the labels match; readings are kept. If this hub's data may stay in ${reply.required ?? 'that region'}: outpost settings set residency ${reply.required ?? 'LABEL'} (console: Hub page). Otherwise ask the organisation which hub this site should sync to.`,
  };
}

/** Organisation side: the answer to a hello, or to readings from a site that sent none. */
export function helloReply(site: string, required: string | null, offered: string | null | undefined): SyncHelloReply {
  const accepted = required === null || required === offered;
  if (accepted) return { v: 2, kind: 'hello-reply', site, accepted, required };
  return { v: 2, kind: 'hello-reply', site, accepted, required, code: 'RESIDENCY_MISMATCH', message: residencyRefusal(required!, offered ?? null) };
}
