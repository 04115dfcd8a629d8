import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCommand } from '../../src-main/commands/queries/commands';
import { eventually, mosqArgs, readings, startHub, startTool, stopProcess } from './helpers/hub';

interface CommandEvent {
  id: string;
  status: string;
  final: boolean;
}

test('commands to a Ubidots device: delivered to a subscriber, pending until it connects, expired when it never does', async (t) => {
  const hub = await startHub();
  const token = await hub.addDevice('valve');
  const command = async (args: string[]) => {
    const r = await hub.cli(['command', 'valve', ...args, '--json']);
    return { code: r.code, event: JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as CommandEvent, stderr: r.stderr };
  };
  const subscribe = () => startTool('stdbuf', ['-oL', 'mosquitto_sub', ...mosqArgs(hub, token), '-t', '/v1.6/devices/valve/setpoint/lv', '-q', '1', '-i', 'valve-fw', '-d']);

  await t.test('a control value reaches a subscribed device on /lv and is reported delivered', async () => {
    const sub = subscribe();
    // Before the SUBACK the command would (rightly) wait as pending. (stdbuf: mosquitto_sub's debug lines are otherwise block-buffered.)
    await eventually(() => (sub.output().includes('received SUBACK') ? true : undefined), 10_000, 'SUBACK');
    const r = await command(['setpoint', '42', '--wait', '10000']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.event.status, 'delivered');
    await eventually(() => (sub.output().split('\n').includes('42') ? true : undefined), 10_000, `42 on /lv; got ${sub.output()}`);
    const stored = await readings(hub, 'valve', 'setpoint');
    assert.deepEqual(
      stored.map((x) => x.value),
      [42],
      'the control value is a reading',
    );
    await stopProcess(sub.child);
  });

  await t.test('a command to a disconnected device stays pending and is delivered when it connects', async () => {
    const r = await command(['setpoint', '43', '--wait', '800']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.event.status, 'pending');
    assert.equal(r.event.final, false);
    const sub = subscribe();
    await eventually(() => (sub.output().split('\n').includes('43') ? true : undefined), 10_000, `43 on /lv; got ${sub.output()}`);
    const store = await hub.store();
    await eventually(() => (findCommand(store.db, r.event.id)?.status === 'delivered' ? true : undefined), 10_000, 'delivered');
    await stopProcess(sub.child);
  });

  await t.test('a command that cannot reach its device before it expires is reported expired and changes nothing', async () => {
    const r = await command(['setpoint', '44', '--expires', '300', '--wait', '3000']);
    assert.equal(r.code, 1);
    assert.equal(r.event.status, 'expired');
    assert.match(r.stderr + JSON.stringify(r.event), /expired/);
    const stored = await readings(hub, 'valve', 'setpoint');
    assert.ok(!stored.some((x) => x.value === 44), 'an expired control value was never applied');
  });

  await t.test('bad command input gets a clear error', async () => {
    const r = await hub.cli(['command', 'valve', 'setpoint', 'warm']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /VALUE must be a number; got "warm"/);
    const unknown = await hub.cli(['command', 'nosuch', 'setpoint', '1', '--json']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /There is no device "nosuch"/);
  });
});
