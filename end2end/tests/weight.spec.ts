import { test, expect, type Browser } from '@playwright/test';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { newPerson, type NewPerson } from './fixtures/server';
import { SignInPage } from './fixtures/pages';
import { payTwentyEuros } from './fixtures/payment';
import { appReady } from './fixtures/app';

/**
 * What a browser really transfers for each page, cache empty, until the app
 * is live and the network idle: the encoded (compressed) bytes of every
 * response, by kind, lazily loaded WebAssembly included. The table goes to
 * end2end/reports/weight.json and to the test's output (README and
 * docs/PERFORMANCE.md quote it).
 *
 * The ceiling is a ratchet: the heaviest person's page as last measured
 * (step 1, 293 012 bytes on 2026-12-07, the terminal's sign-out through the app's one call), plus the spread between two builds
 * of the same tree (the split tool does not write the same bytes twice: up
 * to 160 bytes seen), rounded up to the next 500. It moves down after each
 * cut, never up. It is not the budget the product asks
 * for (150 KiB), which is not met yet (README «What a phone downloads»).
 */
const CEILING_JS_WASM = 293_000;

type Weight = { page: string; html: number; css: number; js: number; wasm: number; other: number; files: string[]; encodings: string[] };

function kind(url: string, type: string): 'html' | 'css' | 'js' | 'wasm' | 'other' {
  if (url.endsWith('.wasm')) return 'wasm';
  if (url.endsWith('.js')) return 'js';
  if (url.endsWith('.css')) return 'css';
  if (type === 'document') return 'html';
  return 'other';
}

/** The back office's own WebAssembly files: in its chunks' lists and in no page of a person's. */
function backOfficeFiles(): Set<string> {
  const pkg = '../target/site/pkg';
  const name = readdirSync(pkg).find((f) => /^__wasm_split_manifest\..*\.json$/.test(f));
  const manifest: Record<string, string[]> = name ? JSON.parse(readFileSync(`${pkg}/${name}`, 'utf8')) : {};
  const agents = new Set<string>();
  const persons = new Set<string>();
  for (const [split, files] of Object.entries(manifest)) {
    for (const file of files) (split.includes('back_office') ? agents : persons).add(`${file}.wasm`);
  }
  return new Set([...agents].filter((file) => !persons.has(file)));
}

/** Loads `path` in a fresh context (cache empty), signed in as `who`, and adds up what it transferred. */
async function weigh(browser: Browser, name: string, path: string, who?: { nir: string; password: string } | 'agent'): Promise<Weight> {
  const context = await browser.newContext();
  if (who === 'agent') {
    await context.request.post('/api/agent-connexion', { form: { login: 'agent.isere', password: 'Agent-381' }, maxRedirects: 0 });
  } else if (who) {
    await context.request.post('/api/connexion', { form: { nir: who.nir, password: who.password }, maxRedirects: 0 });
  }
  const page = await context.newPage();
  const weight: Weight = { page: name, html: 0, css: 0, js: 0, wasm: 0, other: 0, files: [], encodings: [] };
  const pending: Promise<void>[] = [];
  page.on('requestfinished', (request) => {
    pending.push(
      (async () => {
        const sizes = await request.sizes();
        const response = await request.response();
        const encoding = (await response?.headerValue('content-encoding')) ?? 'identity';
        const pathname = new URL(request.url()).pathname;
        const k = kind(pathname, request.resourceType());
        weight[k] += sizes.responseBodySize + sizes.responseHeadersSize;
        if (k === 'js' || k === 'wasm') {
          weight.encodings.push(`${pathname}:${encoding}`);
          weight.files.push(pathname.replace(/^\/pkg\//, ''));
        }
      })(),
    );
  });
  await page.goto(path);
  await appReady(page);
  await page.waitForLoadState('networkidle');
  await Promise.all(pending);
  await context.close();
  return weight;
}

test(`a person's page transfers at most ${CEILING_JS_WASM} bytes of JavaScript and WebAssembly on its first load (its lazily loaded code included), all compressed with brotli, and none of the back office's own code`, async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const pierre: NewPerson = newPerson('pierre');
  // A payment, for the acknowledgement's page.
  const payer = await browser.newPage();
  await new SignInPage(payer).signIn(pierre);
  await payTwentyEuros(payer, pierre.references[0]);
  await payer.goto('/ma-messagerie');
  const message = (await payer.getByRole('link', { name: /Accusé de réception/ }).getAttribute('href')) ?? '';
  await payer.close();
  const persons: [string, string, Parameters<typeof weigh>[3]][] = [
    ['sign-in', '/connexion', undefined],
    ['home', '/accueil', pierre],
    ['step 1', '/mes-paiements/payer-une-creance', pierre],
    ['step 2', `/mes-paiements/payer-une-creance/${pierre.references[0]}`, pierre],
    ['my payments', '/mes-paiements', pierre],
    ['overview', '/mes-paiements/participations-forfaitaires-et-franchises', pierre],
    ['mailbox', '/ma-messagerie', pierre],
    ['message', message, pierre],
    ['démarches', '/mes-demarches', pierre],
  ];
  const agents: [string, string, Parameters<typeof weigh>[3]][] = [
    ['agent sign-in', '/agent/connexion', undefined],
    ['agent payments', '/agent', 'agent'],
    ['agent search', `/agent/recherche?q=${pierre.references[0]}`, 'agent'],
  ];
  const weights: Weight[] = [];
  for (const [name, path, who] of [...persons, ...agents]) weights.push(await weigh(browser, name, path, who));
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/weight.json', JSON.stringify(weights, null, 2));
  console.log(['page | html | css | js | wasm | other | js+wasm (bytes, encoded) | files', '---|---|---|---|---|---|---|---']
    .concat(weights.map((w) => `${w.page} | ${w.html} | ${w.css} | ${w.js} | ${w.wasm} | ${w.other} | ${w.js + w.wasm} | ${w.files.length}`))
    .join('\n'));
  const backOffice = backOfficeFiles();
  expect(backOffice.size, 'the back office has code of its own').toBeGreaterThan(0);
  for (const w of weights) {
    for (const encoding of w.encodings) expect(encoding, `${w.page}: compressed`).toMatch(/:br$/);
    if (agents.some(([name]) => name === w.page)) continue;
    expect(w.js + w.wasm, `${w.page}: JS + WASM transferred`).toBeLessThanOrEqual(CEILING_JS_WASM);
    expect(w.files.filter((file) => backOffice.has(file)), `${w.page}: the back office's code`).toEqual([]);
  }
  // And the back office does load its own code.
  for (const w of weights.filter((w) => agents.some(([name]) => name === w.page))) {
    expect(w.files.some((file) => backOffice.has(file)), `${w.page}: its code`).toBe(true);
  }
});

test('versioned files are kept a year: after the first page, the app loads no JavaScript or WebAssembly again for a page it has shown', async ({ page }) => {
  const pierre = newPerson('pierre');
  await page.goto('/connexion');
  await appReady(page);
  const wasm = (await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name))).find((n) => n.endsWith('.wasm')) ?? '';
  expect(wasm).toMatch(/\/pkg\/[A-Za-z0-9_.-]+\.[A-Za-z0-9_-]+\.wasm$/);
  const response = await page.request.get(wasm);
  expect(response.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  await new SignInPage(page).signIn(pierre);
  await expect(page.getByRole('heading', { name: pierre.name })).toBeVisible();
  // Accueil again, as a new document: its code comes from the browser's cache.
  await page.goto('/accueil');
  await appReady(page);
  const fromCache = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => /\.(js|wasm)$/.test(e.name))
      .map((e) => (e as PerformanceResourceTiming).transferSize),
  );
  expect(fromCache.length).toBeGreaterThan(0);
  expect(fromCache.every((size) => size === 0), `transferred again: ${fromCache}`).toBe(true);
});
