import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, logged, mosqArgs, startHub, startTool, stopProcess, type TestHub } from '../helpers/hub';
import { addIntegration, devicePublish, mosquittoSub } from './helpers';

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Home Assistant stand-in: mosquitto_sub on the discovery prefix, one `topic len=N` line per message. */
function haWatcher(hub: TestHub, token: string) {
  const tool = startTool('mosquitto_sub', [...mosqArgs(hub, token), '-q', '1', '-t', 'homeassistant/#', '-F', '%t len=%l']);
  const lines = () => tool.output().split('\n').filter((l) => l.includes('/config len='));
  return {
    stop: () => stopProcess(tool.child),
    /** Configs received with content. */
    configs: () => lines().filter((l) => !l.endsWith(' len=0')).map((l) => l.split(' ')[0]!),
    /** Configs received empty: Home Assistant removes those sensors. */
    removed: () => lines().filter((l) => l.endsWith(' len=0')).map((l) => l.split(' ')[0]!),
  };
}

const configsOf = (lines: string[]) => lines.map((l) => l.split(' ')[0]!).sort();

/**
 * Home Assistant discovery follows the integrations (docs/INTEGRATIONS.md,
 * "Discovery follows the integrations"): a revoked or expired integration's
 * Home Assistant is sent its configs empty before it is disconnected, the
 * retained configs no integration may read any more are cleared, a new
 * integration brings them back, and another organisation is untouched.
 */
test('Home Assistant discovery: revoking or expiring an integration removes its sensors; configs follow who may read them', async (t) => {
  // Info level: the hub says when it clears configs no integration may read.
  const hub = await startHub(['--log-level', 'info']);
  const boiler = await hub.addDevice('boiler');
  const pump = await hub.addDevice('pump');
  await devicePublish(hub, boiler, 'boiler', { temperature: 21.5 });
  await devicePublish(hub, pump, 'pump', { pressure: 2 });
  assert.equal((await hub.cli(['org', 'add', 'beta', '--name', 'Beta'])).code, 0);
  const kettleAdd = await hub.cli(['device', 'add', 'kettle', '--org', 'beta', '--json']);
  assert.equal(kettleAdd.code, 0, kettleAdd.stderr);
  await devicePublish(hub, (JSON.parse(kettleAdd.stdout) as { token: string }).token, 'kettle', { level: 1 });
  assert.equal((await hub.cli(['settings', 'set', 'ha-discovery', 'on'])).code, 0);

  const ha = await addIntegration(hub, 'ha', { sub: ['homeassistant/#', 'outpost/v1/1/devices/#'] });
  const boilerOnly = await addIntegration(hub, 'ha-boiler', { sub: ['homeassistant/#'], devices: 'boiler' });
  const betaHa = await addIntegration(hub, 'beta-ha', { org: 'beta', sub: ['homeassistant/#'] });
  const store = await hub.store();
  const idOf = (label: string) => store.db.prepare('SELECT id FROM devices WHERE label = ?').pluck().get(label) as number;
  const boilerTopic = `homeassistant/sensor/outpost_o1_d${idOf('boiler')}/temperature/config`;
  const pumpTopic = `homeassistant/sensor/outpost_o1_d${idOf('pump')}/pressure/config`;

  const haLive = haWatcher(hub, ha);
  const boilerLive = haWatcher(hub, boilerOnly);
  const betaLive = haWatcher(hub, betaHa);
  await eventually(() => (haLive.configs().length === 2 && boilerLive.configs().length === 1 && betaLive.configs().length === 1 ? true : undefined), 15_000, 'every Home Assistant sees its configs');
  assert.deepEqual(haLive.configs().sort(), [boilerTopic, pumpTopic]);
  assert.deepEqual(boilerLive.configs(), [boilerTopic]);

  await t.test('outpost app revoke (another process): that Home Assistant gets every config it read empty, within 2 s, then loses its connection', async () => {
    const revoked = await hub.cli(['app', 'revoke', 'ha']);
    assert.equal(revoked.code, 0, revoked.stderr);
    await eventually(() => (haLive.removed().length === 2 ? true : undefined), 5_000, 'two empty configs for the revoked Home Assistant');
    // revoked_at is taken just before the CLI's transaction commits: an upper bound on the delay (seen within 100 ms polls).
    const ms = Date.now() - (store.db.prepare("SELECT revoked_at FROM apps WHERE name = 'ha'").pluck().get() as number);
    t.diagnostic(`empty configs seen ${ms} ms after the revocation was written`);
    assert.ok(ms < 2_000, `took ${ms} ms`);
    // The boiler's config stays retained for ha-boiler, but this Home Assistant may no longer read it: removed too.
    assert.deepEqual(haLive.removed().sort(), [boilerTopic, pumpTopic]);
    await haLive.stop();
  });

  await t.test('retained configs no integration may read any more are cleared; those another one reads stay; another organisation is untouched', async () => {
    await logged(hub, /"device":"pump"[^\n]*Home Assistant discovery configs cleared/);
    assert.ok(!/"device":"boiler"[^\n]*Home Assistant discovery configs cleared/.test(hub.serve.stderr()), 'ha-boiler still reads the boiler');
    await delay(500);
    assert.deepEqual(boilerLive.removed(), []);
    assert.deepEqual(betaLive.removed(), []);
    assert.deepEqual(configsOf(await mosquittoSub(hub, boilerOnly, ['homeassistant/#'], 1)), [boilerTopic]);
    assert.equal((await mosquittoSub(hub, betaHa, ['homeassistant/#'], 1)).length, 1);
  });

  await t.test('revoking the last integration that reads them clears them; a new integration publishes them again', async () => {
    assert.equal((await hub.cli(['app', 'revoke', 'ha-boiler'])).code, 0);
    await eventually(() => (boilerLive.removed().length === 1 ? true : undefined), 5_000, 'the boiler config removed for ha-boiler');
    await boilerLive.stop();
    await logged(hub, /"device":"boiler"[^\n]*Home Assistant discovery configs cleared/);
    assert.deepEqual(betaLive.removed(), []);
    const again = await addIntegration(hub, 'ha-again', { sub: ['homeassistant/#'] });
    const lines = await eventually(async () => {
      const l = await mosquittoSub(hub, again, ['homeassistant/#'], 1);
      return l.length === 2 ? l : undefined;
    }, 10_000, 'both configs published again');
    assert.deepEqual(configsOf(lines), [boilerTopic, pumpTopic]);
  });

  await t.test('an integration that expires is told the same, within a second or two of its expiry', async () => {
    // Far enough ahead for the CLI to start on a busy machine (a past expiry is refused).
    const expiresAt = Date.now() + 15_000;
    const temp = await hub.cli(['app', 'add', 'ha-temp', '--scopes', 'devices:read,readings:read', '--mqtt-subscribe', 'homeassistant/#', '--expires', new Date(expiresAt).toISOString(), '--json']);
    assert.equal(temp.code, 0, temp.stderr);
    const tempLive = haWatcher(hub, (JSON.parse(temp.stdout) as { token: string }).token);
    await eventually(() => (tempLive.configs().length === 2 ? true : undefined), 5_000, 'ha-temp sees both configs');
    await eventually(() => (tempLive.removed().length === 2 ? true : undefined), 25_000, 'both configs removed at expiry');
    const late = Date.now() - expiresAt;
    t.diagnostic(`empty configs ${late} ms after the expiry`);
    assert.ok(late < 3_000, `took ${late} ms past the expiry`);
    await tempLive.stop();
    // ha-again still reads them: they stay retained.
    assert.equal((await mosquittoSub(hub, (await addIntegration(hub, 'ha-check', { sub: ['homeassistant/#'] })), ['homeassistant/#'], 1)).length, 2);
  });
});
