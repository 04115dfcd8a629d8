import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DestinationStream } from 'pino';
import { humanLogStream } from '../../src-main/logging/human-stream';
import { openLogFile } from '../../src-main/logging/log-file';
import { createLogger } from '../../src-main/logging/logger';
import { RefusalLog } from '../../src-main/logging/refusal-log';
import { untrusted } from '../../src-main/logging/untrusted';
import { tempDir } from '../helpers/tmp';
import { issueToken } from '../../src-main/security/tokens';
import { tokenPrefixes, type TokenKind } from '../../src-shared/tokens';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (s: string) => void lines.push(s) } });
  return { logger, text: () => lines.join('') };
}

test('no secret reaches the log: by field name at any depth, in headers, in error messages and in URLs', () => {
  const { logger, text } = capture();
  const deviceToken = issueToken('device').token;
  const appToken = issueToken('app').token;
  // Every kind, including ones whose token ends in '-' or '_' (not a word boundary).
  const kindTokens = Object.fromEntries(
    (Object.keys(tokenPrefixes) as TokenKind[]).map((kind) => [`${kind}Token`, `${tokenPrefixes[kind]}_${'A'.repeat(40)}-_-`]),
  );
  const secrets = {
    token: 'tok-value-0001',
    password: 'hunter2-password-value',
    key: 'c0ffee-key-value-0003',
    masterKey: 'master-key-value-0004',
    authorization: 'Basic dXNlcjpwYXNzd29yZA==',
    bearer: 'bearer-secret-value-0006',
    cookie: 'session-cookie-value-0007',
    ubidots: 'BBFF-ubidots-token-0008',
    nested: 'nested-password-value-0009',
    urlToken: 'url-token-value-0010',
    apiKey: 'api-key-value-0011',
  };

  logger.info({ token: secrets.token, password: secrets.password, key: secrets.key, authorization: secrets.authorization }, 'top level fields');
  logger.info({ user: { masterKey: secrets.masterKey, apiKey: secrets.apiKey } }, 'one level down');
  logger.info({ config: { upstream: { mqtt: { password: secrets.nested } } } }, 'three levels down');
  logger.info(
    { req: { method: 'POST', headers: { authorization: `Bearer ${secrets.bearer}`, cookie: `sid=${secrets.cookie}`, 'x-auth-token': secrets.ubidots } } },
    'request',
  );
  logger.error({ err: new Error(`publish refused for ${deviceToken}: header was "Authorization: Bearer ${secrets.bearer}"`) }, 'ingest failed');
  logger.error(new Error(`token ${appToken} expired`), 'error as first argument');
  logger.warn(`GET /api/v1/abc/telemetry?token=${secrets.urlToken}&x=1 took too long`);
  logger.warn({ url: `https://hub.local/ingest?a=1&token=${secrets.urlToken}` }, 'url field');
  logger.info(`device ${deviceToken} connected`);
  for (const t of Object.values(kindTokens)) logger.info(`credential ${t} used`);

  const out = text();
  for (const [what, value] of Object.entries({ ...secrets, deviceToken, appToken, ...kindTokens })) {
    assert.ok(!out.includes(value), `${what} leaked into the log:\n${out}`);
  }
  // The log still says what happened: the redaction is targeted.
  assert.match(out, /ingest failed/);
  assert.match(out, /publish refused for opd_\[REDACTED\]/);
  assert.match(out, /"method":"POST"/);
  assert.match(out, /x=1/);
  assert.match(out, /credential opt_\[REDACTED\] used/);
  assert.equal(out.trim().split('\n').length, 9 + Object.keys(kindTokens).length);
});

test('untrusted text is bounded in every field, message and error, after secrets are scrubbed', () => {
  const { logger, text } = capture();
  const clientId = 'c'.repeat(64 * 1024);
  const token = issueToken('device').token;
  logger.warn({ clientId, nested: { topic: `/v1.6/devices/${'t'.repeat(70_000)}` }, list: ['u'.repeat(50_000)] }, `refused device "${'d'.repeat(60_000)}"`);
  logger.error({ err: new Error(`bad ${'e'.repeat(100_000)}`) }, 'failed');
  // A token right where a field is cut: scrubbed first, so no piece of it survives the cut.
  logger.warn({ detail: `${'x'.repeat(240)} ${token}` }, 'straddling');
  const lines = text().trim().split('\n');
  assert.equal(lines.length, 3);
  for (const line of lines) assert.ok(line.length < 12_000, `a log line of ${line.length} characters`);
  assert.ok(lines[0]!.length < 3_000, `the refusal line is ${lines[0]!.length} characters`);
  const first = JSON.parse(lines[0]!) as { clientId: string; msg: string; nested: { topic: string }; list: string[] };
  assert.match(first.clientId, /^c{200,256}…\[\d+ more characters\]$/);
  assert.match(first.nested.topic, /more characters\]$/);
  assert.match(first.list[0]!, /more characters\]$/);
  assert.match(first.msg, /^refused device "d+…\[\d+ more characters\]$/);
  assert.match((JSON.parse(lines[1]!) as { err: { message: string } }).err.message, /more characters\]$/);
  assert.ok(!lines[2]!.includes(token.slice(4, 20)), 'no piece of the token');
  assert.match(lines[2]!, /opd_\[REDACTED\]/);
});

test('untrusted(): short text unchanged, long text cut with how much was left out, never half a surrogate pair', () => {
  assert.equal(untrusted('short'), 'short');
  assert.equal(untrusted(undefined), undefined);
  assert.equal(untrusted('a'.repeat(300)), `${'a'.repeat(200)}…[100 more characters]`);
  const emoji = `${'a'.repeat(199)}😀tail`;
  assert.equal(untrusted(emoji), `${'a'.repeat(199)}…[6 more characters]`);
});

test('refusals from one address: the first of each kind in full, then one summary per interval with the count by reason', async () => {
  const { logger, text } = capture();
  const log = new RefusalLog(logger, { intervalMs: 200, maxAddresses: 3 });
  try {
    for (let i = 0; i < 2000; i++) log.refused('10.0.0.1', 'connect', i < 5 ? 'bad_token' : 'rate_limited', { clientId: `id-${i}` }, `MQTT CONNECT refused #${i}`);
    log.refused('10.0.0.2', 'connect', 'bad_token', {}, 'MQTT CONNECT refused from a neighbour');
    for (const a of ['10.0.0.3', '10.0.0.4', '10.0.0.5']) log.refused(a, 'connect', 'bad_token', {}, `refused from ${a}`);
    let lines = text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.map((l) => l.msg), ['MQTT CONNECT refused #0', 'MQTT CONNECT refused #5', 'MQTT CONNECT refused from a neighbour', 'refused from 10.0.0.3'], 'first of each reason per address; beyond maxAddresses only counted');
    await new Promise((r) => setTimeout(r, 400));
    lines = text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const summary = lines.find((l) => l.address === '10.0.0.1' && l.refusals !== undefined);
    assert.deepEqual(summary?.reasons, { 'connect/bad_token': 4, 'connect/rate_limited': 1994 });
    assert.equal(summary?.refusals, 1998);
    assert.match(String(summary?.msg), /1998 more refusals from 10\.0\.0\.1/);
    const overflow = lines.find((l) => l.address === undefined && l.refusals !== undefined);
    assert.equal(overflow?.refusals, 2, 'the two addresses over the limit are summed in one line');
    assert.equal(lines.length, 6, 'four full lines and two summaries, not 2006');
    // A new interval logs the first refusal in full again.
    log.refused('10.0.0.1', 'connect', 'bad_token', {}, 'again');
    // The same reason for another event is its own kind: logged in full too.
    log.refused('10.0.0.1', 'publish', 'bad_token', {}, 'publish refused');
    assert.match(text(), /"msg":"publish refused"/);
    assert.match(text(), /"msg":"again"/);
  } finally {
    log.close();
  }
});

test('the log file rotates by size and keeps at most N old files', async () => {
  const dir = tempDir();
  const maxBytes = 32 * 1024;
  const files = 3;
  const logFile = openLogFile(dir, { maxBytes, files });
  const logger = createLogger({ level: 'info', destination: logFile.stream as unknown as DestinationStream });
  // About 2 MB of log lines, far more than (files + 1) x maxBytes.
  for (let i = 0; i < 8000; i++) {
    logger.info({ i, clientId: 'c'.repeat(5000) }, 'a line that would grow the log without bound');
    if (i % 500 === 0) await new Promise((r) => setImmediate(r));
  }
  await logFile.close();
  const names = readdirSync(dir).sort();
  assert.deepEqual(names, ['outpost.log', 'outpost.log.1', 'outpost.log.2', 'outpost.log.3']);
  const longestLine = 600;
  for (const name of names) {
    const size = statSync(join(dir, name)).size;
    assert.ok(size <= maxBytes + longestLine, `${name} is ${size} bytes`);
    assert.equal(statSync(join(dir, name)).mode & 0o077, 0, `${name} is readable by its owner only`);
  }
  const newest = readFileSync(join(dir, 'outpost.log.1'), 'utf8').trim().split('\n');
  assert.doesNotThrow(() => newest.map((l) => JSON.parse(l) as unknown), 'rotation never cuts a line in two');
});

test('the terminal log shows control characters in a message as escapes, so a client cannot forge lines', () => {
  let out = '';
  const stream = humanLogStream({ write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream);
  const logger = createLogger({ level: 'info', destination: stream as unknown as DestinationStream });
  logger.warn('refused "x\n12:00:00 info  admin signed in\u001b[2J"');
  return new Promise<void>((resolve) =>
    setImmediate(() => {
      assert.equal(out.split('\n').filter(Boolean).length, 1, out);
      assert.match(out, /x\\u000a12:00:00 info {2}admin signed in\\u001b\[2J/);
      resolve();
    }),
  );
});
