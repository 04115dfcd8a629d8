import mqtt, { type MqttClient } from 'mqtt';

export interface Target {
  url: string;
  ca: string;
  /** One username (token) per connection. */
  usernames: string[];
  topic(connection: number): string;
}

export interface LoadResult {
  messages: number;
  ms: number;
}

/** `{"v0": .., "v1": .., ...}`: a Ubidots body with `variables` values. */
export function payloadOf(variables: number, n: number): string {
  const body: Record<string, number> = {};
  for (let i = 0; i < variables; i++) body[`v${i}`] = (n % 1000) + i / 10;
  return JSON.stringify(body);
}

export async function connectAll(target: Target): Promise<MqttClient[]> {
  const clients = await Promise.all(
    target.usernames.map((username, i) =>
      mqtt.connectAsync(target.url, { username, ca: target.ca, reconnectPeriod: 0, clientId: `bench-${i}-${process.pid}`, protocolVersion: 4 }),
    ),
  );
  // mqtt.js waits for 'drain' once per unacknowledged QoS 1 message: a full window is expected.
  for (const c of clients) c.stream.setMaxListeners(0);
  return clients;
}

/**
 * QoS 1, pipelined: each connection keeps `window` PUBLISHes unacknowledged
 * and sends another as each PUBACK comes in, for `ms` milliseconds. Returns
 * the PUBACKs counted in that time.
 */
export function runQos1(clients: MqttClient[], target: Target, variables: number, window: number, ms: number): Promise<LoadResult> {
  return new Promise((resolve) => {
    let acked = 0;
    let open = clients.length;
    const started = Date.now();
    const until = started + ms;
    clients.forEach((client, i) => {
      const topic = target.topic(i);
      let n = 0;
      let inflight = 0;
      const send = () => {
        while (inflight < window && Date.now() < until) {
          inflight++;
          client.publish(topic, payloadOf(variables, n++), { qos: 1 }, onAck);
        }
        if (inflight === 0 && --open === 0) resolve({ messages: acked, ms: Date.now() - started });
      };
      const onAck = (err?: Error) => {
        inflight--;
        if (!err) acked++;
        if (Date.now() < until) {
          if (inflight < window / 2) send();
        } else if (inflight === 0 && --open === 0) resolve({ messages: acked, ms: Date.now() - started });
      };
      send();
    });
  });
}

/** QoS 0: `perConnection` messages on each connection as fast as the sockets take them. */
export async function runQos0(clients: MqttClient[], target: Target, variables: number, perConnection: number): Promise<number> {
  const started = Date.now();
  await Promise.all(
    clients.map(
      (client, i) =>
        new Promise<void>((resolve) => {
          const topic = target.topic(i);
          let n = 0;
          const pump = () => {
            // mqtt.js calls back when a QoS 0 packet is written (or, when the socket is full, after 'drain'):
            // one batch at a time keeps the client from buffering without bound.
            const batch = Math.min(200, perConnection - n);
            if (batch <= 0) return resolve();
            let pending = batch;
            const written = () => {
              if (--pending === 0) setImmediate(pump);
            };
            for (let k = 0; k < batch; k++) client.publish(topic, payloadOf(variables, n++), { qos: 0 }, written);
          };
          pump();
        }),
    ),
  );
  return Date.now() - started;
}
