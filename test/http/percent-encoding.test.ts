import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { curl, deviceToken, startIngestHub } from '../helpers/ingest';

// Top level, not in before(): the helpers register their clean-up with after() for the whole file.
const h = await startIngestHub();
const token = deviceToken(h.hub, 'sensor');
const caFile = join(h.dataDir, 'test-ca.crt');
writeFileSync(caFile, h.ca);
const consoleBase = `https://localhost:${h.hub.listeners.console!.port}`;
const ingestBase = `https://localhost:${h.hub.listeners.https!.port}`;

/** Error-level lines (pino level 50 and up) in the hub log so far. */
const errorLines = () => h.log().split('\n').filter((l) => /"level":(5|6)\d/.test(l));

// curl sends the path as given (--path-as-is keeps it from normalising dots; it never re-encodes "%").
const badPaths = ['/%', '/%zz', '/app/%E0%A4%A', '/api/rpc/%E0%A4%A', '/api/rpc/%', '/api/rpc/hub.status%'];

test('console: a path with malformed percent-encoding is a 400 that says what to fix, not a 500 and an error log entry', async () => {
  for (const path of badPaths) {
    const method = path.startsWith('/api/rpc/') ? ['-X', 'POST', '-H', 'content-type: application/json', '--data', '{}'] : [];
    const answer = await curl(caFile, ['--path-as-is', ...method, `${consoleBase}${path}`]);
    assert.equal(answer.status, 400, `${path}: ${answer.body}`);
    const body = JSON.parse(answer.body) as { code: string; message: string };
    assert.equal(body.code, 'BAD_REQUEST', path);
    assert.match(body.message, /"%25"/, `${path}: the answer says how to encode "%"`);
    assert.match(answer.headers, /strict-transport-security/i, 'security headers on the error too');
  }
  // Still serving, and a well-formed escape still works.
  assert.equal((await curl(caFile, [`${consoleBase}/api/health`])).status, 200);
  assert.equal((await curl(caFile, [`${consoleBase}/%61pp`])).status, 200, 'a valid escape decodes as before');
  assert.deepEqual(errorLines(), [], 'nothing logged as an internal error');
});

test('HTTPS ingest: malformed percent-encoding in a path is a 400 (or 404 outside the routes), never a 500', async () => {
  const post = ['-X', 'POST', '-H', 'content-type: application/json', '-H', `x-auth-token: ${token}`, '--data', '{"t": 1}'];
  const cases: [string, number][] = [
    ['/%', 404],
    ['/api/v1.6/devices/%E0%A4%A', 400],
    ['/api/v1.6/devices/sensor/%/values', 400],
    ['/api/v1.6/devices/%zz/t/lv', 400],
    // Token-in-URL paths are refused before the token is looked at.
    ['/api/v1/%E0%A4%A/telemetry', 401],
  ];
  for (const [path, status] of cases) {
    const answer = await curl(caFile, ['--path-as-is', ...(path.endsWith('/lv') ? ['-H', `x-auth-token: ${token}`] : post), `${ingestBase}${path}`]);
    assert.equal(answer.status, status, `${path}: ${answer.body}`);
    const body = JSON.parse(answer.body) as { code: string; message: string };
    assert.ok(body.message.length > 20, `${path}: a message that says what happened`);
  }
  assert.deepEqual(errorLines(), []);
});
