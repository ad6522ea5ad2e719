// SPDX-License-Identifier: Apache-2.0
// Shared steps of the browser tests (tests/ground_server, tests/realtime): Debian's
// chromium driven by playwright-core from web/node_modules, logging in to the ilrs
// web UI, and checking that a plot keeps receiving live samples.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const require = createRequire(path.join(repo, 'web', 'package.json'));
const { chromium } = require('playwright-core');

/** Start headless chromium with a fresh profile directory; returns { context, page }. */
export async function launchBrowser(profileDir) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run']
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (e) => console.error('page error:', e.message));
  return { context, page };
}

/** Open the UI at base (http://127.0.0.1:PORT/) and log in; waits for the form to go. */
export async function login(page, base, user, password) {
  await page.goto(base);
  await page.fill('#ilrs-login input[name=user]', user);
  await page.fill('#ilrs-login input[name=password]', password);
  await page.click('#ilrs-login button[type=submit]');
  await page.waitForSelector('#ilrs-login', { state: 'detached', timeout: 30000 });
}

/**
 * Open a plot at url, expand its legend and hold the mouse at xFraction of the plot's
 * width: the legend shows the sample nearest the cursor, which keeps changing only if
 * new samples keep arriving (over the WebSocket). Polls every 200 ms, at most tries
 * times for a first value and as many for a change. Returns { first, changed }.
 */
export async function plotKeepsChanging(page, url, xFraction, tries) {
  await page.goto(url);
  await page.locator('.c-plot-legend__view-control').first().click({ timeout: 30000 });
  const chart = page.locator('.gl-plot-display-area').first();
  await chart.waitFor({ timeout: 30000 });
  const box = await chart.boundingBox();
  const value = page.locator('.plot-wrapper-expanded-legend .plot-series-value').first();
  const readValue = async () => {
    await page.mouse.move(box.x + box.width * xFraction, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width * xFraction + 1, box.y + box.height / 2);
    return (await value.textContent()).trim();
  };
  let first = await readValue();
  for (let i = 0; i < tries && (first === '' || first === '--'); i++) {
    await page.waitForTimeout(200);
    first = await readValue();
  }
  let changed = false;
  for (let i = 0; i < tries && !changed; i++) {
    await page.waitForTimeout(200);
    changed = (await readValue()) !== first;
  }
  return { first, changed };
}
