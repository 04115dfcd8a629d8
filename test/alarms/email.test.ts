import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { createInterface } from 'node:readline';
import { addDevice } from '../../src-main/devices/lifecycle';
import { createHub, type Hub } from '../../src-main/hub';
import { createLogger } from '../../src-main/logging/logger';
import type { AlarmChannel, AlarmDelivery } from '../../src-shared/api/areas/alarm-channels';
import { allowHosts, asCli, deliveriesWhen, must, sendReading } from '../helpers/alarms';
import { startTestHub } from '../helpers/hub';
import { eventually } from '../helpers/ingest';
import { tempDir } from '../helpers/tmp';

const python = '/usr/bin/python3';
const script = join(import.meta.dirname, 'fixtures', 'smtp_receiver.py');
const password = 'smtp-Pa55-word-7f3a';

interface Mail {
  from: string;
  to: string[];
  data: string;
  tls: boolean;
}
interface Smtp {
  port: number;
  mails: Mail[];
  auths: Array<{ ok: boolean; tls: boolean }>;
  refused: number;
  child: ChildProcess;
}

/** A real SMTP server (aiosmtpd, fixtures/smtp_receiver.py) with the hub's certificate, issued by the hub's own CA. */
async function smtpServer(hub: Hub, mode: 'starttls' | 'tls' | 'plain', env: Record<string, string> = {}): Promise<Smtp> {
  const dir = tempDir();
  writeFileSync(join(dir, 'cert.pem'), hub.tls.certPem);
  writeFileSync(join(dir, 'key.pem'), hub.tls.keyPem, { mode: 0o600 });
  const child = spawn(python, [script, mode, join(dir, 'cert.pem'), join(dir, 'key.pem')], { env: { ...process.env, SMTP_USER: 'alarms', SMTP_PASSWORD: password, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  after(() => child.kill());
  const smtp: Smtp = { port: 0, mails: [], auths: [], refused: 0, child };
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`the SMTP server stopped (${code}): ${stderr}`)));
    lines.on('line', (line) => {
      const e = JSON.parse(line) as { port?: number; mail?: Mail; auth?: string; ok?: boolean; tls?: boolean; refused?: boolean };
      if (e.port) {
        smtp.port = e.port;
        resolve();
      }
      if (e.mail) smtp.mails.push(e.mail);
      if (e.auth) smtp.auths.push({ ok: e.ok!, tls: e.tls! });
      if (e.refused) smtp.refused += 1;
    });
  });
  return smtp;
}

const call = asCli;
const allow = allowHosts;
const deliveriesSoon = (hub: Hub, done: (d: AlarmDelivery[]) => boolean) => deliveriesWhen(hub, done, 15_000);

const emailChannel = (port: number, extra: Record<string, unknown> = {}) => ({
  name: 'duty email',
  kind: 'email',
  host: '127.0.0.1',
  port,
  security: 'starttls',
  username: 'alarms',
  password,
  from: 'outpost@example.com',
  to: ['duty@example.com', 'lead@example.com'],
  ...extra,
});

/** A device, an email channel and a rule `t > -18` (warning) naming it; returns a send function. */
async function setup(hub: Hub, channelInput: Record<string, unknown>): Promise<{ send: (v: number) => Promise<void>; channelId: number }> {
  allow(hub, ['127.0.0.1']);
  const dev = addDevice(hub.db, { label: 'freezer' });
  const channel = await must<AlarmChannel>(hub, 'alarmChannels.create', channelInput);
  await must(hub, 'alarmRules.create', {
    name: 'freezer warm',
    spec: { scope: { kind: 'device', deviceId: dev.device.id }, subject: { kind: 'variable', variable: 't' }, op: '>', levels: [{ severity: 'warning', value: -18 }], channels: [channel.id] },
  });
  const send = async (value: number) => {
    await sendReading(hub, dev.token, 'freezer', value);
    await hub.services.alarms.flush();
  };
  return { send, channelId: channel.id };
}

test('a raised alarm reaches a real SMTP server over STARTTLS with login; the password is sealed in the row, never listed, audited or logged', async () => {
  let logs = '';
  const dataDir = tempDir();
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs += chunk.toString();
      done();
    },
  });
  const hub = await createHub({ dataDir, keyFile: `${dataDir}.key`, host: '127.0.0.1', ports: { console: 0, https: null, mqtts: null }, logLevel: 'debug' }, { logger: createLogger({ level: 'debug', destination }) });
  after(() => hub.stop());
  const smtp = await smtpServer(hub, 'starttls');
  const { send, channelId } = await setup(hub, emailChannel(smtp.port));

  const row = hub.db.prepare('SELECT config, secret FROM alarm_channels WHERE id = ?').get(channelId) as { config: string; secret: Buffer };
  assert.ok(!row.config.includes(password), 'the config JSON has no password');
  assert.ok(row.secret.length > 28 && !row.secret.includes(Buffer.from(password)), 'the password is sealed');
  const listed = await must<AlarmChannel[]>(hub, 'alarmChannels.list', {});
  assert.ok(!JSON.stringify(listed).includes(password));
  assert.deepEqual(listed[0], {
    id: channelId,
    name: 'duty email',
    kind: 'email',
    email: { host: '127.0.0.1', port: smtp.port, security: 'starttls', username: 'alarms', from: 'outpost@example.com', to: ['duty@example.com', 'lead@example.com'], hasPassword: true },
    createdAt: listed[0]!.createdAt,
  });
  const audit = JSON.stringify(hub.db.prepare(`SELECT * FROM audit_log`).all());
  assert.ok(!audit.includes(password), 'the audit has no password');

  await send(-5);
  await eventually(() => smtp.mails.length >= 1, 'the email arrives', 15_000);
  const mail = smtp.mails[0]!;
  assert.equal(mail.tls, true, 'the message crossed after STARTTLS');
  assert.deepEqual(smtp.auths, [{ ok: true, tls: true }], 'one login, under TLS');
  assert.equal(mail.from, 'outpost@example.com');
  assert.deepEqual(mail.to, ['duty@example.com', 'lead@example.com']);
  assert.match(mail.data, /^Subject: \[Outpost\] WARNING raised: freezer warm on freezer$/m);
  assert.match(mail.data, /^X-Outpost-Delivery: \d+$/m);
  assert.match(mail.data, /Value: +-5 \(peak -5\)/);
  assert.match(mail.data, /filename=alarm\.json/);
  const d = await deliveriesSoon(hub, (list) => list[0]?.status === 'sent');
  assert.deepEqual(d.map((x) => [x.event, x.status, x.attempts, x.channelName]), [['raised', 'sent', 1, 'duty email']]);
  assert.ok(logs.length > 0 && !logs.includes(password), 'the debug log never has the password');
});

test('implicit TLS (port 465 style) delivers; a temporary SMTP refusal (451) is retried with backoff until accepted', async () => {
  const hub = await startTestHub();
  hub.services.alarmNotifications.setTiming({ backoffMs: 300, maxAttempts: 5 });
  const smtp = await smtpServer(hub, 'tls', { SMTP_FAIL_FIRST: '2' });
  const { send } = await setup(hub, emailChannel(smtp.port, { security: 'tls' }));
  await send(-5);
  const d = await deliveriesSoon(hub, (list) => list[0]?.status === 'sent');
  assert.equal(d[0]?.status, 'sent', JSON.stringify(d));
  assert.equal(d[0]?.attempts, 3);
  assert.equal(smtp.refused, 2);
  assert.equal(smtp.mails.length, 1);
  assert.equal(smtp.mails[0]!.tls, true);
  const ids = smtp.mails[0]!.data.match(/^Message-ID: (.+)$/im);
  assert.ok(ids, 'a Message-ID, the same on every retry');
});

test('a server that offers no STARTTLS is refused before any login or message; a wrong password ends failed with the server’s answer, never the password', async () => {
  const hub = await startTestHub();
  hub.services.alarmNotifications.setTiming({ backoffMs: 100, maxAttempts: 2 });
  const plain = await smtpServer(hub, 'plain');
  const { send } = await setup(hub, emailChannel(plain.port));
  await send(-5);
  const d = await deliveriesSoon(hub, (list) => list[0]?.status === 'failed');
  assert.equal(d[0]?.status, 'failed', JSON.stringify(d));
  assert.match(d[0]?.lastError ?? '', /STARTTLS/i);
  assert.equal(plain.auths.length, 0, 'no login was tried in clear');
  assert.equal(plain.mails.length, 0, 'no message was sent in clear');

  const hub2 = await startTestHub();
  hub2.services.alarmNotifications.setTiming({ backoffMs: 100, maxAttempts: 2 });
  const smtp = await smtpServer(hub2, 'starttls');
  const wrong = await setup(hub2, emailChannel(smtp.port, { password: 'not-the-password' }));
  await wrong.send(-5);
  const w = await deliveriesSoon(hub2, (list) => list[0]?.status === 'failed');
  assert.equal(w[0]?.status, 'failed', JSON.stringify(w));
  assert.equal(w[0]?.attempts, 2);
  assert.match(w[0]?.lastError ?? '', /535|auth/i);
  assert.ok(!(w[0]?.lastError ?? '').includes('not-the-password'));
  assert.equal(smtp.mails.length, 0);
});

test('an SMTP server off the outbound allowlist is refused at creation and a queued email to a server removed later fails without a connection; bad input is refused clearly', async () => {
  const hub = await startTestHub();
  const smtp = await smtpServer(hub, 'starttls');
  allow(hub, ['mail.example.com']);
  const refused = await call(hub, 'alarmChannels.create', emailChannel(smtp.port));
  assert.equal(refused.code, 'SMTP_HOST_NOT_ALLOWED');
  assert.match(refused.message ?? '', /webhookHosts/);
  assert.equal((await call(hub, 'alarmChannels.create', emailChannel(smtp.port, { username: undefined }))).code, 'INVALID_INPUT', 'a password without a username');
  assert.equal((await call(hub, 'alarmChannels.create', emailChannel(smtp.port, { security: 'none' }))).code, 'INVALID_INPUT', 'no plain-text mode');
  assert.equal((await call(hub, 'alarmChannels.create', emailChannel(smtp.port, { to: ['not an address'] }))).code, 'INVALID_INPUT');

  const { send } = await setup(hub, emailChannel(smtp.port));
  allow(hub, []);
  await send(-5);
  const d = await deliveriesSoon(hub, (list) => list[0]?.status === 'failed');
  assert.equal(d[0]?.status, 'failed');
  assert.match(d[0]?.lastError ?? '', /not on the outbound allowlist/);
  assert.equal(smtp.auths.length + smtp.mails.length, 0);
});
