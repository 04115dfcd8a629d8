import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runCli } from './cli';

/** Adds a console user with the real CLI, password on stdin as an operator would type it. */
export async function addUserWithCli(dataDir: string, email: string, role: string, password: string, extra: string[] = []): Promise<void> {
  const r = await runCli(['user', 'add', email, '--role', role, '--password-stdin', '--data-dir', dataDir, ...extra], { input: `${password}\n` });
  assert.equal(r.code, 0, r.stderr);
}

export async function cli(args: string[], dataDir: string, extra: string[] = []): Promise<string> {
  const r = await runCli([...args, '--data-dir', dataDir, ...extra]);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A page at 1280x800 that fails the test on any script error or CSP violation. */
export async function consolePage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // A refused API call logs "Failed to load resource" for its 4xx: expected where a test provokes one.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  return { page, errors };
}

export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Where screenshots go: $OUTPOST_SCREENSHOTS (to look at them) or the test's temp dir. */
export function screenshotPath(fallbackDir: string, name: string): string {
  const dir = process.env.OUTPOST_SCREENSHOTS ?? fallbackDir;
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

export function consoleUrl(base: string): string {
  return base.replace('127.0.0.1', 'localhost').replace(/\/$/, '');
}

/** A screenshot at the page's size (1280x800) and a full-page one at phone size (390x844), then back. */
export async function shootBothSizes(page: Page, fallbackDir: string, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(fallbackDir, `${name}-1280`) });
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(400);
  await page.screenshot({ path: screenshotPath(fallbackDir, `${name}-390`), fullPage: true });
  await page.setViewportSize(size);
  await page.waitForTimeout(300);
}
