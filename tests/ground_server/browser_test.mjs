// SPDX-License-Identifier: Apache-2.0
// Browser test of the mission-control UI: Debian's chromium driven by npm
// playwright-core. Starts browser_server (argv[2]) on an ephemeral port, logs in
// as the esa partner and checks that
//   1. the tree shows the esa root and not the cnsa root;
//   2. a plot of ESA_HK.temperature updates live (the legend's value changes);
//   3. the command panel validates arguments, sends SetEsaHeater, and the command
//      appears in the history with state "queued"; the event log shows esa's event;
//   4. cnsa's telemetry and commands are refused with 403 (asked from the page
//      with the partner's own session);
//   5. the data-products view lists esa's files and none of cnsa's, a click
//      downloads the CSV, and cnsa's file is refused with 403.
// Exit status 0 on success; any failure prints what was expected and what was seen.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
import { launchBrowser, login, plotKeepsChanging } from '../browser_lib.mjs';

const PASSWORD = 'correct horse battery';
const serverPath = process.argv[2];
if (!serverPath) {
  console.error('usage: node browser_test.mjs BROWSER_SERVER');
  process.exit(2);
}

// ILRS_BROWSER_SHOTS=DIR saves screenshots of each step there (for humans).
async function shot(page, name) {
  if (process.env.ILRS_BROWSER_SHOTS) {
    await page.screenshot({ path: path.join(process.env.ILRS_BROWSER_SHOTS, `${name}.png`) });
  }
}

function fail(message) {
  throw new Error(message);
}

async function startServer() {
  const child = spawn(serverPath, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      const m = /PORT (\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`browser_server exited with ${code}`)));
  });
  return { child, port };
}

async function main() {
  const { child, port } = await startServer();
  const profile = mkdtempSync(path.join(tmpdir(), 'ilrs-chromium-'));
  let context;
  try {
    let page;
    ({ context, page } = await launchBrowser(profile));
    const base = `http://127.0.0.1:${port}/`;
    await login(page, base, 'erik', PASSWORD); // the esa partner

    // 1. The tree: own root, not the other partner's.
    // (The partners page, which lists every partner's name, may be open beside it.)
    const tree = (name) => page.locator('.c-tree__item', { hasText: name });
    await tree('European Space Agency').first().waitFor({ timeout: 30000 });
    await tree('Partners').first().waitFor({ timeout: 30000 });
    if ((await tree('China National Space Administration').count()) !== 0) {
      await shot(page, 'tree');
      fail('the esa partner sees the cnsa root in the tree');
    }

    // 2. A live plot: expand its legend and hold the mouse near the right end of the
    //    plot; the legend shows the timestamp of the sample nearest the cursor, which
    //    keeps changing only if new samples keep arriving (over the WebSocket).
    const { first, changed } = await plotKeepsChanging(page,
      `${base}#/browse/ilrs:root-esa/ilrs:packet-ESA_HK/ilrs:ESA_HK.temperature?tc.mode=local&tc.startDelta=60000&tc.endDelta=5000&tc.timeSystem=utc`,
      0.9, 100);
    if (!changed) {
      await shot(page, 'plot-failed');
      fail(`the plot legend value stayed at '${first}'`);
    }
    await shot(page, 'plot');

    // 3. The command panel: validation, send, history.
    await page.goto(`${base}#/browse/ilrs:root-esa/ilrs:commands-esa`);
    const form = page.locator('form.ilrs-command[data-command=SetEsaHeater]');
    await form.waitFor({ timeout: 30000 });
    await form.locator('select[name=mode]').selectOption('AUTO');
    await form.locator('input[name=setpoint]').fill('99');
    await form.locator('button[type=submit]').click();
    const status = form.locator('.ilrs-command-status');
    await page.waitForFunction((el) => el.textContent.includes('between'), await status.elementHandle(), { timeout: 10000 });
    await form.locator('input[name=setpoint]').fill('22.5');
    await form.locator('button[type=submit]').click();
    await page.waitForFunction((el) => el.textContent.startsWith('Queued as #'), await status.elementHandle(), { timeout: 10000 });
    const row = page.locator('table.ilrs-history tr', { hasText: 'SetEsaHeater' });
    await row.first().waitFor({ timeout: 10000 });
    const rowText = await row.first().textContent();
    await shot(page, 'commands');
    if (!rowText.includes('queued') || !rowText.includes('AUTO') || !rowText.includes('erik')) {
      fail(`history row '${rowText}' lacks state queued, argument AUTO or issuer erik`);
    }

    // 3b. The event log view lists the partner's own event.
    await page.goto(`${base}#/browse/ilrs:root-esa/ilrs:events-esa`);
    await page.locator('table.ilrs-events tr', { hasText: 'TEST_HEATER_INF' }).first().waitFor({ timeout: 10000 });

    // 4. Another partner's data and commands are refused (403), not hidden.
    const statuses = await page.evaluate(async () => {
      const get = (p) => ILRS.api('GET', p).then(() => 200, (e) => e.status);
      const post = (p, b) => ILRS.api('POST', p, b).then(() => 200, (e) => e.status);
      return {
        telemetry: await get('/api/telemetry/CNSA_HK.temperature?start=0&end=9999999999999'),
        object: await get('/api/objects/ilrs/root-cnsa'),
        command: await post('/api/commands', { name: 'SetCnsaHeater', args: ['ON', '1'] }),
        own: await get('/api/telemetry/ESA_HK.temperature?start=0&end=9999999999999')
      };
    });
    if (statuses.telemetry !== 403 || statuses.object !== 403 || statuses.command !== 403 || statuses.own !== 200) {
      fail(`expected 403/403/403 for cnsa and 200 for esa, got ${JSON.stringify(statuses)}`);
    }

    // 5. Data products: own files listed and downloadable, the other partner's absent
    //    from the list and refused when asked for.
    await page.goto(`${base}#/browse/ilrs:files`);
    const filesTable = page.locator('table.ilrs-files');
    await filesTable.waitFor({ timeout: 30000 });
    const names = await page.locator('table.ilrs-files a.ilrs-download').allTextContents();
    await shot(page, 'files');
    const wanted = ['ESA_HK_2026-01-01.csv', 'ESA_HK_2026-01-02.csv'];
    if (JSON.stringify(names) !== JSON.stringify(wanted)) {
      fail(`the esa partner's files are ${JSON.stringify(names)}, expected ${JSON.stringify(wanted)}`);
    }
    const [dl] = await Promise.all([
      page.waitForEvent('download', { timeout: 15000 }),
      page.locator('a.ilrs-download', { hasText: 'ESA_HK_2026-01-01.csv' }).click()
    ]);
    const csv = readFileSync(await dl.path(), 'utf8');
    const lines = csv.trim().split('\n');
    if (dl.suggestedFilename() !== 'ESA_HK_2026-01-01.csv' ||
        lines[0] !== 'time_utc,time_ms,temperature,heater' || lines.length !== 25 ||
        !lines[1].startsWith('2026-01-01T00:00:00.000Z,1767225600000,20,0')) {
      fail(`download '${dl.suggestedFilename()}' has ${lines.length} lines starting '${lines.slice(0, 2).join(' | ')}'`);
    }
    const fileStatuses = await page.evaluate(async () => {
      const get = async (p) => (await fetch(p, { headers: { Authorization: `Bearer ${sessionStorage.getItem('ilrs.token')}` } })).status;
      return {
        other: await get('/api/files/cnsa/CNSA_HK_2026-01-01.csv'),
        own: await get('/api/files/esa/ESA_HK_2026-01-02.csv'),
        // libwebsockets decodes %2F and folds '..' segments before routing, so this
        // arrives as /api/files/cnsa/... and is refused as another partner's file.
        traversal: await get('/api/files/esa/..%2Fcnsa%2FCNSA_HK_2026-01-01.csv'),
        dots: await get('/api/files/esa/ESA_HK..csv'),
        hidden: await get('/api/files/esa/.ESA_HK_2026-01-01.csv.tmp'),
        missing: await get('/api/files/esa/ESA_HK_2030-01-01.csv')
      };
    });
    const expectedFiles = { other: 403, own: 200, traversal: 403, dots: 400, hidden: 400, missing: 404 };
    if (JSON.stringify(fileStatuses) !== JSON.stringify(expectedFiles)) {
      fail(`file requests answered ${JSON.stringify(fileStatuses)}, expected ${JSON.stringify(expectedFiles)}`);
    }
    console.log('browser test: ok');
  } finally {
    if (context) await context.close();
    child.stdin.end();
    if (child.exitCode === null) {
      await new Promise((resolve) => child.on('exit', resolve));
    }
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`browser test failed: ${e.message}`);
  process.exit(1);
});
