import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { addUserWithCli, consolePage, consoleUrl, signIn } from '../helpers/console-ui';
import { tempDir } from '../helpers/tmp';

const password = 'unreachable passphrase';

/** A port free right now, so the restarted hub comes back where the browser looks for it. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('the console says the hub is unreachable while it is down and recovers by itself when it is back', async (t) => {
  const dataDir = tempDir();
  const key = ['--key-file', join(dataDir, '..', `${dataDir.split('/').pop()}.key`)];
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', password, key);
  const port = String(await freePort());
  let serve = await startServe(['--data-dir', dataDir, ...key, '--console-port', port]);
  // A failed wait must not leave a hub running: the test file would then never end.
  let running = true;
  t.after(async () => {
    if (running) await serve.stop();
  });
  const browser = await launchBrowser(dataDir);
  const { page } = await consolePage(browser);
  await signIn(page, consoleUrl(serve.ready.consoleUrl), 'owner@example.com', password);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  assert.equal(await page.getByTestId('hub-unreachable').count(), 0);

  running = false;
  assert.equal((await serve.stop()).code, 0);
  await page.getByTestId('hub-unreachable').waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('hub-unreachable').innerText(), /Hub unreachable/);

  serve = await startServe(['--data-dir', dataDir, ...key, '--console-port', port]);
  running = true;
  await page.getByTestId('hub-unreachable').waitFor({ state: 'detached', timeout: 30_000 });
  // Same page, no navigation: still signed in, the live channel back within its retry delay.
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  // The live channel retries with backoff (2, 5, 10, then every 30 s: lib/live.ts), so after a long
  // outage it may take up to two of its longest waits to be back.
  await page.getByText('Live', { exact: true }).first().waitFor({ timeout: 75_000 });
  running = false;
  assert.equal((await serve.stop()).code, 0);
});
