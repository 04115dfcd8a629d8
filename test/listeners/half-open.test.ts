import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holdHalfOpen, medianMs, startListenersHub, tlsListeners, within } from './helpers';

// Issue 9 item 2/3: half-open TLS connections used to be kept (MQTT: for good,
// the handshake failure was only logged; organisation: 120 s, node's default).
// Long enough that all of them are open at once while the good device is timed (opening 2,000 takes a few seconds
// here, and over 5 s when the machine is busy).
const handshakeTimeoutMs = 12_000;
const halfOpen = 2000;

const h = await startListenersHub({ handshakeTimeoutMs, maxConnectionsPerAddress: 5000 });

for (const name of tlsListeners) {
  test(`${name}: ${halfOpen} half-open TLS connections are dropped by the handshake timeout while a good device connects and publishes`, async (t) => {
    await h.goodRoundTrip(name);
    const idle = await medianMs(5, () => h.goodRoundTrip(name));
    const started = Date.now();
    const flood = await holdHalfOpen(h.port(name), halfOpen, '127.0.0.2');
    try {
      const opened = Date.now() - started;
      const busy = await medianMs(5, () => h.goodRoundTrip(name));
      const heldDuring = halfOpen - flood.closed();
      t.diagnostic(`${name}: good device connect+publish ${idle.toFixed(1)} ms idle, ${busy.toFixed(1)} ms with ${heldDuring} half-open (2,000 opened in ${opened} ms)`);
      assert.ok(heldDuring >= halfOpen / 2, `the flood was on while the good device was timed (${heldDuring} open)`);
      // The good device's time under attack is a ratio against its own idle time in the same run, with a
      // 20 ms floor (so at least 100 ms): other test files share the two cores, and an idle 6-8 ms became
      // 36-53 ms under the flood when a browser test ran beside this one (7-10 ms when it did not). This catches
      // a listener that makes good devices wait behind the flood; the main check is that all of it is closed.
      assert.ok(busy <= 5 * Math.max(idle, 20), `round trip ${busy.toFixed(1)} ms under ${halfOpen} half-open connections vs ${idle.toFixed(1)} ms idle`);
      // Before the fix these stayed open for 10 s (HTTPS, TCP), 120 s (organisation) or for good (MQTT).
      const allClosed = await within(started + opened + handshakeTimeoutMs + 2500 - Date.now(), () => flood.closed() === halfOpen);
      assert.ok(allClosed, `${flood.closed()} of ${halfOpen} half-open connections closed by the hub ${Date.now() - started} ms after the first (opening took ${opened} ms)`);
      await h.goodRoundTrip(name);
    } finally {
      for (const s of flood.sockets) s.destroy();
    }
  });
}
