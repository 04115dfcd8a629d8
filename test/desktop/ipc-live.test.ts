import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { LiveIpcMessage } from '../../src-shared/api/live';
import type { LiveAccess } from '../../src-main/console/live-feed';
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
  const first = inbox();
  for (let i = 0; i < maxFeedsPerWindow + 3; i++) live.subscribe(5, window, `feed-${i}`, tokens.ownerA, i === 0 ? first.post : () => undefined);
  assert.equal((await first.next('closed')).code, 4429, 'the evicted oldest feed is told it ended');
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

/**
 * The hub's real access, with the feed's re-checks under the test's control:
 * while `held` is set, a re-check reads its real answer at once but hands it
 * over only when `held` resolves (a slow re-check); `fail` makes re-checks throw.
 */
function controlledAccess(real: LiveAccess) {
  const control = { fail: false, read: 0, answered: 0, held: undefined as Promise<void> | undefined };
  const access: LiveAccess = {
    async open(req) {
      const opened = await real.open(req);
      if (!opened.ok) return opened;
      const { grant } = opened;
      return {
        ok: true,
        grant: {
          deviceIds: grant.deviceIds,
          async refresh() {
            if (control.fail) throw new Error('test: the re-check failed');
            const held = control.held;
            const now = await grant.refresh();
            control.read++;
            await held;
            control.answered++;
            return now;
          },
        },
      };
    },
  };
  const hold = () => {
    let release!: () => void;
    control.held = new Promise<void>((resolve) => (release = resolve));
    return release;
  };
  return { access, control, hold };
}

async function until(what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('live feed re-checks: a slower, older answer never widens a newer narrower one; a failing re-check ends the feed; readings of a new device held while it is checked all arrive', async () => {
  const hub = await startTestHub();
  const base = { url: `https://localhost:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  const orgB = await secondOrganisation(hub);
  const pump = addDevice(hub.db, { orgId: 1, label: 'pump-1' }).device.id;
  const boiler = addDevice(hub.db, { orgId: 1, label: 'boiler-7' }).device.id;
  const tokens = await signInTwoOrganisations(hub.services.access, base, orgB, password, [pump, boiler]);
  const { access, control, hold } = controlledAccess(hub.services.live.access);
  const changes = new EventEmitter();
  // Re-checks run only when this test says so.
  const live = createIpcLive({ feeds: { ...hub.services.live, access, changes, recheckMs: 600_000 } });
  const reader = inbox();
  const owner = inbox();
  live.subscribe(1, window, 'feed-1', tokens.readerA, reader.post);
  live.subscribe(2, window, 'feed-1', tokens.ownerA, owner.post);
  assert.deepEqual((await reader.next('ready')).deviceIds.sort(), [pump, boiler].sort());
  await owner.next('ready');

  // Re-check 1 reads the wide set (pump, boiler) but answers late; boiler leaves the group; re-check 2 reads the narrow set and answers first.
  let release = hold();
  changes.emit('change');
  await until('the slow re-checks to read', () => control.read === 2);
  control.held = undefined;
  const groups = await rpc(base, 'groups.list', {}, tokens.ownerA);
  const group = (groups.body.result as { id: number; name: string }[]).find((g) => g.name === 'readers')!;
  assert.equal((await rpc(base, 'groups.update', { id: group.id, deviceIds: [pump] }, tokens.ownerA)).status, 200);
  changes.emit('change');
  await until('the newer re-checks', () => control.answered === 2);
  release();
  await until('the older re-checks', () => control.answered === 4);
  await ingest(hub, 1, 'boiler-7', 91);
  await ingest(hub, 1, 'pump-1', 5);
  assert.deepEqual(devicesOf(await reader.next('readings')), ['pump-1=5'], 'boiler-7 left the group: the stale wider answer did not bring it back');

  // Two quick batches of a device created by its first reading, while its check is held: both arrive, in order.
  release = hold();
  const read = control.read;
  await ingest(hub, 1, 'new-2', 1, true);
  await until('the new device’s checks to read', () => control.read === read + 2);
  await ingest(hub, 1, 'new-2', 2, true);
  release();
  const seen: string[] = [];
  while (seen.length < 2) seen.push(...devicesOf(await owner.next('readings')).filter((d) => d.startsWith('new-2')));
  assert.deepEqual(seen, ['new-2=1', 'new-2=2']);

  // A re-check that throws ends the feed (fail closed) and nothing follows.
  control.fail = true;
  changes.emit('change');
  assert.equal((await reader.next('error')).code, 'INTERNAL');
  assert.equal((await reader.next('closed')).code, 1011);
  assert.equal((await owner.next('closed')).code, 1011);
  assert.equal(live.size, 0);
  reader.messages.length = 0;
  // A feed on the hub's own access still gets the next reading; the ended one does not.
  const plain = createIpcLive({ feeds: hub.services.live });
  const other = inbox();
  plain.subscribe(3, window, 'feed-1', tokens.readerA, other.post);
  await other.next('ready');
  await ingest(hub, 1, 'pump-1', 7);
  assert.deepEqual(devicesOf(await other.next('readings')), ['pump-1=7']);
  assert.deepEqual(reader.messages, [], 'the ended feed got nothing after it closed');
  plain.closeAll();
});
