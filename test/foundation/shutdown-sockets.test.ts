import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { closeServer, listen } from '../../src-main/lifecycle/listen';

// A console tab reopened its live WebSocket in the moment between the live channel closing its sockets and the
// console listener closing: that socket (upgraded, so no longer the HTTP server's) held `outpost serve` open for
// good. Closing a listener now cuts what is still open after a short grace.
test('closing a listener ends even connections nothing else closes, after a short grace', async () => {
  const server = createServer(() => undefined);
  const { port } = await listen(server, 'test', '127.0.0.1', 0, '--test-port');
  const client: Socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => client.once('connect', resolve));
  const clientClosed = new Promise((resolve) => client.once('close', resolve));
  client.on('error', () => undefined);
  const started = Date.now();
  const closed = await Promise.race([closeServer(server).then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still open'), 10_000))]);
  assert.equal(closed, 'closed', 'the listener closed although the client never ended its connection');
  assert.ok(Date.now() - started >= 900, 'open connections get their grace first');
  await clientClosed;
});
