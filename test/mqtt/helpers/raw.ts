import { once } from 'node:events';
import { after } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import mqttPacket, { type Packet } from 'mqtt-packet';
import type { TestHub } from './hub';

/** A raw MQTT 3.1.1 session on a TLS socket: sends any bytes, records every packet the hub sends and when it closes. */
export interface RawMqtt {
  socket: TLSSocket;
  packets: Packet[];
  closed: Promise<void>;
  isClosed(): boolean;
  send(packet: Parameters<typeof mqttPacket.generate>[0]): void;
  /** Resolves with the next packet of this kind, or null if the hub closes the connection first. */
  next(cmd: Packet['cmd'], timeoutMs?: number): Promise<Packet | null>;
}

export async function rawMqtt(hub: TestHub): Promise<RawMqtt> {
  const socket = connect({ host: '127.0.0.1', port: hub.port, ca: hub.ca, servername: 'localhost' });
  after(() => socket.destroy());
  socket.on('error', () => {}); // a reset is one of the outcomes under test
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const packets: Packet[] = [];
  const waiting: { cmd: Packet['cmd']; resolve: (p: Packet | null) => void }[] = [];
  parser.on('packet', (p: Packet) => {
    packets.push(p);
    const i = waiting.findIndex((w) => w.cmd === p.cmd);
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(p);
  });
  socket.on('data', (d: Buffer) => parser.parse(d));
  let closedFlag = false;
  const closed = new Promise<void>((resolve) =>
    socket.on('close', () => {
      closedFlag = true;
      for (const w of waiting.splice(0)) w.resolve(null);
      resolve();
    }),
  );
  await once(socket, 'secureConnect');
  return {
    socket,
    packets,
    closed,
    isClosed: () => closedFlag,
    send: (packet) => socket.write(mqttPacket.generate(packet)),
    next(cmd, timeoutMs = 5_000) {
      const seen = packets.find((p) => p.cmd === cmd);
      if (seen) {
        packets.splice(packets.indexOf(seen), 1);
        return Promise.resolve(seen);
      }
      if (closedFlag) return Promise.resolve(null);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${cmd} within ${timeoutMs} ms`)), timeoutMs);
        waiting.push({
          cmd,
          resolve: (p) => {
            clearTimeout(timer);
            if (p) packets.splice(packets.indexOf(p), 1);
            resolve(p);
          },
        });
      });
    },
  };
}

/** A raw session that has sent CONNECT with `token` and got CONNACK 0. */
export async function rawConnected(hub: TestHub, token: string, clientId = `raw-${Math.random().toString(36).slice(2)}`): Promise<RawMqtt> {
  const raw = await rawMqtt(hub);
  raw.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId, clean: true, keepalive: 60, username: token });
  const connack = await raw.next('connack');
  if (!connack || (connack as { returnCode?: number }).returnCode !== 0) throw new Error(`CONNECT refused: ${JSON.stringify(connack)}`);
  return raw;
}

/** SUBSCRIBE (MQTT-3.8) built by hand, so the filter can hold any bytes. */
export function rawSubscribe(messageId: number, filter: Buffer, qos = 0): Buffer {
  const body = Buffer.concat([Buffer.from([messageId >> 8, messageId & 0xff, filter.length >> 8, filter.length & 0xff]), filter, Buffer.from([qos])]);
  if (body.length > 127) throw new Error('rawSubscribe builds short packets only');
  return Buffer.concat([Buffer.from([0x82, body.length]), body]);
}
