import { rootCertificates } from 'node:tls';
import { createTransport } from 'nodemailer';
import type { EmailChannelConfig } from '../../../src-shared/api/areas/alarm-channels';

export interface EmailRequest {
  config: EmailChannelConfig;
  /** Opened from the channel's sealed secret just before sending; never logged. */
  password: string | null;
  /** The alarm event's JSON (outbox.ts alarmEventBody), the same a webhook receives. */
  body: string;
  deliveryId: number;
  /** The delivery row's creation time: with the id it makes a Message-ID that is the same on every retry. */
  createdAt: number;
  timeoutMs: number;
  /** The hub's own CA besides the public roots, so an SMTP server with a certificate from the `outpost` CA works. */
  extraCa?: string | undefined;
}

interface EventBody {
  event: string;
  at: string;
  alarm: {
    id: number;
    rule: { name: string };
    device: { label: string };
    variable: string | null;
    severity: string;
    state: string;
    value: number | null;
    peak: number | null;
    startedAt: string;
    endedAt: string | null;
    acknowledged: { at: string; by: string; comment: string | null } | null;
  };
}

/** Subject and plain text of the message for one alarm event; the JSON body is attached for machines. */
export function alarmEmailText(body: string): { subject: string; text: string } {
  const b = JSON.parse(body) as EventBody;
  const a = b.alarm;
  // Header text must not carry line breaks from a device label or rule name.
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').slice(0, 120);
  const subject = `[Outpost] ${a.severity.toUpperCase()} ${b.event}: ${oneLine(a.rule.name)} on ${oneLine(a.device.label)}`;
  const lines = [
    `Alarm ${a.id} ${b.event} at ${b.at}.`,
    '',
    `Rule:      ${a.rule.name}`,
    `Device:    ${a.device.label}`,
    `Variable:  ${a.variable ?? 'connectivity'}`,
    `Severity:  ${a.severity}`,
    `State:     ${a.state}`,
    `Value:     ${a.value ?? '-'} (peak ${a.peak ?? '-'})`,
    `Started:   ${a.startedAt}`,
    `Ended:     ${a.endedAt ?? '-'}`,
    `Acknowledged: ${a.acknowledged ? `${a.acknowledged.at} by ${a.acknowledged.by}${a.acknowledged.comment ? `: ${a.acknowledged.comment}` : ''}` : 'no'}`,
    '',
    'Open the Outpost console, Alarms, to acknowledge it.',
  ];
  return { subject, text: lines.join('\n') };
}

/**
 * Sends one alarm event by SMTP (nodemailer). TLS is never optional: `tls`
 * connects with TLS, `starttls` refuses a server that does not offer it
 * (`requireTLS`), and the certificate must be valid for the host (public
 * roots or the hub's CA). The whole exchange is bounded by `timeoutMs`.
 * Resolves once the server accepted the message; rejects with its reason.
 */
export async function sendAlarmEmail(r: EmailRequest): Promise<void> {
  const { subject, text } = alarmEmailText(r.body);
  const transport = createTransport({
    host: r.config.host,
    port: r.config.port,
    secure: r.config.security === 'tls',
    requireTLS: r.config.security === 'starttls',
    ignoreTLS: false,
    auth: r.config.username && r.password !== null ? { user: r.config.username, pass: r.password } : undefined,
    tls: { ca: r.extraCa ? [...rootCertificates, r.extraCa] : undefined, minVersion: 'TLSv1.2', rejectUnauthorized: true },
    connectionTimeout: r.timeoutMs,
    greetingTimeout: r.timeoutMs,
    socketTimeout: r.timeoutMs,
    // Nothing of the message comes from files or URLs, and nodemailer's own logging would show the exchange.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      transport.sendMail({
        from: r.config.from,
        to: r.config.to,
        subject,
        text,
        messageId: `<alarm-delivery-${r.deliveryId}.${r.createdAt}@outpost>`,
        headers: { 'X-Outpost-Delivery': String(r.deliveryId) },
        attachments: [{ filename: 'alarm.json', content: r.body, contentType: 'application/json' }],
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the SMTP server did not take the message within ${r.timeoutMs} ms`)), r.timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}
