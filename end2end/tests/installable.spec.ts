import { test, expect } from '@playwright/test';
import { SignInPage, HomePage } from './fixtures/pages';
import { newPerson } from './fixtures/server';
import { expectAccessible } from './fixtures/axe';
import { appReady } from './fixtures/app';

type Icon = { src: string; sizes: string; type: string; purpose: string };

test('the manifest names the app in French, standalone, in the caisse blue, with PNG icons of the sizes it declares (192, 512, 512 maskable)', async ({
  page,
  request,
}) => {
  await page.goto('/connexion');
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/manifest.webmanifest');
  await expect(page.locator('meta[name="theme-color"]')).toHaveAttribute('content', '#0c419a');
  const response = await request.get('/manifest.webmanifest');
  expect(response.headers()['content-type']).toContain('application/manifest+json');
  const manifest = await response.json();
  expect(manifest).toMatchObject({
    name: 'Payer une créance — Mon compte ameli',
    short_name: 'Payer une créance',
    lang: 'fr',
    start_url: '/accueil',
    scope: '/',
    display: 'standalone',
    theme_color: '#0c419a',
    background_color: '#ffffff',
  });
  const icons = manifest.icons as Icon[];
  expect(icons.map((i) => `${i.sizes} ${i.purpose}`).sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
  const apple = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
  for (const icon of [...icons, { src: apple ?? '', sizes: '180x180', type: 'image/png', purpose: 'any' }]) {
    const file = await request.get(icon.src);
    expect(file.headers()['content-type'], icon.src).toBe('image/png');
    const png = await file.body();
    expect(png.subarray(1, 4).toString(), icon.src).toBe('PNG');
    expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, icon.src).toBe(icon.sizes);
  }
});

test('network cut: a page is the French offline page of the service worker, and the worker keeps static files only, never a page', async ({
  page,
  context,
}) => {
  const pierre = newPerson('pierre');
  await new SignInPage(page).signIn(pierre);
  await new HomePage(page).expectSignedIn(pierre.name);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  // The worker takes over from the next document on (a link of the app loads none).
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  // Offline, a link of the app to a page whose code the browser never fetched: the app
  // stops, the page loads as a document, and the worker answers its offline page.
  await appReady(page);
  await context.setOffline(true);
  await page.getByRole('link', { name: 'Payer une créance' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pas de connexion à internet');
  await expect(page.getByText('Vérifiez votre connexion (Wi-Fi ou données mobiles), puis réessayez.')).toBeVisible();
  await context.setOffline(false);

  // Offline, a link to a page whose code it has: the app says so, in French, in place.
  await page.goto('/accueil');
  await appReady(page);
  await context.setOffline(true);
  await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Mes paiements' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pas de connexion à internet');
  await expect(page.getByRole('alert')).toHaveText('Pas de connexion à internet : vérifiez votre connexion, puis réessayez.');
  await expect(page.getByRole('link', { name: 'Réessayer' })).toHaveAttribute('href', '/mes-paiements');
  await expectAccessible(page);

  // A new document while offline: the worker's offline page.
  await page.goto('/accueil');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pas de connexion à internet');
  await expect(page.getByText('Vérifiez votre connexion (Wi-Fi ou données mobiles), puis réessayez.')).toBeVisible();
  await expectAccessible(page);
  await context.setOffline(false);
  await page.getByRole('link', { name: 'Réessayer' }).click();
  await new HomePage(page).expectSignedIn(pierre.name);

  const kept = await page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
    }
    return paths;
  });
  expect(kept).toEqual(expect.arrayContaining(['/hors-ligne.html', '/hors-ligne.css']));
  for (const path of kept) expect(path).toMatch(/^\/(pkg\/|icons\/|hors-ligne\.(html|css)$)/);
});
