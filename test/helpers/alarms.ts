import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolveIngestToken } from '../../src-main/access/device-credentials';
import type { Hub } from '../../src-main/hub';
import type { AlarmDelivery } from '../../src-shared/api/areas/alarm-channels';

export interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A real HTTPS receiver with the hub's certificate (issued by the hub's own CA, tls/material.ts); answers with `statuses` in turn, then 204. */
export async function webhookReceiver(hub: Hub, statuses: number[] = []): Promise<{ server: Server; port: number; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer({ cert: hub.tls.certPem, key: hub.tls.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses.shift() ?? 204;
      if (res.statusCode >= 300 && res.statusCode < 400) res.setHeader('location', 'https://127.0.0.1:1/elsewhere');
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, got };
}

/** One API call as the CLI of organisation `orgId` would make it. */
export async function asCli<T>(hub: Hub, method: string, input: unknown, orgId = 1): Promise<{ ok: boolean; value?: T; code?: string; message?: string }> {
  const r = await hub.registry.call(method, input, { origin: 'cli', principal: { kind: 'cli', osUser: 'test', orgId } });
  return r.ok ? { ok: true, value: r.value as T } : { ok: false, code: r.error.code, message: r.error.message };
}

export async function must<T>(hub: Hub, method: string, input: unknown, orgId = 1): Promise<T> {
  const r = await asCli<T>(hub, method, input, orgId);
  assert.ok(r.ok, JSON.stringify(r));
  return r.value as T;
}

/** Sets the hub's outbound allowlist (security policy webhookHosts). */
export const allowHosts = (hub: Hub, hosts: string[]) => hub.services.access.setPolicy({ ...hub.services.access.policy(), webhookHosts: hosts });

export const deliveries = (hub: Hub, orgId = 1) => must<AlarmDelivery[]>(hub, 'alarmDeliveries.list', {}, orgId);

/** The delivery list once `done` holds for it, or as it is after `timeoutMs` (the assertions that follow say what was wrong). */
export async function deliveriesWhen(hub: Hub, done: (d: AlarmDelivery[]) => boolean, timeoutMs = 10_000): Promise<AlarmDelivery[]> {
  const until = Date.now() + timeoutMs;
  let d = await deliveries(hub);
  while (!done(d) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    d = await deliveries(hub);
  }
  return d;
}

/** One reading of variable `t` through the real pipeline, as an MQTT device with this token would send it. */
export async function sendReading(hub: Hub, token: string, label: string, value: number): Promise<void> {
  const r = resolveIngestToken(hub.db, token);
  assert.ok(r.ok);
  await hub.services.pipeline.ingest({ principal: r.principal, protocol: 'mqtt', deviceLabel: label, dots: [{ variable: 't', value }], bytes: 10 });
}
