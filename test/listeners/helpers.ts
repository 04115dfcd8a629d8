import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { Hub } from '../../src-main/hub';
import { addDevice } from '../../src-main/devices/lifecycle';
import { addSite } from '../../src-main/sync/sites';
import { readingUid, syncTopics } from '../../src-shared/sync-format';
import type { HubConfigInput } from '../../src-shared/config';
import { startTestHub } from '../helpers/hub';
import { TcpClient } from '../helpers/tcp-client';

export type ListenerName = 'mqtts' | 'https' | 'tcps' | 'sync-org';
export const tlsListeners: ListenerName[] = ['mqtts', 'https', 'tcps', 'sync-org'];

export interface ListenersHub {
  hub: Hub;
  ca: string;
  caFile: string;
  port(name: ListenerName): number;
  /** One well-behaved client: connects (TLS), sends one reading, waits for its acknowledgement. */
  goodRoundTrip(name: ListenerName): Promise<void>;
}

/** A hub in this process with every TLS device listener on loopback. */
export async function startListenersHub(limits: NonNullable<HubConfigInput['limits']>): Promise<ListenersHub> {
  const hub = await startTestHub({ ports: { console: 0, https: 0, mqtts: 0, tcps: 0, syncOrg: 0 }, limits });
  const caFile = join(hub.config.dataDir, 'tls', 'ca.crt');
  const ca = readFileSync(caFile, 'utf8');
  const { token } = addDevice(hub.db, { label: 'good' });
  const site = addSite(hub.db, 'goodsite');
  const origin = randomUUID();
  let seq = 0;
  const port = (name: ListenerName) => hub.listeners[name]!.port;
  return {
    hub,
    ca,
    caFile,
    port,
    async goodRoundTrip(name) {
      seq += 1;
      if (name === 'mqtts') {
        const c = await mqtt.connectAsync(`mqtts://localhost:${port(name)}`, { username: token, ca, reconnectPeriod: 0, connectTimeout: 30_000, clientId: `good-${seq}` });
        await c.publishAsync('/v1.6/devices/good', JSON.stringify({ t: seq }), { qos: 1 });
        await c.endAsync();
      } else if (name === 'sync-org') {
        const c = await mqtt.connectAsync(`mqtts://localhost:${port(name)}`, { username: 'goodsite', password: site.token, ca, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 30_000, clientId: `goodsite-${seq}` });
        const batch = { v: 1, site: 'goodsite', origin, sentAt: Date.now(), readings: [{ id: readingUid(origin, seq), device: 'remote', variable: 't', ts: Date.now(), value: seq }] };
        await c.publishAsync(syncTopics.readings('goodsite'), JSON.stringify(batch), { qos: 1 });
        await c.endAsync();
      } else if (name === 'tcps') {
        const c = await TcpClient.tls(port(name), ca);
        const reply = await c.ask(`good/1.0|POST|${token}|good=>t:${seq}|end`);
        c.end();
        if (reply !== 'OK') throw new Error(`TCP reply ${reply}`);
      } else {
        const status = await new Promise<number>((resolve, reject) => {
          const req = request(
            { host: '127.0.0.1', servername: 'localhost', port: port(name), path: '/api/v1.6/devices/good', method: 'POST', ca, agent: false, headers: { 'content-type': 'application/json', 'x-auth-token': token } },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            },
          );
          req.on('error', reject);
          req.end(JSON.stringify({ t: seq }));
        });
        if (status !== 200) throw new Error(`HTTPS status ${status}`);
      }
    },
  };
}

/** Median of `n` timed runs, in ms. */
export async function medianMs(n: number, run: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(n / 2)]!;
}

/**
 * `count` TCP connections from `localAddress` (another loopback address than
 * the good client's 127.0.0.1) that never send a byte: half-open as far as TLS
 * goes. Opened in bounded waves so the accept backlog never overflows.
 */
export async function holdHalfOpen(port: number, count: number, localAddress: string, wave = 500): Promise<{ sockets: Socket[]; closed: () => number }> {
  const sockets: Socket[] = [];
  let closed = 0;
  for (let i = 0; i < count; i += wave) {
    const batch = Array.from({ length: Math.min(wave, count - i) }, () => {
      const s = netConnect({ host: '127.0.0.1', port, localAddress });
      s.on('error', () => {});
      s.once('close', () => (closed += 1));
      sockets.push(s);
      return Promise.race([once(s, 'connect'), once(s, 'close')]);
    });
    await Promise.all(batch);
  }
  return { sockets, closed: () => closed };
}

/** Polls until `check` holds or `ms` passed; returns whether it held. */
export async function within(ms: number, check: () => boolean): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}
