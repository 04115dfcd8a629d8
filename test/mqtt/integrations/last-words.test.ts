import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { test } from 'node:test';
import type { Client } from 'aedes';
import { parser as mqttParser } from 'mqtt-packet';
import { closeWithLastWords } from '../../../src-main/broker/last-words';
import { brokerLimits } from '../../../src-main/broker/deps';

/**
 * A session the hub closes is sent at most brokerLimits.maxLastWordsPerSession
 * empty configs (docs/INTEGRATIONS.md "Limits"): over a real loopback socket,
 * read back with mqtt-packet's parser.
 */
test('last words: at most 5,000 empty configs to one closing session, then the connection closes', async () => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const reader = connect((server.address() as { port: number }).port, '127.0.0.1');
  const [conn] = await accepted;
  const received: string[] = [];
  const p = mqttParser();
  p.on('packet', (packet) => {
    if (packet.cmd === 'publish') received.push(packet.topic);
  });
  reader.on('data', (chunk: Buffer) => p.parse(chunk));
  const ended = once(reader, 'close');
  // The part of an aedes client closeWithLastWords uses: its socket, and close().
  const client = { conn, closed: false, close: () => conn.end() } as unknown as Client;
  const topics = Array.from({ length: brokerLimits.maxLastWordsPerSession + 1000 }, (_, i) => `homeassistant/sensor/outpost_x/d${i}/config`);
  closeWithLastWords(client, topics);
  await ended;
  server.close();
  assert.equal(brokerLimits.maxLastWordsPerSession, 5_000, 'docs/INTEGRATIONS.md "Limits" names 5,000');
  assert.equal(received.length, 5_000);
  assert.deepEqual(received.slice(0, 2), topics.slice(0, 2));
});
