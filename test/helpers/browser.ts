import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { spkiSha256Base64 } from '../../src-main/security/tls/certificates';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, trusting exactly the hub's server certificate
 * (by its public key), and the `alsoTrust` ones (a test's tile server), and
 * reaching nothing but loopback.
 */
export async function launchBrowser(dataDir: string, alsoTrust: string[] = []): Promise<Browser> {
  const cert = readFileSync(join(dataDir, 'tls', 'server.crt'), 'utf8');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--ignore-certificate-errors-spki-list=${[cert, ...alsoTrust].map(spkiSha256Base64).join(',')}`,
    ],
  });
  after(() => browser.close());
  return browser;
}
