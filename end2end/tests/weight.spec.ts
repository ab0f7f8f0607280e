import { test, expect, type Browser, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { newPerson, type NewPerson } from './fixtures/server';
import { SignInPage } from './fixtures/pages';
import { payTwentyEuros } from './fixtures/payment';

/**
 * What a browser really transfers for each page, cache empty: the encoded
 * (compressed) bytes of every response the page loads, by kind. The budget is
 * 100 KB of JavaScript and WebAssembly per page. The table goes to
 * end2end/reports/weight.json and to the test's output (README and
 * docs/PERFORMANCE.md quote it).
 */
const BUDGET_JS_WASM = 100_000;

type Weight = { page: string; html: number; css: number; js: number; wasm: number; other: number; encodings: string[] };

function kind(url: string, type: string): keyof Omit<Weight, 'page' | 'encodings'> {
  if (url.endsWith('.wasm')) return 'wasm';
  if (url.endsWith('.js')) return 'js';
  if (url.endsWith('.css')) return 'css';
  if (type === 'document') return 'html';
  return 'other';
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
  const weight: Weight = { page: name, html: 0, css: 0, js: 0, wasm: 0, other: 0, encodings: [] };
  const pending: Promise<void>[] = [];
  page.on('requestfinished', (request) => {
    pending.push(
      (async () => {
        const sizes = await request.sizes();
        const response = await request.response();
        const encoding = (await response?.headerValue('content-encoding')) ?? 'identity';
        const k = kind(new URL(request.url()).pathname, request.resourceType());
        weight[k] += sizes.responseBodySize + sizes.responseHeadersSize;
        if (k === 'js' || k === 'wasm') weight.encodings.push(`${k}:${encoding}`);
      })(),
    );
  });
  await page.goto(path);
  await page.waitForLoadState('networkidle');
  if (await page.locator('leptos-island').count()) await islandsReady(page);
  await page.waitForLoadState('networkidle');
  await Promise.all(pending);
  await context.close();
  return weight;
}

async function islandsReady(page: Page) {
  await page.waitForFunction(() => (window as unknown as { __hydrateIsland?: unknown }).__hydrateIsland !== undefined);
}

test('every page transfers at most 100 KB of JavaScript and WebAssembly, compressed', async ({ browser }) => {
  test.setTimeout(120_000);
  const pierre: NewPerson = newPerson('pierre');
  // A payment, for the acknowledgement's page.
  const payer = await browser.newPage();
  await new SignInPage(payer).signIn(pierre);
  await payTwentyEuros(payer, pierre.references[0]);
  await payer.goto('/ma-messagerie');
  const message = (await payer.getByRole('link', { name: /Accusé de réception/ }).getAttribute('href')) ?? '';
  await payer.close();
  const pages: [string, string, Parameters<typeof weigh>[3]][] = [
    ['sign-in', '/connexion', undefined],
    ['home', '/accueil', pierre],
    ['step 1', '/mes-paiements/payer-une-creance', pierre],
    ['step 2', `/mes-paiements/payer-une-creance/${pierre.references[0]}`, pierre],
    ['my payments', '/mes-paiements', pierre],
    ['overview', '/mes-paiements/participations-forfaitaires-et-franchises', pierre],
    ['mailbox', '/ma-messagerie', pierre],
    ['message', message, pierre],
    ['démarches', '/mes-demarches', pierre],
    ['agent sign-in', '/agent/connexion', undefined],
    ['agent payments', '/agent', 'agent'],
    ['agent search', `/agent/recherche?q=${pierre.references[0]}`, 'agent'],
  ];
  const weights: Weight[] = [];
  for (const [name, path, who] of pages) weights.push(await weigh(browser, name, path, who));
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/weight.json', JSON.stringify(weights, null, 2));
  console.log(['page | html | css | js | wasm | other | js+wasm (bytes, encoded)', '---|---|---|---|---|---|---']
    .concat(weights.map((w) => `${w.page} | ${w.html} | ${w.css} | ${w.js} | ${w.wasm} | ${w.other} | ${w.js + w.wasm}`))
    .join('\n'));
  for (const w of weights) {
    expect(w.js + w.wasm, `${w.page}: JS + WASM transferred`).toBeLessThanOrEqual(BUDGET_JS_WASM);
    for (const encoding of w.encodings) expect(encoding, `${w.page}: compressed`).not.toMatch(/identity/);
  }
  // Pages without islands load no JavaScript or WebAssembly at all.
  for (const w of weights.filter((w) => !['sign-in', 'step 1', 'step 2'].includes(w.page))) {
    expect(w.js + w.wasm, `${w.page}: no JS or WASM`).toBe(0);
  }
});

test('versioned files are kept a year: a second page loads no JavaScript or WebAssembly again', async ({ page }) => {
  const pierre = newPerson('pierre');
  await page.goto('/connexion');
  await islandsReady(page);
  const wasm = (await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name))).find((n) => n.endsWith('.wasm')) ?? '';
  expect(wasm).toMatch(/\/pkg\/payer-creance\.[A-Za-z0-9_-]+\.wasm$/);
  const response = await page.request.get(wasm);
  expect(response.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  await page.getByLabel('Numéro de sécurité sociale').fill(pierre.nir);
  await page.getByLabel('Mot de passe').fill(pierre.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.goto('/mes-paiements/payer-une-creance');
  await islandsReady(page);
  const fromCache = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => /\.(js|wasm)$/.test(e.name))
      .map((e) => (e as PerformanceResourceTiming).transferSize),
  );
  expect(fromCache.length).toBeGreaterThan(0);
  expect(fromCache.every((size) => size === 0), `transferred again: ${fromCache}`).toBe(true);
});
