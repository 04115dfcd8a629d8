import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Client } from 'aedes';
import type { StoredPacket } from 'aedes-persistence/asyncPersistence.js';
import { HubPersistence } from '../../src-main/broker/persistence';
import { StoredSessions } from '../../src-main/broker/stored-sessions';
import type { AppPrincipal } from '../../src-main/access/principal';
import { createLogger } from '../../src-main/logging/logger';

// Found by review of the integration broker: queues of offline sessions had no bound, a message refused at
// delivery cleared another one from the queue, queued messages kept the publisher's QoS, and a revoked
// credential's stored sessions stayed behind.

let counter = 0;
function packet(topic: string, qos: number, payload = 'x'): StoredPacket {
  counter += 1;
  return { cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false, brokerId: 'hub', brokerCounter: counter };
}

async function queued(p: HubPersistence, id: string): Promise<StoredPacket[]> {
  const out: StoredPacket[] = [];
  for await (const q of p.outgoingStream({ id } as Client)) out.push(q as StoredPacket);
  return out;
}

test('an offline session keeps at most its queue limits, dropping the oldest, and says how many went', async () => {
  const p = new HubPersistence(100, 1024 * 1024);
  for (let i = 0; i < 150; i++) await p.outgoingEnqueueCombi([{ clientId: 'ha' }, { clientId: 'nr' }], packet(`t/${i}`, 1));
  const ha = await queued(p, 'ha');
  assert.equal(ha.length, 100);
  assert.equal(ha[0]!.topic, 't/50', 'the oldest went first');
  assert.deepEqual([...p.takeDropped()], [['ha', 50], ['nr', 50]]);
  assert.equal(p.takeDropped().size, 0, 'reported once');

  const small = new HubPersistence(1000, 10_000);
  for (let i = 0; i < 20; i++) await small.outgoingEnqueue({ clientId: 'big' }, packet('b', 1, 'y'.repeat(1000)));
  assert.ok((await queued(small, 'big')).length <= 10, 'bytes bound the queue too');
});

test('a queued message refused at delivery (no message id yet) clears itself, not the message before it', async () => {
  const p = new HubPersistence();
  const allowed = packet('outpost/v1/1/devices/a/t', 1);
  const refused = packet('outpost/v1/1/devices/b/t', 1);
  await p.outgoingEnqueue({ clientId: 'ha' }, allowed);
  await p.outgoingEnqueue({ clientId: 'ha' }, refused);
  const [, stored] = await queued(p, 'ha');
  await p.outgoingClearMessageId({ id: 'ha' } as Client, { ...stored!, messageId: undefined });
  assert.deepEqual((await queued(p, 'ha')).map((q) => q.topic), ['outpost/v1/1/devices/a/t']);
});

test('a message is queued at the QoS its subscription was granted (MQTT-3.8.4-6)', async () => {
  const p = new HubPersistence();
  await p.outgoingEnqueueCombi([{ clientId: 'q1', qos: 1 } as { clientId: string }, { clientId: 'q2', qos: 2 } as { clientId: string }], packet('t', 2));
  assert.equal((await queued(p, 'q1'))[0]!.qos, 1);
  assert.equal((await queued(p, 'q2'))[0]!.qos, 2);
});

test('revoking a credential deletes its stored sessions and what was queued for them; sites and others stay', async () => {
  const p = new HubPersistence();
  const stored = new StoredSessions(p, { expiryMs: 86_400_000, perOwner: 10 }, createLogger({ level: 'silent' }), 'mqtt');
  try {
    const app = (appId: number): AppPrincipal => ({ kind: 'app', appId, orgId: 1, scopes: ['readings:read'], deviceIds: null, allowIps: [], allowOrigins: [], serverOnly: false });
    for (const [id, owner, principal] of [['app:1/ha', 'app:1', app(1)], ['app:2/nr', 'app:2', app(2)], ['site:1/s', 'site:1', undefined]] as const) {
      const client = { id } as Client;
      stored.connected(client, owner, false, principal);
      stored.disconnected(client);
      await p.outgoingEnqueue({ clientId: id }, packet('t', 1));
    }
    stored.revoke((principal) => !(principal.kind === 'app' && principal.appId === 1));
    await new Promise((r) => setImmediate(r));
    assert.equal(stored.size, 2);
    assert.equal((await queued(p, 'app:1/ha')).length, 0);
    assert.equal((await queued(p, 'app:2/nr')).length, 1);
    assert.equal((await queued(p, 'site:1/s')).length, 1);
  } finally {
    stored.stop();
  }
});
