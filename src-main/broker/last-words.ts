import type { Client } from 'aedes';
import type { Duplex } from 'node:stream';
import { generate } from 'mqtt-packet';
import { brokerLimits } from './deps';

/** A client that does not take its last messages within this long is closed anyway. */
const maxWaitMs = 500;

/**
 * Closes a session the hub ends (a revoked or expired credential), first
 * sending it an empty PUBLISH on each of `topics`: a Home Assistant losing its
 * integration's rights is told to remove the sensors it can no longer read
 * (docs/INTEGRATIONS.md). The session is already out of the registry, so
 * aedes' forward check would drop them: they are written straight to the
 * socket, QoS 0 and retain 0 (MQTT-3.3.1-9: sent on an established
 * subscription), and the connection is closed once they are flushed. At most
 * brokerLimits.maxLastWordsPerSession of them: they are built synchronously.
 */
export function closeWithLastWords(client: Client, topics: readonly string[]): void {
  const conn = client.conn as Duplex;
  if (topics.length === 0 || client.closed || conn.destroyed) {
    client.close();
    return;
  }
  const packets = topics.slice(0, brokerLimits.maxLastWordsPerSession).map((topic) => generate({ cmd: 'publish', topic, payload: Buffer.alloc(0), qos: 0, retain: false, dup: false }));
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    client.close();
  };
  const timer = setTimeout(close, maxWaitMs);
  // The write callback runs once the bytes are handed to the socket (or on an error): closing then loses nothing.
  conn.write(Buffer.concat(packets), () => close());
}
