// Drives the DecisionLedger dashboard in Debian's chromium (playwright-core, no downloaded browser).
// Usage: node dashboard.mjs <baseUrl> <apiKey> <screenshotDir> [full|wrong-key|narrow|reader|ticks|models|explanation|replay|drift|witnesses|witnesses-store]
// Prints one line per step; exits 1 on the first failed step or on any console error / page error.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [baseUrl, key, screenshotDir, mode = 'full'] = process.argv.slice(2);
if (!baseUrl || !key || !screenshotDir) {
  console.error('usage: node dashboard.mjs <baseUrl> <apiKey> <screenshotDir> [full|wrong-key|narrow|reader|ticks|models|explanation|replay|drift|witnesses|witnesses-store]');
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
// A page the key may not open must not be offered: no request of the dashboard may be refused.
page.on('response', response => { if (response.status() === 403) problems.push(`403 from ${new URL(response.url()).pathname}`); });
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
    await page.selectOption('#model-picker', model);
    await page.waitForFunction(m => location.hash.includes(`model=${m}`) && document.querySelector('#results-table tbody tr'), model);
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

async function login() {
  await page.goto(`${baseUrl}/dashboard/#/login`);
  await page.waitForSelector('#api-key');
  await page.fill('#api-key', key);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#results-table tbody tr');
}

/** Waits until the route settled: the hash is hash and selector is on the page. */
async function open(hash, selector) {
  await page.goto(`${baseUrl}/dashboard/${hash}`);
  await page.waitForSelector(selector);
}

// The layout at 420 px: no page may be wider than the window (document.scrollWidth <= innerWidth).
async function narrow() {
  await page.setViewportSize({ width: 420, height: 900 });
  const pages = [
    ['login', '#/login', '#api-key'],
    ['search', '#/search', '#results-table tbody tr'],
    ['decision', '#/decision/req-00007', '#proof-verdict'],
    ['usage', '#/usage', 'svg.columns rect.column'],
    ['timeline', '#/timeline', '#timeline-chart rect.period'],
    ['verification', '#/verification', '#verification-verdict'],
  ];
  const overflowing = [];
  for (const [name, hash, selector] of pages) {
    await step(`narrow-${name}`, async () => {
      if (name === 'search') await login();
      else await open(hash, selector);
      await page.waitForSelector(selector);
      const measured = await page.evaluate(() => {
        const width = window.innerWidth;
        // The widest culprits, to say what broke the layout.
        const culprits = [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > width + 0.5 && getComputedStyle(e).position !== 'fixed')
          .slice(0, 4)
          .map(e => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.trim().replace(/\s+/g, '.')}` : ''} right=${Math.round(e.getBoundingClientRect().right)}`);
        return { scrollWidth: document.documentElement.scrollWidth, bodyWidth: document.body.scrollWidth, width, culprits };
      });
      await shot(`narrow-${name}`);
      if (Math.max(measured.scrollWidth, measured.bodyWidth) > measured.width) {
        overflowing.push(`${name}: scrollWidth ${measured.scrollWidth} > innerWidth ${measured.width} (${measured.culprits.join('; ')})`);
      }
    });
  }
  expect(overflowing.length === 0, `pages wider than 420 px:\n${overflowing.join('\n')}`);
}

// A reader: the menu offers only what its role opens; a typed-in page says why it is closed, without a 403.
async function reader() {
  await step('reader-menu', async () => {
    await login();
    await page.waitForFunction(() => !document.getElementById('nav').hidden);
    const shown = await page.evaluate(() => [...document.querySelectorAll('#nav a[data-page]')].filter(a => a.offsetParent !== null).map(a => a.dataset.page));
    expect(shown.join(',') === 'search', `a reader's menu should offer only search; it offers ${shown.join(', ')}`);
    await shot('reader-menu');
  });
  for (const page_ of ['usage', 'timeline', 'verification']) {
    await step(`reader-${page_}`, async () => {
      await open(`#/${page_}`, '#page-refused');
      const message = await text('#page-refused');
      expect(/audit/.test(message) && /reader/.test(message) && /auditor or admin/.test(message), `the refusal should name the permission, the role and who may: '${message}'`);
    });
  }
  await step('reader-decision', async () => {
    await open('#/decision/req-00007', '#attribution-chart');
    await page.waitForSelector('#proof-status .notice');
    const message = await text('#proof-status .notice');
    expect(/audit permission/.test(message) && /reader/.test(message), `the proof card should say a reader cannot fetch proofs: '${message}'`);
    await page.waitForSelector('#input .notice.ok');
  });
}

// Axis ticks: distinct whole numbers for counts, up to a top tick the tallest column meets.
async function ticks() {
  await step('ticks-usage-max-1', async () => {
    await login();
    await open('#/usage?model=mlnet_fraud', 'svg.columns rect.column');
    const axis = await page.evaluate(() => {
      const labels = [...document.querySelectorAll('svg.columns text.tick[text-anchor=end]')].map(t => t.textContent);
      const grid = [...document.querySelectorAll('svg.columns line.grid')].map(l => Number(l.getAttribute('y1')));
      const tops = [...document.querySelectorAll('svg.columns rect.column')].map(r => Number(r.getAttribute('y')));
      return { labels, topGrid: Math.min(...grid), tallest: Math.min(...tops) };
    });
    expect(new Set(axis.labels).size === axis.labels.length, `the axis labels should be distinct: ${axis.labels.join(', ')}`);
    expect(axis.labels.every(l => /^\d+$/.test(l)), `count ticks should be whole numbers: ${axis.labels.join(', ')}`);
    expect(axis.labels.join(',') === '0,1', `a maximum of 1 should be labelled 0, 1: ${axis.labels.join(', ')}`);
    expect(Math.abs(axis.tallest - axis.topGrid) < 0.5, `the tallest column (y ${axis.tallest}) should meet the top tick's line (y ${axis.topGrid})`);
    await shot('ticks-usage');
  });
  await step('ticks-many-maxima', async () => {
    const bad = await page.evaluate(async () => {
      const { axisTicks } = await import('./js/axis.js');
      const out = [];
      const maxima = [...Array(300).keys()].map(i => i + 1).concat([999, 1000, 1001, 12345, 0.3, 0.07, 2.5, 17.2]);
      for (const max of maxima) {
        for (const integer of [true, false]) {
          if (integer && !Number.isInteger(max)) continue;
          const { ticks, top, digits } = axisTicks(max, { integer });
          const labels = ticks.map(t => t.toFixed(digits));
          const ok = ticks[0] === 0 && top >= max && new Set(labels).size === labels.length && ticks.length <= 11 && ticks.length >= 2
            && ticks.every((t, i) => i === 0 || t > ticks[i - 1]) && (!integer || ticks.every(Number.isInteger));
          if (!ok) out.push(`${max}${integer ? ' (integer)' : ''}: ${labels.join(', ')}`);
        }
      }
      return out;
    });
    expect(bad.length === 0, `bad ticks for: ${bad.slice(0, 10).join(' | ')}`);
  });
}

// The model picker: the ledger's models, and the per-model pages follow the choice.
async function models() {
  const rowModels = () => page.evaluate(() => [...document.querySelectorAll('#results-table tbody tr td:nth-child(4)')].map(td => td.firstChild.textContent.trim()));
  await step('models-listed', async () => {
    await login();
    await page.waitForSelector('#model-picker option[value=mlnet_fraud]', { state: 'attached' });
    const options = await page.evaluate(() => [...document.querySelectorAll('#model-picker option')].map(o => o.value));
    expect(options.join(',') === ',mlnet_fraud,fraud_detector', `the picker should offer all models, then each model newest first: ${options.join(',')}`);
    expect(await page.isVisible('#model-picker'), 'the picker should be visible on search');
  });
  await step('models-search', async () => {
    await page.selectOption('#model-picker', 'mlnet_fraud');
    await page.waitForFunction(() => location.hash.includes('model=mlnet_fraud') && document.querySelector('#results-table tbody tr'));
    const names = await rowModels();
    expect(names.length === 3 && names.every(n => n === 'mlnet_fraud'), `search should show the 3 mlnet_fraud decisions only: ${names.join(',')}`);
    await shot('models-search');
  });
  await step('models-usage', async () => {
    await page.click('nav a[data-page=usage]');
    await page.waitForSelector('#versions-table tbody tr');
    expect((await text('main')).includes('mlnet_fraud'), 'the usage report should follow the picked model');
    expect(await page.locator('#versions-table tbody tr').count() === 1, 'mlnet_fraud has one version');
    expect(await page.inputValue('#model-picker') === 'mlnet_fraud', 'the picker should keep the model across pages');
    await page.selectOption('#model-picker', 'fraud_detector');
    await page.waitForFunction(() => location.hash.includes('model=fraud_detector') && document.querySelectorAll('#versions-table tbody tr').length === 2);
  });
  await step('models-timeline', async () => {
    await page.click('nav a[data-page=timeline]');
    await page.waitForSelector('#timeline-chart rect.period');
    expect((await text('main')).includes('Periods — fraud_detector'), 'the timeline should follow the picked model');
    await page.selectOption('#model-picker', 'mlnet_fraud');
    await page.waitForFunction(() => document.querySelector('main')?.textContent.includes('Periods — mlnet_fraud') && document.querySelector('#timeline-chart rect.period'));
  });
  await step('models-all', async () => {
    await page.click('nav a[data-page=search]');
    await page.waitForSelector('#results-table tbody tr');
    await page.selectOption('#model-picker', '');
    await page.waitForFunction(() => !location.hash.includes('model=') && document.querySelector('#results-table tbody tr'));
    const names = new Set(await rowModels());
    expect(names.has('mlnet_fraud') && names.has('fraud_detector'), `all models should show both: ${[...names].join(',')}`);
  });
}

const sidesOfTheAxis = () => page.evaluate(() => [...document.querySelectorAll('#attribution-sides span')].map(s => s.textContent).join(' | '));

// The explanation caption follows the recorded method, its sign convention and its base value.
async function explanation() {
  await step('explanation-mlnet-fraud', async () => {
    await login();
    await open('#/decision/mlnet-fraud-1', '#attribution-caption');
    const caption = await text('#attribution-caption');
    expect(await page.getAttribute('#attribution-caption', 'data-method') === 'feature-contribution', 'the caption should be for the recorded method');
    for (const part of ['ML.NET feature contributions', 'raw score', 'output.score = 4.127', 'not of the probability', 'toward the positive class "fraud"', 'toward not fraud', 'opposite branch', 'do not add up to the score', 'No base value was recorded']) {
      expect(caption.includes(part), `the ML.NET caption should say '${part}': '${caption}'`);
    }
    expect(!/pushed it down|pushed the score up|base value [-\d]/.test(caption), `the caption must not describe additive attributions from a base value: '${caption}'`);
    const sides = await sidesOfTheAxis();
    expect(sides === '← toward not fraud | toward fraud →', `the sides of the axis should name the classes: '${sides}'`);
    await shot('explanation-mlnet');
  });
  await step('explanation-shap', async () => {
    await open('#/decision/req-00007', '#attribution-caption');
    const caption = await text('#attribution-caption');
    const entry = await page.evaluate(async () => (await fetch('/v1/decisions/req-00007', { headers: { 'X-Api-Key': sessionStorage.getItem('dledger.apiKey') } })).json());
    const sum = Object.values(entry.explanation.attributions).reduce((t, v) => t + v, 0);
    const fmt = v => v.toLocaleString('en-US', { maximumFractionDigits: 4 });
    const expected = `base value ${fmt(entry.explanation.baseValue)} + attributions ${fmt(sum)} = ${fmt(entry.explanation.baseValue + sum)}; output.score is ${fmt(entry.output.score)}`;
    expect(caption.includes('SHAP values') && caption.includes(expected), `the SHAP caption should add the base value and the attributions ('${expected}'): '${caption}'`);
    expect(!caption.includes('raw score'), `a SHAP caption is not about a raw score: '${caption}'`);
    const sides = await sidesOfTheAxis();
    expect(sides === '← lowers the output | raises the output →', `the sides of the axis: '${sides}'`);
  });
}

// Replay (issue 17): the Replay button of a decision runs POST /v1/replays against the model endpoint
// named in DLEDGER_REPLAY_ENDPOINT (the test's in-process model), and the report page shows the diff.
async function replay() {
  const endpoint = process.env.DLEDGER_REPLAY_ENDPOINT;
  expect(endpoint, 'DLEDGER_REPLAY_ENDPOINT is not set');
  await step('replay-button', async () => {
    await login();
    await open('#/decision/req-00007', '#replay-form');
    await page.fill('#replay-endpoint', endpoint);
    await page.click('#replay-button');
    await page.waitForSelector('#replay-counts');
    expect(page.url().includes('#/replay?requestId=req-00007'), `the report should open on its own page: ${page.url()}`);
    expect(await text('#replay-differed .stat-value') === '1', `one decision should differ: ${await text('#replay-counts')}`);
    expect(/^seq \d+$/.test(await text('#replay-eventSeq .stat-value')), `the run should be recorded as an event: ${await text('#replay-eventSeq')}`);
    const row = await text('#replay-results tbody tr[data-outcome=differed]');
    expect(row.includes('output.score') && row.includes('0.999'), `the differences should name output.score and the replayed value: '${row}'`);
    await shot('06-replay');
  });
}

// The drift panel with a monitor key: PSI over time with the threshold line, the flagged windows, the worst path's bins.
async function drift() {
  await step('drift-login', async () => {
    await page.goto(`${baseUrl}/dashboard/`);
    await page.waitForSelector('#api-key');
    await page.fill('#api-key', key);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#nav a[data-page=drift]:not([hidden])');
  });
  await step('drift-panel', async () => {
    await page.goto(`${baseUrl}/dashboard/#/drift?model=drift_model`);
    await page.waitForSelector('#drift-psi-chart .psi-line');
    const body = await page.evaluate(async () => (await fetch('/v1/drift?model=drift_model', { headers: { 'X-Api-Key': sessionStorage.getItem('dledger.apiKey') } })).json());
    const report = body.reports[0];
    const threshold = Number(await page.getAttribute('#drift-threshold', 'data-value'));
    expect(threshold === report.rule.psiThreshold, `the threshold line should sit at ${report.rule.psiThreshold}: ${threshold}`);
    const over = await page.locator('#drift-psi-chart .psi-point.over').count();
    const expected = report.windows.flatMap(w => w.paths.filter(p => p.psi > report.rule.psiThreshold)).length;
    expect(over === expected && over > 0, `points over the threshold: ${over}, expected ${expected}`);
    const flagged = await page.locator('.drift-flagged tbody tr').count();
    expect(flagged === report.windows.filter(w => w.flagged).length, `flagged rows: ${flagged}`);
    const bins = await page.locator('#drift-worst-chart rect.bar.baseline').count();
    const worst = [...report.windows].reverse().find(w => w.worstPath).worstPath;
    expect(bins === report.baseline.find(b => b.path === worst).bins.length, `bins of ${worst}: ${bins}`);
    await shot('06-drift');
  });
}

// The Witnesses card of the verification page: the quorum verdict and one row per witness of the policy
// (w1 cosigned the newest checkpoint; w2 is unreachable, so it shows failures and the last error).
async function witnesses() {
  await step('witnesses-card', async () => {
    await login();
    await open('#/verification', '#witnessing-verdict');
    const verdict = await text('#witnessing-verdict');
    expect(await page.getAttribute('#witnessing-verdict', 'class') === 'notice ok', `the verdict should be ok (published): '${verdict}'`);
    expect(verdict.includes('Published.') && verdict.includes('1 of (w1, w2)'), `the verdict should name the quorum: '${verdict}'`);
    const rows = await page.evaluate(() => [...document.querySelectorAll('#witnesses tbody tr')].map(r => [...r.cells].map(c => c.textContent.trim())));
    expect(rows.length === 2, `one row per witness: ${JSON.stringify(rows)}`);
    const [w1, w2] = rows;
    expect(w1[0] === 'w1' && w1[1] === '420', `w1 cosigned the checkpoint of size 420: ${JSON.stringify(w1)}`);
    expect(w2[0] === 'w2' && w2[1] === '0', `w2 cosigned nothing: ${JSON.stringify(w2)}`);
    expect(Number(w2[2].replace(/\D/g, '')) > 0, `w2 is unreachable, so it has failures: ${JSON.stringify(w2)}`);
    expect(w2[3] === '0', `no split view: ${JSON.stringify(w2)}`);
    expect(w2[4].includes('127.0.0.1:1'), `the last error names the unreachable address: ${JSON.stringify(w2)}`);
    expect(w2[5].includes('http://127.0.0.1:1/'), `the URL column shows the submission prefix: ${JSON.stringify(w2)}`);
    await shot('06-witnesses');
  });
}

// The same card on a collector in buffer mode: it does not publish (the sequencer does), so it shows what the
// store holds and says so, with no failure counters of its own.
async function witnessesFromStore() {
  await step('witnesses-store-card', async () => {
    await login();
    await open('#/verification', '#witnessing-source');
    const verdict = await text('#witnessing-verdict');
    expect(await page.getAttribute('#witnessing-verdict', 'class') === 'notice ok' && verdict.includes('Published.'), `the store says the newest checkpoint is published: '${verdict}'`);
    const source = await text('#witnessing-source');
    expect(source.includes('store') && source.includes('sequencer'), `the card says where the status comes from: '${source}'`);
    const rows = await page.evaluate(() => [...document.querySelectorAll('#witnesses tbody tr')].map(r => [...r.cells].map(c => c.textContent.trim())));
    const [w1, w2] = rows;
    expect(w1[0] === 'w1' && w1[1] === '420' && w1[4].startsWith('last cosignature stored'), `w1 cosigned size 420 (from the store): ${JSON.stringify(w1)}`);
    expect(w2[0] === 'w2' && w2[1] === '0' && w2[4] === '—', `w2 cosigned nothing: ${JSON.stringify(w2)}`);
    expect(w1[2] === 'sequencer' && w1[3] === 'sequencer', `failures and split views are the sequencer's: ${JSON.stringify(w1)}`);
    await shot('07-witnesses-store');
  });
}

const MODES = { full, 'wrong-key': wrongKey, narrow, reader, ticks, models, explanation, replay, drift, witnesses, 'witnesses-store': witnessesFromStore };

let failed = false;
try {
  if (!MODES[mode]) throw new Error(`unknown mode '${mode}'; use ${Object.keys(MODES).join(', ')}`);
  await MODES[mode]();
} catch (error) {
  console.error(error.message);
  failed = true;
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
