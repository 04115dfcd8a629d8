import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import { holdHalfOpen, startListenersHub, tlsListeners, within } from './helpers';

// Issue 9 items 2 and 3: a cap per remote address, a CONNECT timeout after the
// handshake, and a packet-size limit before CONNECT on both MQTT listeners.
const perAddress = 20;
const connectTimeoutMs = 1000;
const h = await startListenersHub({ maxConnectionsPerAddress: perAddress, connectTimeoutMs });

async function tlsClient(port: number): Promise<TLSSocket> {
  const socket = connect({ host: '127.0.0.1', port, ca: h.ca, servername: 'localhost' });
  socket.on('error', () => {});
  await once(socket, 'secureConnect');
  return socket;
}

/** Resolves with how long the server took to close the socket, or rejects after `ms`. */
async function closedWithin(socket: TLSSocket, ms: number): Promise<number> {
  const t0 = Date.now();
  const closed = await within(ms, () => socket.destroyed || socket.readyState === 'closed');
  if (!closed) {
    socket.destroy();
    throw new Error(`the hub kept the connection open for ${ms} ms`);
  }
  return Date.now() - t0;
}

for (const name of tlsListeners) {
  test(`${name}: one address gets ${perAddress} connections; the next is closed at once while other addresses connect`, async () => {
    const held = await holdHalfOpen(h.port(name), perAddress, '127.0.0.3');
    try {
      assert.equal(held.closed(), 0, 'connections up to the cap stay open');
      const extra = await holdHalfOpen(h.port(name), 1, '127.0.0.3');
      assert.ok(await within(2000, () => extra.closed() === 1), 'the connection over the cap is closed at once (long before any timeout)');
      await h.goodRoundTrip(name);
      held.sockets[0]!.destroy();
      await within(2000, () => held.closed() === 1);
      const again = await holdHalfOpen(h.port(name), 1, '127.0.0.3');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(again.closed(), 0, 'a place freed by a closed connection can be used again');
      again.sockets[0]!.destroy();
    } finally {
      for (const s of held.sockets) s.destroy();
    }
  });
}

for (const name of ['mqtts', 'sync-org'] as const) {
  test(`${name}: a TLS client that never sends CONNECT is dropped after the connect timeout`, async () => {
    const socket = await tlsClient(h.port(name));
    const ms = await closedWithin(socket, connectTimeoutMs + 4000);
    assert.ok(ms >= connectTimeoutMs - 200, `closed after ${ms} ms`);
  });

  test(`${name}: an unauthenticated CONNECT declaring 250 MB is refused before its body is buffered`, async () => {
    const socket = await tlsClient(h.port(name));
    // Fixed header: CONNECT, remaining length 268,435,455 (the largest MQTT-2.2.3 allows).
    socket.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]));
    socket.write(Buffer.alloc(1024, 0x41));
    await closedWithin(socket, 3000);
    await h.goodRoundTrip(name);
  });
}

test('the per-address cap counts an IPv6 host by its /64 and an IPv4-mapped address as IPv4', async () => {
  const { addressKey } = await import('../../src-main/lifecycle/connection-limits');
  assert.equal(addressKey('2001:db8:1:2:aaaa::1'), addressKey('2001:db8:1:2:ffff:1:2:3'));
  assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
  assert.equal(addressKey('::ffff:10.0.0.7'), '10.0.0.7');
  assert.equal(addressKey('10.0.0.7'), '10.0.0.7');
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
});
