import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:https';
import { test } from 'node:test';
import { addDevice } from '../../src-main/devices/lifecycle';
import type { Hub } from '../../src-main/hub';
import { allowHosts, asCli, deliveries, deliveriesWhen, must, sendReading, webhookReceiver, type Received } from '../helpers/alarms';
import { startTestHub } from '../helpers/hub';
import { eventually } from '../helpers/ingest';
import { tempDir } from '../helpers/tmp';

const receiver = webhookReceiver;
const allow = allowHosts;
const send = sendReading;

async function setup(hub: Hub, port: number): Promise<{ token: string; secret: string; channelId: number }> {
  allow(hub, ['127.0.0.1']);
  const dev = addDevice(hub.db, { label: 'freezer' });
  const channel = await must<{ id: number; secret: string }>(hub, 'alarmChannels.create', { name: 'on call', kind: 'webhook', url: `https://127.0.0.1:${port}/hook` });
  await must(hub, 'alarmRules.create', {
    name: 'freezer warm',
    spec: { scope: { kind: 'device', deviceId: dev.device.id }, subject: { kind: 'variable', variable: 't' }, op: '>', levels: [{ severity: 'warning', value: -18 }, { severity: 'critical', value: -10 }], channels: [channel.id] },
  });
  return { token: dev.token, secret: channel.secret, channelId: channel.id };
}

test('a raised, escalated, acknowledged and cleared alarm reaches a real HTTPS webhook, signed with the channel secret; the secret is sealed, not stored in clear', async () => {
  const hub = await startTestHub();
  const rx = await receiver(hub);
  const { token, secret, channelId } = await setup(hub, rx.port);
  assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
  const row = hub.db.prepare('SELECT secret FROM alarm_channels WHERE id = ?').get(channelId) as { secret: Buffer };
  assert.ok(!row.secret.includes(Buffer.from(secret)), 'the stored secret is sealed');
  const listed = JSON.stringify(await must(hub, 'alarmChannels.list', {}));
  assert.ok(!listed.includes(secret) && listed.includes('on call'), 'the list never shows the secret again');

  await send(hub, token, 'freezer', -15); // warning
  await hub.services.alarms.flush();
  await send(hub, token, 'freezer', -5); // critical: escalated
  await hub.services.alarms.flush();
  const alarmId = (hub.db.prepare('SELECT id FROM alarms').get() as { id: number }).id;
  await must(hub, 'alarms.ack', { alarmId, comment: 'door open' });
  await send(hub, token, 'freezer', -25);
  await hub.services.alarms.flush();

  await eventually(() => rx.got.length >= 4, 'four webhooks arrive', 10_000);
  for (const r of rx.got) {
    const expected = `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`;
    assert.equal(r.headers['x-outpost-signature'], expected, 'the signature is the HMAC-SHA256 of the raw body');
    const ts = Number(r.headers['x-outpost-timestamp']);
    assert.ok(Math.abs(ts - Date.now() / 1000) < 120, 'a timestamp header in seconds');
    assert.equal(r.headers['content-type'], 'application/json');
  }
  const bodies = rx.got.map((r) => JSON.parse(r.body) as { event: string; alarm: { id: number; device: { label: string }; severity: string; value: number; acknowledged: { comment: string } | null } });
  assert.deepEqual(bodies.map((b) => b.event), ['raised', 'escalated', 'acknowledged', 'cleared']);
  assert.equal(bodies[0]!.alarm.device.label, 'freezer');
  assert.equal(bodies[0]!.alarm.severity, 'warning');
  assert.equal(bodies[0]!.alarm.value, -15);
  assert.equal(bodies[1]!.alarm.severity, 'critical');
  assert.equal(bodies[2]!.alarm.acknowledged?.comment, 'door open');
  assert.equal(bodies.every((b) => b.alarm.id === bodies[0]!.alarm.id), true);
  const status = await deliveriesWhen(hub, (list) => list.length === 4 && list.every((d) => d.status === 'sent'));
  assert.deepEqual(
    status.map((d) => [d.event, d.status, d.attempts]),
    [
      ['cleared', 'sent', 1],
      ['acknowledged', 'sent', 1],
      ['escalated', 'sent', 1],
      ['raised', 'sent', 1],
    ],
  );
  rx.server.close();
});

test('a target that fails twice then answers is retried with backoff until sent; a redirect is a failure, never followed', async () => {
  const hub = await startTestHub();
  hub.services.alarmNotifications.setTiming({ backoffMs: 300, maxAttempts: 5 });
  const rx = await receiver(hub, [500, 302]);
  const { token } = await setup(hub, rx.port);
  await send(hub, token, 'freezer', -5);
  await hub.services.alarms.flush();
  await eventually(() => rx.got.length >= 3, 'three attempts', 15_000);
  const d = await deliveriesWhen(hub, (list) => list[0]?.status === 'sent');
  assert.equal(d.length, 1);
  assert.equal(d[0]!.status, 'sent');
  assert.equal(d[0]!.attempts, 3);
  assert.equal(rx.got.length, 3, 'the redirect target was never asked: only the three attempts arrived here');
  assert.equal(new Set(rx.got.map((r) => r.headers['x-outpost-delivery'])).size, 1, 'each attempt names the same delivery');
  rx.server.close();
});

test('a target that never answers 2xx ends failed after the maximum attempts, with its last error', async () => {
  const hub = await startTestHub();
  hub.services.alarmNotifications.setTiming({ backoffMs: 100, maxAttempts: 3 });
  const rx = await receiver(hub, [500, 503, 502, 500]);
  const { token } = await setup(hub, rx.port);
  await send(hub, token, 'freezer', -5);
  await hub.services.alarms.flush();
  const d = await deliveriesWhen(hub, (list) => list[0]?.status === 'failed', 15_000);
  assert.equal(d[0]?.status, 'failed');
  assert.equal(d[0]?.attempts, 3);
  assert.equal(d[0]?.lastError, 'HTTP 502');
  assert.equal(rx.got.length, 3);
  rx.server.close();
});

test('a target off the allowlist is refused when the channel is created, and a queued delivery to a host removed from the list fails without a request', async () => {
  const hub = await startTestHub();
  const rx = await receiver(hub);
  allow(hub, ['hooks.example.com']);
  const refused = await asCli(hub, 'alarmChannels.create', { name: 'x', kind: 'webhook', url: `https://127.0.0.1:${rx.port}/hook` });
  assert.equal(refused.ok, false);
  assert.equal(refused.code, 'WEBHOOK_HOST_NOT_ALLOWED');
  assert.equal((await asCli(hub, 'alarmChannels.create', { name: 'x', kind: 'webhook', url: 'http://hooks.example.com/x' })).code, 'INVALID_INPUT', 'plain http is refused');
  allow(hub, ['hooks.example.com:8443']);
  assert.equal((await asCli(hub, 'alarmChannels.create', { name: 'x', kind: 'webhook', url: 'https://hooks.example.com/x' })).code, 'WEBHOOK_HOST_NOT_ALLOWED', 'a port-bound entry allows that port only');

  const { token } = await setup(hub, rx.port);
  allow(hub, []);
  await send(hub, token, 'freezer', -5);
  await hub.services.alarms.flush();
  const d = await deliveriesWhen(hub, (list) => list[0]?.status === 'failed');
  assert.equal(d[0]?.status, 'failed');
  assert.match(d[0]?.lastError ?? '', /not on the webhook allowlist/);
  assert.equal(rx.got.length, 0, 'no request was made');
  rx.server.close();
});

test('a delivery still pending when the hub stops is sent after a restart; another organisation sees neither the channel nor its deliveries', async () => {
  const dataDir = tempDir();
  const first = await startTestHub({ dataDir });
  const rx = await receiver(first);
  const port = rx.port;
  rx.server.close(); // nothing listens: the first attempt fails and the row stays pending
  const { token, secret } = await setup(first, port);
  first.services.alarmNotifications.setTiming({ backoffMs: 60_000 });
  await send(first, token, 'freezer', -5);
  await first.services.alarms.flush();
  const d = await deliveriesWhen(first, (list) => (list[0]?.attempts ?? 0) >= 1);
  assert.equal(d[0]?.status, 'pending');
  assert.equal(d[0]?.attempts, 1);
  assert.ok(d[0]!.lastError, 'the refused connection is recorded');
  const orgB = await must<{ id: number }>(first, 'orgs.create', { slug: 'beta', name: 'Beta' });
  assert.deepEqual(await deliveries(first, orgB.id), []);
  assert.deepEqual(await must(first, 'alarmChannels.list', {}, orgB.id), []);
  const devB = addDevice(first.db, { orgId: orgB.id, label: 'b-freezer' }).device.id;
  const theirs = await asCli(first, 'alarmRules.create', { name: 'x', spec: { scope: { kind: 'device', deviceId: devB }, subject: { kind: 'variable', variable: 't' }, op: '>', levels: [{ severity: 'warning', value: 0 }], channels: [d[0]!.channelId] } }, orgB.id);
  assert.equal(theirs.code, 'NOT_FOUND', 'a rule cannot name another organisation’s channel');
  await first.stop();

  // The same data directory, a new hub; the receiver is back on the same port. The backoff has passed.
  const second = await startTestHub({ dataDir });
  second.db.prepare('UPDATE alarm_deliveries SET next_at = 0').run();
  const back = createServer({ cert: second.tls.certPem, key: second.tls.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = 200;
      res.end();
    });
  });
  const got: Received[] = [];
  await new Promise<void>((resolve) => back.listen(port, '127.0.0.1', resolve));
  await eventually(() => got.length === 1, 'the pending delivery is sent after the restart', 10_000);
  assert.equal(got[0]!.headers['x-outpost-signature'], `sha256=${createHmac('sha256', secret).update(got[0]!.body).digest('hex')}`, 'the secret still opens after the restart');
  assert.equal((JSON.parse(got[0]!.body) as { event: string }).event, 'raised');
  back.close();
});

test('a reminder from the evaluator is queued by the alarms-apply writer op in the same transaction and delivered as a "reminder" event', async () => {
  const hub = await startTestHub();
  const rx = await receiver(hub);
  const { token } = await setup(hub, rx.port);
  await send(hub, token, 'freezer', -15);
  await hub.services.alarms.flush();
  const alarm = hub.db.prepare('SELECT id, rule_id AS ruleId, device_id AS deviceId FROM alarms').get() as { id: number; ruleId: number; deviceId: number };
  // What the engine's one-second tick hands over when reminderMinutes has passed (engine.ts), through the real writer thread.
  await hub.services.pipeline.write('alarms-apply', [{ kind: 'remind', ruleId: alarm.ruleId, deviceId: alarm.deviceId, at: Date.now() }]);
  const queued = hub.db.prepare("SELECT event FROM alarm_deliveries WHERE alarm_id = ? ORDER BY id").pluck().all(alarm.id);
  assert.deepEqual(queued, ['raised', 'reminder'], 'the reminder row exists as soon as the op committed');
  await eventually(() => rx.got.length >= 2, 'both arrive', 10_000);
  assert.deepEqual(rx.got.map((r) => (JSON.parse(r.body) as { event: string }).event).sort(), ['raised', 'reminder']);
  rx.server.close();
});
