import { test, expect, type Page, type Request } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { newPerson } from './fixtures/server';
import { SignInPage } from './fixtures/pages';
import { appReady } from './fixtures/app';
import { expectAccessible, watchConsole } from './fixtures/axe';

/** Each request the page makes to our origin, by kind. */
function watchRequests(page: Page, origin: string) {
  const documents: string[] = [];
  const calls: string[] = [];
  page.on('request', (request: Request) => {
    const url = new URL(request.url());
    if (url.origin !== origin) return;
    if (request.resourceType() === 'document') documents.push(`${request.method()} ${url.pathname}`);
    else if (url.pathname.startsWith('/api/') && request.resourceType() === 'fetch') calls.push(`${request.method()} ${url.pathname}`);
  });
  return { documents, calls };
}

/** The page's title is `title`, its `h1` has the focus, and the live region said the title. */
async function arrivedAt(page: Page, title: string, heading: string | RegExp) {
  await expect(page).toHaveTitle(title);
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeFocused();
  await expect(page.locator('#page-announcement')).toHaveText(title);
}

test('after the first page, Accueil → Mes paiements → Payer une créance → step 2 → Accueil → Ma messagerie and back load no document: each page has its title, takes the focus on its h1 and is announced, and its data comes from server functions the browser called', async ({
  page,
  baseURL,
}) => {
  const problems = watchConsole(page);
  const pierre = newPerson('pierre');
  const signIn = new SignInPage(page);
  await signIn.goto();
  await appReady(page);
  const origin = new URL(baseURL ?? '').origin;
  const { documents, calls } = watchRequests(page, origin);

  await signIn.nir.fill(pierre.nir);
  await signIn.password.fill(pierre.password);
  await signIn.submit.click();
  await expect(page).toHaveURL(/\/accueil$/);
  await arrivedAt(page, 'Accueil – Mon compte ameli', 'Accueil');
  await expect(page.getByRole('heading', { name: pierre.name })).toBeVisible();

  const menu = page.getByRole('navigation', { name: 'Menu principal' });
  await menu.getByRole('link', { name: 'Mes paiements' }).click();
  await expect(page).toHaveURL(/\/mes-paiements$/);
  await arrivedAt(page, 'Mes paiements – Mon compte ameli', 'Mes paiements');
  await expect(menu.getByRole('link', { name: 'Mes paiements' })).toHaveAttribute('aria-current', 'page');

  await page.getByRole('navigation', { name: 'MES PAIEMENTS' }).getByRole('link', { name: 'Payer une créance' }).click();
  await arrivedAt(page, 'Payer une créance – étape 1 sur 3 – Mon compte ameli', 'PAYER UNE CRÉANCE');
  await page.getByRole('textbox', { name: 'Chiffre 1 sur 16' }).click();
  await page.keyboard.type(pierre.references[0]);
  await page.getByRole('button', { name: 'RECHERCHER' }).click();
  await expect(page).toHaveURL(new RegExp(`/payer-une-creance/${pierre.references[0]}$`));
  await arrivedAt(page, 'Payer une créance – étape 2 sur 3 – Mon compte ameli', 'PAYER UNE CRÉANCE');
  await expect(page.getByText('1 références sélectionné(es)')).toBeVisible();
  await expectAccessible(page);

  await menu.getByRole('link', { name: 'Accueil' }).click();
  await arrivedAt(page, 'Accueil – Mon compte ameli', 'Accueil');
  await menu.getByRole('link', { name: /Ma messagerie/ }).click();
  await arrivedAt(page, 'Ma messagerie – Mon compte ameli', 'Ma messagerie');
  await expect(page.getByText("Vous n'avez aucun message.")).toBeVisible();

  // Back and forward: the previous pages again, in place.
  await page.goBack();
  await expect(page).toHaveURL(/\/accueil$/);
  await arrivedAt(page, 'Accueil – Mon compte ameli', 'Accueil');
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`/payer-une-creance/${pierre.references[0]}$`));
  await arrivedAt(page, 'Payer une créance – étape 2 sur 3 – Mon compte ameli', 'PAYER UNE CRÉANCE');
  await page.goForward();
  await arrivedAt(page, 'Accueil – Mon compte ameli', 'Accueil');

  expect(documents, 'documents loaded from our origin after the first page').toEqual([]);
  for (const call of [
    'POST /api/connexion',
    'POST /api/page-accueil',
    'POST /api/page-mes-paiements',
    'POST /api/page-payer-reference',
    'POST /api/rechercher-reference',
    'POST /api/page-payer-selection',
    'POST /api/page-messagerie',
  ]) {
    expect(calls, 'server functions the browser called').toContain(call);
  }
  expect(problems).toEqual([]);
});

test('a form refused by the server says why in place, and a second press while a call is under way sends nothing', async ({ page }) => {
  const eva = newPerson('eva');
  const signIn = new SignInPage(page);
  await signIn.goto();
  await appReady(page);
  let sent = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/connexion') sent += 1;
  });
  // Held until released: the call is under way.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/connexion', async (route) => {
    await held;
    await route.continue();
  });
  await signIn.nir.fill(eva.nir);
  await signIn.password.fill('pas le bon');
  await signIn.submit.click();
  const pending = page.getByRole('button', { name: 'Chargement…' });
  await expect(pending).toHaveAttribute('aria-disabled', 'true');
  // A second press (the button is only marked disabled: it keeps the focus, and can be pressed).
  await pending.click({ force: true });
  release();
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('Numéro de sécurité sociale ou mot de passe incorrect.');
  await expect(summary).toBeFocused();
  await expect(signIn.password).toHaveAttribute('aria-invalid', 'true');
  await expect(signIn.nir).toHaveValue(eva.nir);
  expect(sent).toBe(1);
  await expect(page).toHaveURL(/\/connexion$/);
});

/** The WebAssembly files of the chunks whose split name contains `group`, as `/pkg/…` paths. */
function chunkFiles(group: string): Set<string> {
  const pkg = '../target/site/pkg';
  const name = readdirSync(pkg).find((f) => /^__wasm_split_manifest\..*\.json$/.test(f));
  const manifest: Record<string, string[]> = name ? JSON.parse(readFileSync(`${pkg}/${name}`, 'utf8')) : {};
  const files = new Set<string>();
  for (const [split, stems] of Object.entries(manifest)) {
    if (split.includes(group)) for (const stem of stems) files.add(`/pkg/${stem}.wasm`);
  }
  return files;
}

/**
 * Holds every file of the chunks of `group` until the server function at
 * `data` has been asked for (or 5 s); for each file let through, whether the
 * data had been asked for by then.
 */
async function holdChunks(page: Page, group: string, data: string): Promise<boolean[]> {
  const files = chunkFiles(group);
  expect(files.size, `the ${group} chunks in the split manifest`).toBeGreaterThan(0);
  let dataAsked: () => void = () => {};
  const asked = new Promise<void>((resolve) => (dataAsked = resolve));
  let askedAlready = false;
  const released: boolean[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === data) {
      askedAlready = true;
      dataAsked();
    }
  });
  await page.route(
    (url) => files.has(url.pathname),
    async (route) => {
      await Promise.race([asked, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      released.push(askedAlready);
      await route.continue();
    },
  );
  return released;
}

test.describe('a page whose code is not loaded yet', () => {
  // Every request seen by the page itself, not answered by the service worker's cache.
  test.use({ serviceWorkers: 'block' });

  test("asks for its data while its code is still loading: Accueil's and step 1's server functions are called before their chunks have arrived", async ({
    page,
  }) => {
    const paul = newPerson('paul');
    const signIn = new SignInPage(page);
    await signIn.goto();
    await appReady(page);

    const account = await holdChunks(page, 'account', '/api/page-accueil');
    await signIn.nir.fill(paul.nir);
    await signIn.password.fill(paul.password);
    await signIn.submit.click();
    await expect(page).toHaveURL(/\/accueil$/);
    await expect(page.getByRole('heading', { name: paul.name })).toBeVisible();
    expect(account.length, "the account's chunks fetched on the way to Accueil").toBeGreaterThan(0);
    expect(account, "Accueil's data asked for before each of its chunks arrived").not.toContain(false);

    const steps = await holdChunks(page, 'payment_steps', '/api/page-payer-reference');
    await page.getByRole('link', { name: 'Payer une créance' }).first().click();
    await arrivedAt(page, 'Payer une créance – étape 1 sur 3 – Mon compte ameli', 'PAYER UNE CRÉANCE');
    expect(steps.length, "the steps' chunks fetched on the way to step 1").toBeGreaterThan(0);
    expect(steps, "step 1's data asked for before each of its chunks arrived").not.toContain(false);
  });
});
