// SPDX-License-Identifier: Apache-2.0
// Browser test of a live station: `ilrs station --realtime --epoch now --speed 1
// --link-always` and `ilrs ground --link-listen --link-station` as two processes on
// loopback, the mission-control UI in Debian's chromium (npm playwright-core). The
// igg partner logs in and
//   1. sees its own root in the tree, not another partner's (astron);
//   2. a Realtime plot of SEISMOMETER_STATUS.bytes updates live (the legend's value
//      changes as new status packets arrive over the space link, every 10 s);
//   3. sends SeismometerSetMode(1) from the command panel and sees it reach
//      "executed" in the history (FOP-1 → FARM-1 → the station's ingest → response);
//   4. astron's telemetry and command are refused with 403 from its own session.
// Usage: node browser_realtime_test.mjs ILRS (from the repository root).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
import { launchBrowser, login, plotKeepsChanging } from '../browser_lib.mjs';

const ilrs = process.argv[2];
const PASSWORD = 'partner password 1';
if (!ilrs) {
  console.error('usage: node browser_realtime_test.mjs ILRS');
  process.exit(2);
}

function fail(message) {
  throw new Error(message);
}

async function shot(page, name) {
  if (process.env.ILRS_BROWSER_SHOTS) {
    await page.screenshot({ path: path.join(process.env.ILRS_BROWSER_SHOTS, `rt-${name}.png`) });
  }
}

// A free UDP port on 127.0.0.1 (closed again before the ground binds it).
async function freeUdpPort() {
  const s = createSocket('udp4');
  await new Promise((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

// Start a process and wait for a line of its stdout matching @p re; resolves the match.
function startAndWait(args, re, name) {
  const child = spawn(ilrs, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const match = new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      const m = re.exec(text);
      if (m) resolve(m);
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}: ${err}`)));
  });
  return { child, match };
}

async function stop(child) {
  if (child && child.exitCode === null) {
    const done = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    return done;
  }
  return child ? child.exitCode : null;
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'ilrs-rt-browser-'));
  const users = path.join(dir, 'users.sqlite');
  const add = spawnSync(ilrs, ['user', 'add', 'ivan', '--role', 'partner', '--partner', 'igg',
    '--password-stdin', '--users', users], { input: `${PASSWORD}\n` });
  if (add.status !== 0) fail(`user add: ${add.stderr}`);
  let station, ground, context;
  try {
    const gport = await freeUdpPort();
    station = startAndWait(['station', 'scenarios/south-pole.yaml', '--realtime', '--speed', '1',
      '--epoch', 'now', '--link-always', '--out', path.join(dir, 'st'),
      '--link-listen', '127.0.0.1:0', '--link-ground', `127.0.0.1:${gport}`],
    /TC frames on UDP port (\d+)/, 'ilrs station');
    const sport = Number((await station.match)[1]);
    ground = startAndWait(['ground', '--listen', '127.0.0.1:0', '--db', path.join(dir, 'g.sqlite'),
      '--dict', path.join(dir, 'st', 'dictionary.json'), '--users', users, '--web', 'web',
      '--link-listen', `127.0.0.1:${gport}`, '--link-station', `127.0.0.1:${sport}`],
    /http:\/\/127\.0\.0\.1:(\d+)\//, 'ilrs ground');
    const port = Number((await ground.match)[1]);

    const profile = path.join(dir, 'chromium');
    let page;
    ({ context, page } = await launchBrowser(profile));
    const base = `http://127.0.0.1:${port}/`;
    await login(page, base, 'ivan', PASSWORD);

    // 1. Own root in the tree, not astron's.
    const tree = (name) => page.locator('.c-tree__item', { hasText: name });
    await tree('Institute of Geology and Geophysics').first().waitFor({ timeout: 30000 });
    await tree('Partners').first().waitFor({ timeout: 30000 });
    if ((await tree('Netherlands Institute for Radio Astronomy').count()) !== 0) {
      await shot(page, 'tree');
      fail('the igg partner sees the astron root in the tree');
    }

    // 2. Live plot (Realtime conductor, last 2 minutes): the legend value nearest
    //    the right end changes when new samples arrive.
    const { first, changed } = await plotKeepsChanging(page,
      `${base}#/browse/ilrs:root-igg/ilrs:packet-SEISMOMETER_STATUS/ilrs:SEISMOMETER_STATUS.bytes?tc.mode=local&tc.startDelta=120000&tc.endDelta=5000&tc.timeSystem=utc`,
      0.97, 150);
    await shot(page, 'plot');
    if (!changed) fail(`the plot legend value stayed at '${first}'`);

    // 3. Command panel: SeismometerSetMode(1) reaches "executed".
    await page.goto(`${base}#/browse/ilrs:root-igg/ilrs:commands-igg`);
    const form = page.locator('form.ilrs-command[data-command=SeismometerSetMode]');
    await form.waitFor({ timeout: 30000 });
    await form.locator('[name=mode]').fill('1');
    await form.locator('button[type=submit]').click();
    const status = form.locator('.ilrs-command-status');
    await page.waitForFunction((el) => el.textContent.startsWith('Queued as #'), await status.elementHandle(), { timeout: 10000 });
    const row = page.locator('table.ilrs-history tr', { hasText: 'SeismometerSetMode' });
    await page.waitForFunction(() => [...document.querySelectorAll('table.ilrs-history tr')]
      .some((tr) => tr.textContent.includes('SeismometerSetMode') && tr.textContent.includes('executed')),
    null, { timeout: 30000 }).catch(async () => {
      await shot(page, 'commands-failed');
      fail(`history row '${await row.first().textContent()}' did not reach executed`);
    });
    await shot(page, 'commands');

    // 4. Another partner's telemetry and command: 403.
    const statuses = await page.evaluate(async () => {
      const get = (p) => ILRS.api('GET', p).then(() => 200, (e) => e.status);
      const post = (p, b) => ILRS.api('POST', p, b).then(() => 200, (e) => e.status);
      return {
        telemetry: await get('/api/telemetry/LFRA_STATUS.bytes?start=0&end=9999999999999'),
        command: await post('/api/commands', { name: 'LfraSetMode', args: ['1'] }),
        own: await get('/api/telemetry/SEISMOMETER_STATUS.bytes?start=0&end=9999999999999')
      };
    });
    if (statuses.telemetry !== 403 || statuses.command !== 403 || statuses.own !== 200) {
      fail(`expected 403/403 for astron and 200 for igg, got ${JSON.stringify(statuses)}`);
    }
    console.log('browser realtime test: ok');
  } finally {
    if (context) await context.close();
    const gs = await stop(ground && ground.child);
    const ss = await stop(station && station.child);
    rmSync(dir, { recursive: true, force: true });
    if ((gs !== null && gs !== 0) || (ss !== null && ss !== 0)) {
      console.error(`exit status after SIGTERM: ground ${gs}, station ${ss}`);
      process.exitCode = 1;
    }
  }
}

main().catch((e) => {
  console.error(`browser realtime test failed: ${e.message}`);
  process.exit(1);
});
