import { createHmac } from 'node:crypto';
import { request } from 'node:https';
import { rootCertificates } from 'node:tls';

export interface WebhookRequest {
  url: string;
  body: string;
  secret: string;
  deliveryId: number;
  timeoutMs: number;
  /** The hub's own CA besides the public roots, so a target with a certificate from `outpost` CA works. */
  extraCa?: string;
  now?: number;
}

/** `sha256=<hex HMAC-SHA256 of the raw body>` under the channel's secret (docs/ALARMS.md). */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * One POST. Resolves on a 2xx answer; rejects with a short reason otherwise.
 * Redirects are not followed (a 3xx is a failure): the allowlist judged the
 * URL the admin gave, not wherever the target points next. The whole request
 * (connect, TLS, answer) is bounded by `timeoutMs`.
 */
export function postWebhook(r: WebhookRequest): Promise<void> {
  const body = Buffer.from(r.body, 'utf8');
  return new Promise((resolve, reject) => {
    const req = request(
      r.url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          'user-agent': 'Outpost-Alarms/1',
          'x-outpost-signature': webhookSignature(r.secret, r.body),
          'x-outpost-timestamp': String(Math.floor((r.now ?? Date.now()) / 1000)),
          'x-outpost-delivery': String(r.deliveryId),
        },
        ca: r.extraCa ? [...rootCertificates, r.extraCa] : undefined,
        signal: AbortSignal.timeout(r.timeoutMs),
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        res.on('end', () => {
          if (status >= 200 && status < 300) resolve();
          else if (status >= 300 && status < 400) reject(new Error(`HTTP ${status}: redirects are not followed; give the final URL`));
          else reject(new Error(`HTTP ${status}`));
        });
        res.on('error', reject);
      },
    );
    req.on('error', (err: Error) => reject(err.name === 'AbortError' || err.name === 'TimeoutError' ? new Error(`no answer within ${r.timeoutMs} ms`) : err));
    req.end(body);
  });
}
