import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startServe, type ServeProcess } from '../helpers/cli';
import { addUserWithCli, cli, consolePage, consoleUrl, screenshotPath, shootBothSizes, signIn } from '../helpers/console-ui';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { httpsRequest } from '../helpers/https';
import { freePort } from '../../bench/ingest/baselines';
import { tempDir } from '../helpers/tmp';
import { openStore } from '../../src-main/cli/open-store';

/**
 * History in the console, in Chromium against `outpost serve`: 30 days of
 * readings sent over HTTPS with explicit timestamps, then charts, range
 * switches, zoom, export, dashboards and a wall display.
 */
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

interface Dot {
  ts: number;
  value: number;
}

let dataDir: string;
let serve: ServeProcess;
let browser: Browser;
let url: string;
let consolePort: number;
const sent = new Map<string, Dot[]>();
const ids = new Map<string, number>();
const end = Math.floor((Date.now() - minute) / 1000) * 1000;
const start = end - 30 * day;
const gap = { from: start + 20 * day, to: start + 20 * day + 6 * hour };

async function post(label: string, token: string, body: unknown): Promise<void> {
  const answer = await httpsRequest(`https://127.0.0.1:${(serve.ready.listeners.https as { port: number }).port}/api/v1.6/devices/${label}`, {
    ca: readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8'),
    method: 'POST',
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(answer.status, 200, answer.body);
}

/** Every 5 minutes for 30 days with a 6-hour gap on day 20, 150 dots per request (the payload limit is 10 KB). */
async function load(label: string, token: string, variable: string, value: (i: number) => number, context?: (i: number) => Record<string, number>, every = 5 * minute): Promise<void> {
  const dots: (Dot & { context?: Record<string, number> })[] = [];
  for (let ts = start, i = 0; ts <= end; ts += every, i++) {
    if (ts >= gap.from && ts < gap.to) continue;
    dots.push({ ts, value: value(i), ...(context ? { context: context(i) } : {}) });
  }
  sent.set(`${label}/${variable}`, dots);
  const per = context ? 80 : 150;
  for (let i = 0; i < dots.length; i += per) {
    await post(label, token, { [variable]: dots.slice(i, i + per).map((d) => ({ value: d.value, timestamp: d.ts, ...(d.context ? { context: d.context } : {}) })) });
  }
}

/** What a chart of `dots` must plot for the answer's range and bucket width: points and the sum of their means. */
function expected(dots: Dot[], from: number, to: number, bucketMs: number): { points: number; sum: number } {
  if (bucketMs === 0) {
    const inside = dots.filter((d) => d.ts >= from && d.ts < to);
    return { points: inside.length, sum: inside.reduce((a, d) => a + d.value, 0) };
  }
  const origin = Math.floor(from / bucketMs) * bucketMs;
  const buckets = new Map<number, number[]>();
  for (const d of dots) {
    if (d.ts < origin || d.ts >= to + bucketMs) continue;
    const k = Math.floor((d.ts - origin) / bucketMs);
    if (origin + k * bucketMs >= to) continue;
    buckets.set(k, [...(buckets.get(k) ?? []), d.value]);
  }
  let sum = 0;
  for (const values of buckets.values()) sum += values.reduce((a, v) => a + v, 0) / values.length;
  return { points: buckets.size, sum };
}

interface Plotted {
  points: number;
  sum: number;
  from: number;
  to: number;
  bucketMs: number;
  queryFrom: number;
  queryTo: number;
}

async function plotted(page: Page, variable: string): Promise<Plotted> {
  const card = page.locator(`.chart-card[data-variable="${variable}"]`);
  const chart = card.getByTestId('time-chart');
  await chart.waitFor();
  return chart.evaluate((el) => {
    const d = (el as HTMLElement).dataset;
    const card = el.closest('.chart-card') as HTMLElement;
    return { points: Number(d.points), sum: Number(d.sum), from: Number(d.from), to: Number(d.to), bucketMs: Number(d.bucketMs), queryFrom: Number(card.dataset.queryFrom), queryTo: Number(card.dataset.queryTo) };
  });
}

/** The chart's drawn data equals what was sent, for the range the hub answered. */
async function assertPlotted(page: Page, label: string, variable: string, previous?: Plotted): Promise<Plotted> {
  // Wait until the answer for the new range is in (the previous range's data keeps showing meanwhile).
  await page.waitForFunction(
    ([v, before]) => {
      const card = document.querySelector(`.chart-card[data-variable="${v}"]`) as HTMLElement | null;
      return !!card?.dataset.queryFrom && card.dataset.queryFrom !== before && !card.querySelector('[data-testid=resolution]')?.textContent?.includes('loading');
    },
    [variable, previous ? String(previous.queryFrom) : ''] as const,
  );
  const p = await plotted(page, variable);
  const e = expected(sent.get(`${label}/${variable}`)!, p.queryFrom, p.queryTo, p.bucketMs);
  assert.equal(p.points, e.points, `${variable}: points plotted for ${new Date(p.queryFrom).toISOString()}..${new Date(p.queryTo).toISOString()} by ${p.bucketMs} ms`);
  assert.ok(Math.abs(p.sum - e.sum) < 1e-6 * Math.max(1, Math.abs(e.sum)), `${variable}: sum of plotted values ${p.sum} vs ${e.sum}`);
  return p;
}

function shoot(page: Page, name: string): Promise<void> {
  return shootBothSizes(page, dataDir, name);
}

test('history in the console: charts, ranges, zoom, export, dashboards, a reader and a wall display', async (t) => {
  dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', 'correct horse battery');
  await addUserWithCli(dataDir, 'reader@example.com', 'reader', 'reader password 1');
  const tokens = new Map<string, string>();
  for (const [label, name] of [['tank-1', 'Tank 1'], ['boiler-9', 'Boiler 9']] as const) {
    const added = JSON.parse((await cli(['device', 'add', label, '--name', name, '--json'], dataDir)).trim().split('\n').pop()!) as { id: number; token: string };
    tokens.set(label, added.token);
    ids.set(label, added.id);
  }
  await cli(['group', 'add', 'tanks', '--devices', 'tank-1'], dataDir);
  await cli(['group', 'member', 'add', 'tanks', 'reader@example.com'], dataDir);
  const kioskApp = JSON.parse((await cli(['app', 'add', 'wall', '--scopes', 'devices:read,readings:read', '--devices', 'tank-1', '--json'], dataDir)).trim().split('\n').pop()!) as { token: string };
  consolePort = await freePort();
  serve = await startServe(['--data-dir', dataDir, '--console-port', String(consolePort)]);
  await load('tank-1', tokens.get('tank-1')!, 'level', (i) => Math.round((50 + 30 * Math.sin(i / 40) + (i % 7)) * 100) / 100);
  await load('tank-1', tokens.get('tank-1')!, 'position', (i) => i, (i) => ({ lat: 52.37 + 0.01 * Math.sin(i / 30), lng: 4.89 + 0.02 * Math.cos(i / 30) }), 2 * hour);
  await load('boiler-9', tokens.get('boiler-9')!, 'temperature', (i) => Math.round((70 + 10 * Math.cos(i / 25)) * 10) / 10, undefined, 15 * minute);
  browser = await launchBrowser(dataDir);
  url = consoleUrl(serve.ready.consoleUrl);
  // OUTPOST_UI_CASES=dashboard runs only the cases whose name contains it (the setup always runs).
  const only = process.env.OUTPOST_UI_CASES;
  for (const [name, run] of cases) if (!only || name.includes(only) || name.includes('dashboard is created')) await t.test(name, () => run(kioskApp.token));
  assert.equal((await serve.stop()).code, 0);
});

const cases: [string, (kioskToken: string) => Promise<void>][] = [];
const uiTest = (name: string, run: (kioskToken: string) => Promise<void>) => void cases.push([name, run]);

uiTest('the device chart draws the stored data; range presets and drag-to-zoom change what is shown', async () => {
  const { page, errors } = await consolePage(browser);
  await signIn(page, url, 'owner@example.com', 'correct horse battery');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.goto(`${url}/#/devices/${ids.get('tank-1')}/30d`);
  const month = await assertPlotted(page, 'tank-1', 'level');
  assert.equal(month.bucketMs, hour, '30 days are drawn from hourly buckets');
  assert.ok(month.points > 600 && month.points <= 721, `${month.points} hourly points`);
  const gaps = await page.locator('.chart-card[data-variable="level"] [data-testid=time-chart]').getAttribute('data-gaps');
  assert.ok(Number(gaps) >= 5, `the 6-hour gap shows as ${gaps} empty buckets`);
  await shoot(page, 'device-chart-30d');

  await page.getByRole('toolbar', { name: 'Time range' }).getByRole('button', { name: '7 d' }).click();
  const week = await assertPlotted(page, 'tank-1', 'level', month);
  assert.ok(week.bucketMs < hour && week.queryFrom > month.queryFrom + 20 * day, `7 days: ${week.bucketMs} ms buckets`);

  await page.getByRole('button', { name: 'Live 15 min' }).click();
  const live = await assertPlotted(page, 'tank-1', 'level', week);
  assert.equal(live.bucketMs, 0, 'the last 15 minutes are raw readings');
  assert.ok(live.points >= 2 && live.points <= 4);

  // Drag across the 30-day chart from 30 % to 45 % of its width: the range narrows to that stretch.
  await page.getByRole('button', { name: '30 d' }).click();
  const again = await assertPlotted(page, 'tank-1', 'level', live);
  const over = page.locator('.chart-card[data-variable="level"] .u-over');
  // The mouse acts at viewport coordinates: the chart must be on screen (below the device's facts it may not be at 800 px).
  await over.scrollIntoViewIfNeeded();
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.38, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('.chart-card[data-variable="level"]')?.getAttribute('data-range') === 'fixed');
  const zoomed = await assertPlotted(page, 'tank-1', 'level', again);
  const span = zoomed.queryTo - zoomed.queryFrom;
  assert.ok(span > 3.5 * day && span < 5.5 * day, `zoomed to ${(span / day).toFixed(1)} days`);
  assert.ok(zoomed.bucketMs < month.bucketMs, 'finer buckets after zooming in');
  await shoot(page, 'device-chart-zoomed');
  // The position chart zoomed with it (one range per page).
  const position = await plotted(page, 'position');
  assert.equal(position.queryFrom, zoomed.queryFrom);
  await page.getByRole('button', { name: 'Reset' }).click();
  assert.equal((await assertPlotted(page, 'tank-1', 'level', zoomed)).bucketMs, hour);
  assert.deepEqual(errors, []);
  await page.close();
});

uiTest('"download what this chart shows" saves a file whose rows match the database', async () => {
  const { page, errors } = await consolePage(browser);
  await signIn(page, url, 'owner@example.com', 'correct horse battery');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.goto(`${url}/#/devices/${ids.get('tank-1')}/15m`);
  const live = await assertPlotted(page, 'tank-1', 'level');
  const [raw] = await Promise.all([page.waitForEvent('download'), page.locator('.chart-card[data-variable="level"]').getByRole('button', { name: 'CSV' }).click()]);
  const rawText = readFileSync((await raw.path())!, 'utf8');
  const store = await openStore(dataDir, undefined);
  try {
    const rows = store.db
      .prepare("SELECT r.ts, r.value FROM readings r JOIN variables v ON v.id = r.variable_id JOIN devices d ON d.id = v.device_id WHERE d.label = 'tank-1' AND v.label = 'level' AND r.ts >= ? AND r.ts < ? ORDER BY r.ts, r.id")
      .all(live.queryFrom, live.queryTo) as { ts: number; value: number }[];
    assert.ok(rows.length >= 2);
    assert.deepEqual(rawText.trimEnd().split('\n'), ['time,ts,device,variable,value,context', ...rows.map((r) => `${new Date(r.ts).toISOString()},${r.ts},tank-1,level,${r.value},`)]);

    await page.getByRole('button', { name: '7 d' }).click();
    const week = await assertPlotted(page, 'tank-1', 'level', live);
    const [buckets] = await Promise.all([page.waitForEvent('download'), page.locator('.chart-card[data-variable="level"]').getByRole('button', { name: 'NDJSON' }).click()]);
    const lines = readFileSync((await buckets.path())!, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { ts: number; bucketMs: number; count: number; min: number; max: number; mean: number });
    assert.equal(lines.length, week.points, 'one line per plotted bucket');
    for (const l of lines) {
      assert.equal(l.bucketMs, week.bucketMs);
      const inside = store.db
        .prepare("SELECT count(*) AS n, min(r.value) AS lo, max(r.value) AS hi, avg(r.value) AS mean FROM readings r JOIN variables v ON v.id = r.variable_id WHERE v.label = 'level' AND r.ts >= ? AND r.ts < ?")
        .get(l.ts, l.ts + l.bucketMs) as { n: number; lo: number; hi: number; mean: number };
      assert.deepEqual([l.count, l.min, l.max], [inside.n, inside.lo, inside.hi], `bucket ${new Date(l.ts).toISOString()}`);
      assert.ok(Math.abs(l.mean - inside.mean) < 1e-9);
    }
    const audited = store.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'readings.export' AND outcome = 'ok'").pluck().get() as number;
    assert.ok(audited >= 2, 'each download is audited');
  } finally {
    store.close();
  }
  assert.deepEqual(errors, []);
  await page.close();
});

uiTest('going from one device straight to another shows only the second device’s values', async () => {
  const { page, errors } = await consolePage(browser);
  await signIn(page, url, 'owner@example.com', 'correct horse battery');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.goto(`${url}/#/devices/${ids.get('tank-1')}`);
  await page.getByTestId('live-mode').and(page.locator('[data-mode=live]')).waitFor();
  // A live reading with a value no other reading has, while the first device's page is open.
  await post('tank-1', (await tokenFor('tank-1'))!, { level: 777.25 });
  await page.getByTestId('events-table').getByText('777.25').waitFor();
  await page.evaluate((id) => (window.location.hash = `#/devices/${id}`), ids.get('boiler-9'));
  await page.getByRole('heading', { name: 'Boiler 9' }).waitFor();
  await page.getByTestId('events-table').waitFor();
  const text = await page.locator('main').innerText();
  assert.doesNotMatch(text, /777\.25|\blevel\b/, 'nothing of tank-1 on boiler-9’s page');
  assert.deepEqual(errors, []);
  await page.close();
});

const deviceTokens = new Map<string, string>();
async function tokenFor(label: string): Promise<string> {
  if (!deviceTokens.has(label)) {
    const rotated = JSON.parse((await cli(['device', 'rotate', label, '--json'], dataDir)).trim().split('\n').pop()!) as { token: string };
    deviceTokens.set(label, rotated.token);
  }
  return deviceTokens.get(label)!;
}

async function addWidget(page: Page, kind: string, fill: (form: ReturnType<Page['locator']>) => Promise<void>): Promise<void> {
  await page.getByRole('button', { name: 'Add widget' }).first().click();
  const form = page.locator('form.widget-form');
  await form.getByLabel('Kind', { exact: true }).selectOption(kind);
  await fill(form);
  await form.getByRole('button', { name: 'Add widget' }).click();
  await form.waitFor({ state: 'detached' });
}

async function pick(form: ReturnType<Page['locator']>, device: string, variable: string, variableLabel = 'Variable'): Promise<void> {
  await form.getByLabel('Device', { exact: true }).selectOption({ label: device });
  const select = form.getByLabel(variableLabel, { exact: true });
  await select.locator(`option[value="${variable}"]`).waitFor({ state: 'attached' });
  await select.selectOption(variable);
}

/** Each widget's place in grid columns (12 across) and its height and top in pixels (rows are fixed). */
async function widgetBoxes(page: Page): Promise<Record<string, { col: number; cols: number; y: number; h: number }>> {
  await page.locator('[data-widget]').first().waitFor();
  return page.locator('.react-grid-item').evaluateAll((items) =>
    Object.fromEntries(
      items.map((el) => {
        const r = el.getBoundingClientRect();
        const grid = el.parentElement!.getBoundingClientRect();
        const column = (grid.width - 12) / 12;
        return [el.getAttribute('data-widget'), { col: Math.round((r.x - grid.x - 12) / column), cols: Math.round((r.width + 12) / column), y: Math.round(r.y - grid.y), h: Math.round(r.height) }];
      }),
    ),
  );
}

let dashboardId = 0;

/** Two animation frames: the browser has dispatched the mouse events so far and React has drawn their effect. */
async function frames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/**
 * Runs a mouse gesture until `done` holds (up to three tries, each given three seconds to show its effect).
 * One that never works fails with where every widget was, and a screenshot of it.
 */
async function gesture(page: Page, what: string, run: () => Promise<void>, done: () => Promise<boolean>): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    await run();
    for (const until = Date.now() + 3000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) if (await done()) return;
  }
  const shot = screenshotPath(dataDir, 'dashboard-gesture-failed');
  await page.screenshot({ path: shot, fullPage: true });
  const grid = await page.getByTestId('dashboard-grid').boundingBox();
  const scroll = await page.evaluate(() => [window.scrollX, window.scrollY]);
  assert.fail(`${what}: not after three tries. Grid ${JSON.stringify(grid)}, scroll ${JSON.stringify(scroll)}, widgets ${JSON.stringify(await widgetBoxes(page))}; screenshot ${shot} (kept when OUTPOST_SCREENSHOTS is set)`);
}

uiTest('a dashboard is created, arranged by drag and resize, saved, and looks the same after a reload', async () => {
  const { page, errors } = await consolePage(browser);
  await signIn(page, url, 'owner@example.com', 'correct horse battery');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboards' }).click();
  await page.getByLabel('New dashboard').fill('Plant overview');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('heading', { name: 'Plant overview' }).waitFor();
  dashboardId = Number(/#\/dashboards\/(\d+)/.exec(page.url())![1]);
  await page.getByRole('button', { name: 'Edit' }).click();
  await addWidget(page, 'line', (f) => pick(f, 'Tank 1 (tank-1)', 'level', 'Add variable'));
  await addWidget(page, 'gauge', async (f) => {
    await pick(f, 'Tank 1 (tank-1)', 'level');
    await f.getByLabel('Thresholds').fill('70:warn, 90:bad');
  });
  await addWidget(page, 'status', async (f) => {
    await f.getByLabel('Tank 1').check();
    await f.getByLabel('Boiler 9').check();
  });
  await addWidget(page, 'value', (f) => pick(f, 'Boiler 9 (boiler-9)', 'temperature'));
  await addWidget(page, 'position', (f) => pick(f, 'Tank 1 (tank-1)', 'position'));
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('button', { name: 'Edit' }).waitFor();

  // Arrange: move the gauge to the right of the line chart, make the line chart taller.
  // Without transitions the grid's items are where they end up as soon as a drag ends (a busy machine
  // measured them mid-animation).
  await page.addStyleTag({ content: '*, *::before, *::after { transition: none !important; animation: none !important; }' });
  await page.getByRole('button', { name: 'Edit' }).click();
  const gauge = page.locator('.react-grid-item[data-kind=gauge]');
  const line = page.locator('.react-grid-item[data-kind=line]');
  const lineBox = (await line.boundingBox())!;
  const lineHeight = lineBox.height;
  // A drag is a gesture: on a loaded machine the grid can miss its start (the first move arrives late), so
  // each gesture is tried up to three times until the grid shows its effect; one that never works fails.
  await gesture(page, 'the gauge moved to the right of the line chart', async () => {
    await gauge.locator('.widget-head').scrollIntoViewIfNeeded();
    const from = (await gauge.locator('.widget-head').boundingBox())!;
    const to = (await line.boundingBox())!;
    await page.mouse.move(from.x + 30, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 40, from.y + from.height / 2, { steps: 3 });
    await frames(page);
    await page.mouse.move(to.x + to.width + 60, to.y + 20, { steps: 12 });
    await frames(page);
    await page.mouse.up();
  }, async () => (await gauge.boundingBox())!.x > (await line.boundingBox())!.x + (await line.boundingBox())!.width - 5);
  await gesture(page, 'the line chart is taller', async () => {
    await line.locator('.react-resizable-handle').scrollIntoViewIfNeeded();
    const handle = (await line.locator('.react-resizable-handle').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2 + 10, { steps: 3 });
    await frames(page);
    await page.mouse.move(handle.x + handle.width / 2, handle.y + 130, { steps: 10 });
    await frames(page);
    await page.mouse.up();
  }, async () => (await line.boundingBox())!.height > lineHeight + 50);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('button', { name: 'Edit' }).waitFor();
  await page.locator('[data-kind=line] [data-testid=time-chart]').waitFor();
  const before = await widgetBoxes(page);
  const gaugeBox = (await gauge.boundingBox())!;
  const savedLine = (await line.boundingBox())!;
  assert.ok(gaugeBox.x > savedLine.x + savedLine.width - 5, 'the gauge stays right of the line chart once saved');
  assert.ok(savedLine.height > lineHeight + 50, 'the line chart stays taller once saved');
  await page.locator('[data-kind=gauge] [data-testid=gauge]').waitFor();
  await page.locator('[data-kind=position] [data-testid=position]').waitFor();
  await shoot(page, 'dashboard-owner');

  await page.reload();
  await page.getByRole('heading', { name: 'Plant overview' }).waitFor();
  await page.locator('[data-kind=line] [data-testid=time-chart]').waitFor();
  assert.deepEqual(await widgetBoxes(page), before, 'the same arrangement after a reload');
  const store = await openStore(dataDir, undefined);
  try {
    const actions = store.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'dashboards.%' AND outcome = 'ok' ORDER BY id").pluck().all();
    assert.deepEqual(actions, ['dashboards.create', 'dashboards.update', 'dashboards.update']);
  } finally {
    store.close();
  }
  assert.deepEqual(errors, []);
  await page.close();
});

uiTest('a reader sees only the widgets of devices they may see; the others reveal nothing', async () => {
  const { page, errors } = await consolePage(browser);
  await signIn(page, url, 'reader@example.com', 'reader password 1');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.goto(`${url}/#/dashboards/${dashboardId}`);
  await page.getByRole('heading', { name: 'Plant overview' }).waitFor();
  await page.locator('[data-kind=line] [data-testid=time-chart]').waitFor();
  assert.equal(await page.locator('[data-kind=unavailable]').count(), 2, 'the status list (with boiler-9) and the boiler value');
  assert.equal(await page.getByRole('heading', { name: 'Not available to you' }).count(), 2);
  const text = await page.locator('main').innerText();
  assert.doesNotMatch(text, /boiler|Boiler|temperature/);
  assert.equal(await page.getByRole('button', { name: 'Edit' }).count(), 0, 'readers do not edit');
  await shoot(page, 'dashboard-reader');
  assert.deepEqual(errors, []);
  await page.close();
});

uiTest('the kiosk shows the dashboard with its own app token and comes back by itself after a hub restart', async (kioskToken) => {
  const { page } = await consolePage(browser);
  await page.goto(`${url}/#/kiosk/${dashboardId}`);
  await page.getByLabel('App token').fill(kioskToken);
  await page.getByRole('button', { name: 'Show the dashboard' }).click();
  await page.getByTestId('kiosk').waitFor();
  await page.locator('[data-kind=line] [data-testid=time-chart]').waitFor();
  await page.locator('[data-mode=live]').waitFor({ timeout: 20_000 });
  await shoot(page, 'kiosk');
  assert.equal((await serve.stop()).code, 0);
  await page.getByTestId('kiosk-offline').waitFor({ timeout: 30_000 });
  serve = await startServe(['--data-dir', dataDir, '--console-port', String(consolePort)]);
  await page.getByTestId('kiosk-offline').waitFor({ state: 'detached', timeout: 60_000 });
  await page.locator('[data-mode=live]').waitFor({ timeout: 60_000 });
  // Still the dashboard, still signed in with the display's token: a new reading arrives live.
  await post('tank-1', await tokenFor('tank-1'), { level: 42.5 });
  await page.waitForFunction(() => document.querySelector('[data-kind=gauge] [data-testid=gauge]')?.getAttribute('data-value') === '42.5', undefined, { timeout: 30_000 });
  assert.equal(await page.getByLabel('App token').count(), 0, 'no sign-in asked for');
  await page.close();
  // Stopped here: a hub started inside a subtest is killed when the subtest ends (test/helpers/cli.ts).
  assert.equal((await serve.stop()).code, 0, serve.stderr());
});
