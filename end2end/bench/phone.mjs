// Speed on a mid-range phone, as Chromium emulates one: CPU 4× slower,
// 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trips; cache empty at each run.
// Measures the time to the first content of the sign-in page and of step 2,
// the time until step 2's live total answers a tick (from the start of the
// navigation: the page is usable, the app live), and on a live Accueil the
// time from a click on «Mes paiements» (a navigation in the app: its code
// and its data) to its title taking the focus, the first time and again.
// Prints one JSON line per run, then the medians. Then a whole
// visit, counted where the server's bytes leave: sign in and walk ten pages,
// every byte of every answer (headers and body, as sent) by kind, including
// what the browser fetches on its own — the service worker and its files.
//
//   node bench/phone.mjs BASE_URL NIR PASSWORD REFERENCE OTHER_REFERENCE [RUNS=5]
import { chromium } from '@playwright/test';
import http from 'node:http';

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
    // Tick a line as soon as the app is live, and wait for the total to follow.
    await page.waitForSelector('body[data-hydrated]', { state: 'attached', timeout: 60_000 });
    const before = await page.locator('#selection-total').textContent();
    await page.getByRole('checkbox', { name: other }).check();
    await page.waitForFunction((text) => document.getElementById('selection-total')?.textContent !== text, before, { polling: 10 });
    const live = await page.evaluate(() => performance.now());
    results.push({ page: 'step 2', run, first_content_ms: Math.round(fcp), live_total_ms: Math.round(live) });
    await context.close();
  }
  {
    const { context, page } = await phonePage(true);
    await page.goto(`${base}/accueil`);
    await page.waitForSelector('body[data-hydrated]', { state: 'attached', timeout: 60_000 });
    const menu = page.getByRole('navigation', { name: 'Menu principal' });
    const navigate = async (name, heading) => {
      const start = await page.evaluate(() => performance.now());
      await menu.getByRole('link', { name }).click();
      await page.waitForFunction((text) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === text,
        heading, { polling: 10, timeout: 60_000 });
      return Math.round((await page.evaluate(() => performance.now())) - start);
    };
    const first = await navigate('Mes paiements', 'Mes paiements');
    await navigate('Accueil', 'Accueil');
    const again = await navigate('Mes paiements', 'Mes paiements');
    results.push({ page: 'navigation', run, first_ms: first, again_ms: again });
    await context.close();
  }
  for (const r of results.slice(-3)) console.log(JSON.stringify(r));
}
const median = (values) => { const v = [...values].sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
const of = (page, key) => results.filter((r) => r.page === page && r[key] !== undefined).map((r) => r[key]);
/**
 * A person's visit through a counting relay: sign in, then ten pages. Returns
 * the bytes the server sent by kind, and how often the service worker came.
 */
async function visit() {
  const target = new URL(base);
  const sent = {};
  let worker = 0;
  const relay = http.createServer((request, response) => {
    const path = request.url.split('?')[0];
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: request.url, method: request.method, headers: request.headers },
      (answer) => {
        const type = answer.headers['content-type'] ?? '';
        const kind = path === '/sw.js' ? 'service worker' : path === '/hors-ligne.html' || path === '/hors-ligne.css' ? 'offline page'
          : type.startsWith('text/html') ? 'html' : type.startsWith('text/css') ? 'css'
          : type.includes('javascript') ? 'js' : type.startsWith('application/wasm') ? 'wasm' : 'other';
        if (path === '/sw.js') worker += 1;
        // Status line and headers as HTTP/1.1 writes them («name: value\r\n»,
        // then an empty line), then the body as sent.
        let bytes = `HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}\r\n`.length + 2
          + answer.rawHeaders.reduce((n, text) => n + text.length + 2, 0);
        response.writeHead(answer.statusCode, answer.headers);
        answer.on('data', (chunk) => { bytes += chunk.length; response.write(chunk); });
        answer.on('end', () => { sent[kind] = (sent[kind] ?? 0) + bytes; response.end(); });
      },
    );
    request.pipe(upstream);
  });
  await new Promise((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${relay.address().port}`;
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${origin}/connexion`);
  await page.getByLabel('Numéro de sécurité sociale').fill(nir);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/accueil$/);
  // Ten pages through the app's own links (no new document), as a person moves.
  const menu = page.getByRole('navigation', { name: 'Menu principal' });
  const walk = [
    () => menu.getByRole('link', { name: 'Mes paiements' }).click(),
    () => menu.getByRole('link', { name: /Ma messagerie/ }).click(),
    () => menu.getByRole('link', { name: 'Mes démarches' }).click(),
    () => menu.getByRole('link', { name: 'Accueil' }).click(),
    () => page.getByRole('link', { name: 'Payer une créance' }).first().click(),
    async () => {
      await page.getByRole('textbox', { name: 'Chiffre 1 sur 16' }).fill(reference);
      await page.getByRole('button', { name: 'RECHERCHER' }).click();
    },
    () => menu.getByRole('link', { name: 'Accueil' }).click(),
    () => menu.getByRole('link', { name: 'Mes paiements' }).click(),
    () => menu.getByRole('link', { name: /Ma messagerie/ }).click(),
    () => menu.getByRole('link', { name: 'Accueil' }).click(),
  ];
  for (const step of walk) {
    await step();
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    // Time for what the browser does on its own after a page.
    await page.waitForTimeout(1000);
  }
  await context.close();
  relay.close();
  return { pages: walk.length + 2, worker, sent };
}

const seen = await visit();
const total = Object.values(seen.sent).reduce((a, b) => a + b, 0);
console.log(JSON.stringify({
  summary: 'a visit: sign-in, then ten pages', pages_loaded: seen.pages, service_worker_fetches: seen.worker,
  bytes_sent_by_kind: seen.sent, bytes_sent: total,
}));

console.log(JSON.stringify({
  summary: 'medians (ms)', runs,
  sign_in_first_content: median(of('sign-in', 'first_content_ms')),
  step2_first_content: median(of('step 2', 'first_content_ms')),
  step2_live_total: median(of('step 2', 'live_total_ms')),
  navigation_first: median(of('navigation', 'first_ms')),
  navigation_again: median(of('navigation', 'again_ms')),
}));
await browser.close();
