// Drives the DecisionLedger dashboard in Debian's chromium (playwright-core, no downloaded browser).
// Usage: node dashboard.mjs <baseUrl> <apiKey> <screenshotDir> [full|wrong-key]
// Prints one line per step; exits 1 on the first failed step or on any console error / page error.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [baseUrl, key, screenshotDir, mode = 'full'] = process.argv.slice(2);
if (!baseUrl || !key || !screenshotDir) {
  console.error('usage: node dashboard.mjs <baseUrl> <apiKey> <screenshotDir> [full|wrong-key]');
  process.exit(2);
}

const executablePath = process.env.DLEDGER_TEST_CHROMIUM || '/usr/bin/chromium';
const userDataDir = mkdtempSync(join(tmpdir(), 'dledger-chromium-'));
mkdirSync(screenshotDir, { recursive: true });
// A failure screenshot from an earlier run would mislead whoever reads the artifacts.
for (const name of readdirSync(screenshotDir)) if (name.startsWith('failed-')) rmSync(join(screenshotDir, name));
const problems = [];
const timeout = 20_000;

const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(timeout);
page.on('console', message => {
  if (message.type() !== 'error') return;
  // The wrong-key test provokes exactly one refused request; Chromium logs it as a resource error.
  if (mode === 'wrong-key' && /status of 401/.test(message.text())) return;
  problems.push(`console error: ${message.text()}`);
});
page.on('pageerror', error => problems.push(`page error: ${error.message}`));
page.on('requestfailed', request => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));

async function step(name, action) {
  const started = Date.now();
  try {
    await action();
  } catch (error) {
    await shot(`failed-${name}`).catch(() => {});
    // The screenshot stays on the CI machine; the page's text and the browser's complaints travel with the message.
    const shown = await page.locator('main').innerText({ timeout: 2000 }).catch(() => '(main not readable)');
    throw new Error(`step '${name}' failed: ${error.message}\n--- page ${page.url()} ---\n${shown.slice(0, 3000)}\n--- browser problems ---\n${problems.join('\n') || 'none'}`);
  }
  if (problems.length) throw new Error(`step '${name}': ${problems.join('; ')}`);
  console.log(`ok ${name} (${Date.now() - started} ms)`);
}

const shot = name => page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });

async function text(selector) {
  return (await page.locator(selector).first().textContent())?.trim() ?? '';
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function full() {
  await step('login', async () => {
    await page.goto(`${baseUrl}/dashboard/`);
    await page.waitForSelector('#api-key');
    await page.fill('#api-key', key);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#results-table tbody tr');
  });

  await step('search', async () => {
    const version = await text('#results-table tbody tr td:nth-child(4) .tag');
    const model = (await text('#results-table tbody tr td:nth-child(4)')).replace(version, '').trim();
    await page.fill('#f-model', model);
    await page.fill('#f-version', version);
    await page.click('#search');
    await page.waitForFunction(() => document.querySelector('#results h2')?.textContent.includes('page 1') && location.hash.includes('version='));
    await page.waitForSelector('#results-table tbody tr');
    const versions = await page.locator('#results-table tbody tr td:nth-child(4) .tag').allTextContents();
    expect(versions.length > 0 && versions.every(v => v === version), `every row should be version ${version}; got ${versions.join(',')}`);
    const firstSeq = await text('#results-table tbody tr td:nth-child(1)');
    await shot('01-search');
    await page.click('#next-page');
    await page.waitForFunction(() => document.querySelector('#results h2')?.textContent.includes('page 2'));
    const nextSeq = await text('#results-table tbody tr td:nth-child(1)');
    expect(Number(nextSeq) < Number(firstSeq), `page 2 should continue below seq ${firstSeq}; starts at ${nextSeq}`);
  });

  await step('decision', async () => {
    await page.click('#results-table tbody tr:first-child a.request-link');
    // The page fills in as its fetches (entry, input, proof) complete; read the chart once it has settled.
    await page.waitForSelector('#proof-verdict');
    expect(await page.getAttribute('#proof-verdict', 'data-verified') === 'true', `proof: ${await text('#proof-verdict')}`);
    // Chromium has Ed25519 in WebCrypto: the checkpoint signature must be checked here, not taken on the collector's word.
    expect(await page.getAttribute('#proof-verdict', 'data-signature') === 'true', `signature: ${await text('#proof-status')}`);
    await page.waitForSelector('#input .notice.ok');
    const magnitudes = await (await page.waitForFunction(() => {
      const rects = [...document.querySelectorAll('#attribution-chart rect.bar')];
      return rects.length >= 2 ? rects.map(r => Math.abs(Number(r.dataset.value))) : null;
    }, null, { timeout: 10000 })).jsonValue();
    expect(magnitudes.length >= 2, `the attribution chart should have bars; found ${magnitudes.length}`);
    expect(magnitudes.every((m, i) => i === 0 || magnitudes[i - 1] >= m), `bars should be sorted by magnitude: ${magnitudes.join(',')}`);
    await shot('02-decision');
  });

  await step('escaping', async () => {
    // req-00003 stores markup as its user id and in its metadata: it must show as text and never run.
    await page.goto(`${baseUrl}/dashboard/#/decision/req-00003`);
    await page.waitForSelector('#proof-verdict');
    const summary = await text('main');
    expect(summary.includes('<img src=x onerror="window.__xss=1">'), 'the hostile user id should be shown as text');
    expect(summary.includes('<script>window.__xss=2</script>'), 'the hostile metadata should be shown as text');
    expect(await page.locator('main img, main script').count() === 0, 'ledger data must not create elements');
    expect(await page.evaluate(() => window.__xss === undefined), 'ledger data must not run');
  });

  await step('usage', async () => {
    await page.click('nav a[data-page=usage]');
    await page.waitForSelector('svg.columns rect.column');
    await page.waitForSelector('#outcome-chart rect.bar');
    await page.waitForSelector('#latency-chart rect.bar');
    const rows = await page.locator('#versions-table tbody tr').count();
    expect(rows >= 2, `the usage report should list two versions; found ${rows}`);
    await shot('03-usage');
  });

  await step('timeline', async () => {
    await page.click('nav a[data-page=timeline]');
    await page.waitForSelector('#timeline-chart rect.period');
    const changes = await page.locator('#changes-table tbody tr').count();
    expect(changes >= 1, `the timeline should show a version change; found ${changes}`);
    await shot('04-timeline');
  });

  await step('verification', async () => {
    await page.click('nav a[data-page=verification]');
    await page.waitForSelector('#verification-verdict.ok');
    await shot('05-verification');
  });
}

async function wrongKey() {
  await step('wrong-key', async () => {
    await page.goto(`${baseUrl}/dashboard/#/login`);
    await page.waitForSelector('#api-key');
    await page.fill('#api-key', key);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#login-message .notice.error');
    const message = await text('#login-message .notice.error');
    expect(/wrong key/i.test(message), `the message should say the key is wrong; got '${message}'`);
    expect(await page.evaluate(() => sessionStorage.length) === 0, 'a refused key must not be kept');
    await shot('00-wrong-key');
  });
}

let failed = false;
try {
  await (mode === 'wrong-key' ? wrongKey() : full());
} catch (error) {
  console.error(error.message);
  failed = true;
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
