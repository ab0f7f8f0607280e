// Speed on a mid-range phone, as Chromium emulates one: CPU 4× slower,
// 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trips; cache empty at each run.
// Measures the time to the first content of the sign-in page and of step 2,
// and the time until step 2's live total answers a tick (from the start of the
// navigation). Prints one JSON line per run, then the medians.
//
//   node bench/phone.mjs BASE_URL NIR PASSWORD REFERENCE OTHER_REFERENCE [RUNS=5]
import { chromium } from '@playwright/test';

const [base, nir, password, reference, other, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const PHONE = { latency: 150, downloadThroughput: (1.6e6 / 8), uploadThroughput: (750e3 / 8), offline: false };

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function phonePage(signedIn) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  if (signedIn) {
    await context.request.post(`${base}/api/connexion`, { form: { nir, password }, maxRedirects: 0 });
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', PHONE);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return { context, page };
}

const firstContent = (page) => page.evaluate(() => new Promise((resolve) => {
  const done = () => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    if (paint) resolve(paint.startTime); else setTimeout(done, 20);
  };
  done();
}));

const results = [];
for (let run = 1; run <= runs; run++) {
  {
    const { context, page } = await phonePage(false);
    await page.goto(`${base}/connexion`, { waitUntil: 'commit' });
    const fcp = await firstContent(page);
    results.push({ page: 'sign-in', run, first_content_ms: Math.round(fcp) });
    await context.close();
  }
  {
    const { context, page } = await phonePage(true);
    await page.goto(`${base}/mes-paiements/payer-une-creance/${reference}`, { waitUntil: 'commit' });
    const fcp = await firstContent(page);
    // Tick a line as soon as the island is live, and wait for the total to follow.
    await page.waitForFunction(() => window.__hydrateIsland !== undefined, null, { polling: 20, timeout: 60_000 });
    const before = await page.locator('#selection-total').textContent();
    await page.getByRole('checkbox', { name: other }).check();
    await page.waitForFunction((text) => document.getElementById('selection-total')?.textContent !== text, before, { polling: 10 });
    const live = await page.evaluate(() => performance.now());
    results.push({ page: 'step 2', run, first_content_ms: Math.round(fcp), live_total_ms: Math.round(live) });
    await context.close();
  }
  for (const r of results.slice(-2)) console.log(JSON.stringify(r));
}
await browser.close();

const median = (values) => { const v = [...values].sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
const of = (page, key) => results.filter((r) => r.page === page && r[key] !== undefined).map((r) => r[key]);
console.log(JSON.stringify({
  summary: 'medians (ms)', runs,
  sign_in_first_content: median(of('sign-in', 'first_content_ms')),
  step2_first_content: median(of('step 2', 'first_content_ms')),
  step2_live_total: median(of('step 2', 'live_total_ms')),
}));
