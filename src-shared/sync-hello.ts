import { z } from 'zod';
import { residencyLabelPattern, residencyLabelSchema } from './residency';
import { siteIdSchema } from './sync-format';

/**
 * The sync handshake (docs/STEWARDSHIP.md, "Residency"). MQTT 3.1.1's CONNECT
 * has no field for it (the organisation listener speaks 3.1.1), and a plain
 * broker may drop a connection that publishes to a topic its ACL does not
 * allow (Mosquitto 2.0 does), so the hello is a *subscription*, in the same
 * SUBSCRIBE as the commands and receipts topics:
 * `outpost/v1/sites/{site}/hello/{label|none}`. A plain broker refuses it
 * (SUBACK 0x80) and the site goes on as before. An Outpost organisation hub
 * grants it and, right after the SUBACK, answers with a hello reply on the
 * site's receipts topic (QoS 0: for this connection only); the site sends
 * readings only once it has that answer.
 */
export function parseHelloTopic(site: string, topic: string): { residency: string | null } | null {
  const prefix = `outpost/v1/sites/${site}/hello/`;
  if (!topic.startsWith(prefix)) return null;
  const label = topic.slice(prefix.length);
  if (label === 'none') return { residency: null };
  return residencyLabelPattern.test(label) ? { residency: label } : null;
}

/** Untrusted text from the other end: bounded before it is stored or shown. */
const bounded = (max: number) => z.string().min(1).transform((s) => (s.length > max ? `${s.slice(0, max - 3)}...` : s));

/** The organisation hub's answer: accepted, or refused with why. */
export const syncHelloReplySchema = z
  .object({
    v: z.literal(2),
    kind: z.literal('hello-reply'),
    site: siteIdSchema,
    accepted: z.boolean(),
    required: residencyLabelSchema.nullable(),
    code: z.string().max(64).optional(),
    message: bounded(500).optional(),
  })
  .strict();
export type SyncHelloReply = z.input<typeof syncHelloReplySchema>;

export function residencyRefusal(required: string, offered: string | null): string {
  return `The organisation hub requires data residency "${required}"; this site's label is ${offered === null ? 'not set' : `"${offered}"`}.`;
}
