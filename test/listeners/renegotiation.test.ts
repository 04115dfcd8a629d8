import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { startListenersHub, tlsListeners } from './helpers';

// Issue 9 item 10: the Ubidots TCP listener accepted every client-initiated
// renegotiation (200 of 200); the others stopped only at node's limit (3).
const h = await startListenersHub({});

/**
 * openssl s_client with TLS 1.2 forced asks for `attempts` renegotiations
 * (an `R` line each); -msg prints every handshake message, so the number of
 * ServerHello messages is 1 + the renegotiations the server went through.
 */
async function renegotiate(port: number, attempts: number): Promise<{ serverHellos: number; output: string }> {
  const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', h.caFile, '-tls1_2', '-msg']);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  child.stdin.on('error', () => {});
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const exited = once(child, 'exit');
  const handshook = () => /Verify return code: 0/.test(output);
  for (let i = 0; i < 100 && !handshook() && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(handshook(), `the first handshake completes and verifies: ${output.slice(-500)}`);
  for (let i = 0; i < attempts && child.exitCode === null; i++) {
    child.stdin.write('R\n');
    await new Promise((r) => setTimeout(r, 150));
  }
  child.stdin.end();
  await exited;
  clearTimeout(killer);
  return { serverHellos: (output.match(/, ServerHello\b/g) ?? []).length, output };
}

for (const name of [...tlsListeners, 'console'] as const) {
  test(`${name}: client-initiated TLS 1.2 renegotiation is refused (openssl s_client, R)`, async () => {
    const port = h.hub.listeners[name]!.port;
    const { serverHellos, output } = await renegotiate(port, 10);
    assert.match(output, /RENEGOTIATING/, 's_client asked for a renegotiation');
    assert.equal(serverHellos, 1, `only the first handshake happened; ${serverHellos - 1} renegotiations went through`);
    if (name !== 'console') await h.goodRoundTrip(name);
  });
}
