import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LiveIpcMessage } from '../../src-shared/api/live';
import { createIpcLive, maxFeedsPerWindow } from '../../src-main/desktop/ipc-live';
import { appOrigin } from '../../src-main/desktop/window-policy';
import { addDevice } from '../../src-main/devices/lifecycle';
import type { Hub } from '../../src-main/hub';
import { rpc, secondOrganisation, signInTwoOrganisations } from '../access/helpers';
import { startTestHub } from '../helpers/hub';

const window = { url: `${appOrigin}/index.html#/`, mainFrame: true };
const password = 'ipc live passphrase 1';

/** One subscription's messages, queued so none is missed between awaits. */
function inbox() {
  const messages: LiveIpcMessage[] = [];
  let wake: (() => void) | undefined;
  return {
    messages,
    post: (message: LiveIpcMessage) => {
      messages.push(message);
      wake?.();
    },
    async next<T extends LiveIpcMessage['type']>(type: T, timeoutMs = 15_000): Promise<Extract<LiveIpcMessage, { type: T }>> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const i = messages.findIndex((m) => m.type === type);
        if (i >= 0) return messages.splice(i, 1)[0] as Extract<LiveIpcMessage, { type: T }>;
        const left = until - Date.now();
        if (left <= 0) throw new Error(`no "${type}" message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
  };
}

/** A reading committed by the real pipeline, as any listener would hand it over. */
async function ingest(hub: Hub, orgId: number, deviceLabel: string, value: number, canCreateDevices = false): Promise<void> {
  await hub.services.pipeline.ingest({
    principal: { kind: 'internal', orgId, actor: 'test', canCreateDevices },
    protocol: 'command',
    deviceLabel,
    dots: [{ variable: 'temperature', value }],
    bytes: 32,
  });
}

const devicesOf = (m: Extract<LiveIpcMessage, { type: 'readings' }>) => m.readings.map((r) => `${r.device}=${r.value}`);

test('live feeds over IPC against a real hub: the WebSocket’s authentication and device filter, other organisations get nothing, a signed-out session gets SESSION_ENDED and stops', async () => {
  const hub = await startTestHub();
  const base = { url: `https://localhost:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  const orgB = await secondOrganisation(hub);
  const pump = addDevice(hub.db, { orgId: 1, label: 'pump-1' }).device.id;
  const boiler = addDevice(hub.db, { orgId: 1, label: 'boiler-7' }).device.id;
  const tank = addDevice(hub.db, { orgId: orgB, label: 'tank-9' }).device.id;
  // The reader's group holds pump-1 only.
  const tokens = await signInTwoOrganisations(hub.services.access, base, orgB, password, [pump]);
  const live = createIpcLive({ feeds: hub.services.live });

  const ownerA = inbox();
  const readerA = inbox();
  const ownerB = inbox();
  live.subscribe(1, window, 'feed-1', tokens.ownerA, ownerA.post);
  live.subscribe(2, window, 'feed-1', tokens.readerA, readerA.post);
  live.subscribe(3, window, 'feed-1', tokens.ownerB, ownerB.post);
  assert.deepEqual((await ownerA.next('ready')).deviceIds.sort(), [pump, boiler].sort());
  assert.deepEqual((await readerA.next('ready')).deviceIds, [pump]);
  assert.deepEqual((await ownerB.next('ready')).deviceIds, [tank]);
  assert.equal(live.size, 3);

  // In this order: a reading that leaked would arrive before the one that may.
  await ingest(hub, 1, 'boiler-7', 90);
  await ingest(hub, 1, 'pump-1', 2);
  await ingest(hub, orgB, 'tank-9', 5);
  assert.deepEqual(devicesOf(await readerA.next('readings')), ['pump-1=2'], 'nothing of boiler-7, outside the reader’s group');
  assert.deepEqual(devicesOf(await ownerB.next('readings')), ['tank-9=5'], 'nothing of the other organisation');
  const seenByOwnerA: string[] = [];
  while (seenByOwnerA.length < 2) seenByOwnerA.push(...devicesOf(await ownerA.next('readings')));
  assert.deepEqual(seenByOwnerA, ['boiler-7=90', 'pump-1=2']);

  // A device created by its first reading is in nobody's grant yet: whoever sees every device still gets that reading at once.
  await ingest(hub, 1, 'new-1', 8, true);
  assert.deepEqual(devicesOf(await ownerA.next('readings')), ['new-1=8']);
  await ingest(hub, 1, 'pump-1', 2.5);
  assert.deepEqual(devicesOf(await ownerA.next('readings')), ['pump-1=2.5']);
  assert.deepEqual(devicesOf(await readerA.next('readings')), ['pump-1=2.5'], 'not new-1, outside the reader’s group');

  // A command to pump-1 tells those who see it to refetch its history, and nobody else.
  const sent = await rpc(base, 'commands.send', { deviceId: pump, variable: 'setpoint', value: 1, waitMs: 0 }, tokens.ownerA);
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  assert.deepEqual((await readerA.next('commands')).deviceIds, [pump]);
  assert.deepEqual((await ownerA.next('commands')).deviceIds, [pump]);

  // Signing out ends the reader's feed at once: SESSION_ENDED, then closed, and nothing more.
  assert.equal((await rpc(base, 'auth.logout', {}, tokens.readerA)).status, 200);
  const ended = await readerA.next('error');
  assert.equal(ended.code, 'SESSION_ENDED');
  assert.equal((await readerA.next('closed')).code, 4440);
  assert.equal(live.size, 2);
  await ingest(hub, 1, 'pump-1', 3);
  assert.deepEqual(devicesOf(await ownerA.next('readings')), ['pump-1=3']);
  await ingest(hub, orgB, 'tank-9', 6);
  assert.deepEqual(devicesOf(await ownerB.next('readings')), ['tank-9=6']);
  assert.deepEqual(readerA.messages, [], 'the ended feed received nothing after it closed');
  assert.equal(ownerB.messages.filter((m) => m.type !== 'readings').length, 0, 'no command notice about another organisation’s device');

  // Refused before anything runs: another page or an iframe, a bad token, a malformed subscription.
  for (const sender of [{ url: 'https://evil.example/', mainFrame: true }, { url: window.url, mainFrame: false }]) {
    const refused = inbox();
    live.subscribe(9, sender, 'feed-1', tokens.ownerA, refused.post);
    assert.equal((await refused.next('error')).code, 'IPC_SENDER_REFUSED');
    assert.equal((await refused.next('closed')).code, 4403);
  }
  const forged = inbox();
  live.subscribe(9, window, 'feed-1', `ops_${'A'.repeat(43)}`, forged.post);
  assert.equal((await forged.next('error')).code, 'UNAUTHENTICATED');
  assert.equal((await forged.next('closed')).code, 4401);
  const malformed = inbox();
  live.subscribe(9, window, { not: 'an id' }, tokens.ownerA, malformed.post);
  assert.equal((await malformed.next('error')).code, 'INVALID_INPUT');
  assert.equal(live.size, 2);

  // A page that reloads without closing its feeds cannot pile them up; unsubscribing and forgetting a window stop them.
  for (let i = 0; i < maxFeedsPerWindow + 3; i++) live.subscribe(5, window, `feed-${i}`, tokens.ownerA, () => undefined);
  assert.equal(live.size, 2 + maxFeedsPerWindow);
  live.forgetWindow(5);
  live.unsubscribe(3, 'feed-1');
  assert.equal(live.size, 1);
  await ingest(hub, orgB, 'tank-9', 7);
  await ingest(hub, 1, 'pump-1', 4);
  assert.deepEqual(devicesOf(await ownerA.next('readings')), ['pump-1=4']);
  assert.deepEqual(ownerB.messages, [], 'an unsubscribed feed gets nothing');

  // The hub stopping closes what is left, and refuses new feeds.
  live.closeAll();
  assert.deepEqual(await ownerA.next('closed'), { type: 'closed', code: 1001, reason: 'The hub is stopping.' });
  assert.equal(live.size, 0);
  const late = inbox();
  live.subscribe(1, window, 'feed-2', tokens.ownerA, late.post);
  assert.equal((await late.next('closed')).code, 1001);
});
