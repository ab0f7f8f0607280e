import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { SignInPage, signInAsAgent } from './fixtures/pages';
import { newPerson, runProcessing } from './fixtures/server';
import { Kiosk, ReferenceStep, SelectionStep, THANKS, openTheBanksCardPage, payTwentyEuros } from './fixtures/payment';
import { expectAccessible } from './fixtures/axe';
import { appReady } from './fixtures/app';

test('pay, read the acknowledgement, download its PDF, then see the payment applied', async ({ page, browser }) => {
  const pierre = newPerson('pierre');
  await new SignInPage(page).signIn(pierre);
  await payTwentyEuros(page, pierre.references[0]);
  await expect(page.getByRole('table', { name: 'Mes derniers paiements' })).toContainText('en cours de traitement');

  await page.getByRole('link', { name: /Ma messagerie/ }).click();
  await page.getByRole('link', { name: /Accusé de réception/ }).click();
  await expectAccessible(page);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'TÉLÉCHARGER EN PDF' }).click();
  const file = await (await download).path();
  const pdf = readFileSync(file);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  await expect(page.getByRole('button', { name: 'IMPRIMER' })).toBeVisible();

  // The entered créance: 87,09 € − 20,00 € in progress.
  await page.goto('/mes-paiements/participations-forfaitaires-et-franchises');
  const row = page.getByRole('row', { name: new RegExp(pierre.references[0]) });
  await expect(row).toContainText('67,09');
  await expect(row).toContainText('en cours de traitement');

  // Meanwhile another person leaves the bank's card page open, abandons that payment, pays the
  // créance (28,90 €) again, then finishes the first card page: the bank takes the money twice.
  // The processing run below applies the second payment, then 8,90 € of the first, which leaves
  // 11,10 € of trop-perçu (one run for both stories: a run applies every payment of the suite's
  // other tests too).
  const twice = newPerson('pierre');
  const context = await browser.newContext();
  const tab = await context.newPage();
  await new SignInPage(tab).signIn(twice);
  const first = await openTheBanksCardPage(tab, twice.references[3]);
  const other = await context.newPage();
  await new ReferenceStep(other).find(twice.references[3]);
  await other.locator('summary', { hasText: 'Abandonner ce paiement' }).click();
  await other.getByRole('button', { name: "Confirmer l'abandon" }).click();
  await expect(other.getByRole('status').filter({ hasText: 'Ce paiement a été abandonné' })).toBeVisible();
  await new SelectionStep(other).payAmount('20');
  const kiosk = new Kiosk(other);
  await kiosk.payWith('4100 0000 0000 0000');
  await kiosk.continue();
  await expect(other.getByRole('status')).toHaveText(THANKS);
  await first.payWith('4100 0000 0000 0000');
  await first.continue();
  await expect(tab.getByRole('heading', { level: 1 })).toBeVisible();
  const late = await tab.evaluate(() => new URL(location.href).searchParams.get('paiement'));

  const report = runProcessing();
  expect(report.applied).toBeGreaterThanOrEqual(1);
  expect(report.excess_cents).toBeGreaterThanOrEqual(1110);

  // An agent assigns part of that trop-perçu to the person's first créance, from the work queue.
  const desk = await (await browser.newContext({ viewport: { width: 360, height: 800 } })).newPage();
  await desk.goto('/agent/connexion');
  await signInAsAgent(desk);
  await desk.getByRole('link', { name: 'Trop-perçus' }).click();
  const queued = desk.getByRole('row', { name: new RegExp(late ?? 'PCLCB') });
  await expect(queued).toContainText('11,10');
  await queued.getByRole('link', { name: 'Affecter' }).click();
  await expect(desk.getByText("Affecter un trop-perçu à une autre créance de l'assuré")).toBeVisible();
  await appReady(desk);
  const creance = desk.getByLabel('Créance');
  await creance.selectOption(twice.references[0]);
  const amount = desk.getByLabel('Montant à affecter (€)');
  await amount.fill('20');
  await desk.getByRole('button', { name: 'Affecter', exact: true }).click();
  // More than the trop-perçu: said next to the field, what was typed kept.
  await expect(desk.locator('#montant_affecte-error')).toContainText('Le montant doit être compris entre 0,01 € et 11,10');
  await expect(amount).toHaveValue('20');
  await expectAccessible(desk);
  await amount.fill('5');
  await desk.getByRole('button', { name: 'Affecter', exact: true }).click();
  await expect(desk.getByRole('table', { name: 'Historique' })).toContainText(`Trop-perçu affecté à la créance ${twice.references[0]} : 5,00`);
  const width = await desk.evaluate(() => document.documentElement.scrollWidth);
  expect(width, 'the payment page fits 360 px').toBeLessThanOrEqual(360);
  // The person's créance owes 5 € less.
  await other.goto(`/mes-paiements/payer-une-creance/${twice.references[0]}`);
  await expect(other.getByText('Montant restant dû : 82,09 €')).toBeVisible();

  await page.reload();
  await expect(row).toContainText('67,09');
  await expect(row).toContainText('pris en compte');
  await expectAccessible(page);
  await page.goto(`/mes-paiements/payer-une-creance/${pierre.references[0]}`);
  await expect(page.getByText('Montant restant dû : 67,09 €')).toBeVisible();
  await page.goto('/accueil');
  await expect(page.getByRole('table', { name: 'Mes derniers paiements' })).toContainText('pris en compte');
});

test('a message can be deleted after confirmation', async ({ page }) => {
  const pierre = newPerson('pierre');
  await new SignInPage(page).signIn(pierre);
  await payTwentyEuros(page, pierre.references[0]);
  await page.getByRole('link', { name: /Ma messagerie/ }).click();
  await page.getByRole('link', { name: /Accusé de réception/ }).click();
  await page.getByRole('link', { name: 'SUPPRIMER' }).click();
  await expect(page.getByText('Voulez-vous vraiment supprimer ce message ?')).toBeVisible();
  await expectAccessible(page);
  // The app deletes it and goes to the mailbox itself: no new document.
  const documents: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'document') documents.push(request.url());
  });
  await page.getByRole('button', { name: 'OUI, SUPPRIMER' }).click();
  await expect(page).toHaveURL(/\/ma-messagerie$/);
  await expect(page.getByRole('status').filter({ hasText: 'Le message a été supprimé.' })).toBeFocused();
  await expect(page.getByText("Vous n'avez aucun message.")).toBeVisible();
  expect(documents).toEqual([]);
  // Said once: the mailbox loaded again does not say it.
  await page.reload();
  await expect(page.getByText("Vous n'avez aucun message.")).toBeVisible();
  await expect(page.getByText('Le message a été supprimé.')).toHaveCount(0);
});

test('an agent finds a payment by reference and exports the CSV', async ({ page, browser }) => {
  const pierre = newPerson('pierre');
  const person = await browser.newPage();
  await new SignInPage(person).signIn(pierre);
  const transaction = await payTwentyEuros(person, pierre.references[0]);
  await expect(person.getByRole('table', { name: 'Mes derniers paiements' }).getByRole('cell', { name: transaction })).toBeVisible();
  await person.close();

  await page.goto('/agent/connexion');
  await expectAccessible(page);
  await signInAsAgent(page);
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Recherche' }).click();
  await page.getByLabel("NIR, référence d'avis ou référence de transaction").fill(pierre.references[0]);
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page.getByRole('heading', { name: /PIERRE BELAGE/ })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: transaction }).click();
  await expect(page.getByRole('heading', { name: `Paiement ${transaction}` })).toBeVisible();
  await expect(page.getByText('4100##########00')).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Paiements reçus' }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: /Exporter en CSV/ }).click();
  const csv = readFileSync(await (await download).path(), 'utf8');
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  expect(csv).toContain('date_acceptation;reference_transaction;numero_autorisation');
  expect(csv).toContain(`${transaction};`);
  expect(csv).toContain(';20,00;');

  for (const link of ['Trop-perçus', 'Émettre un avis', 'Journal']) {
    await page.getByRole('link', { name: link }).click();
    await expectAccessible(page);
  }
});

test('a payment being processed turns «pris en compte» on Accueil in place, its banner with its row, once the processing run has applied it, with no reload, and nothing is asked while the page is hidden', async ({
  page,
}) => {
  const pierre = newPerson('pierre');
  await new SignInPage(page).signIn(pierre);
  await payTwentyEuros(page, pierre.references[0]);
  await appReady(page);
  const table = page.getByRole('table', { name: 'Mes derniers paiements' });
  await expect(table).toContainText('en cours de traitement');
  const documents: string[] = [];
  let asked = 0;
  page.on('request', (request) => {
    if (request.resourceType() === 'document') documents.push(request.url());
    if (new URL(request.url()).pathname === '/api/etat-des-paiements') asked += 1;
  });
  // Hidden (another tab in front): the page waits, and asks nothing.
  await page.evaluate(() => Object.defineProperty(document, 'hidden', { configurable: true, get: () => true }));
  await page.waitForTimeout(4_000);
  expect(asked, 'questions while hidden').toBe(0);
  await page.evaluate(() => Object.defineProperty(document, 'hidden', { configurable: true, get: () => false }));
  await expect.poll(() => asked, { timeout: 5_000 }).toBeGreaterThan(0);
  await expect(table).toContainText('en cours de traitement');

  const banner = page.getByRole('status');
  await expect(banner).toHaveText(THANKS);

  expect(runProcessing().applied).toBeGreaterThanOrEqual(1);
  await expect(table).toContainText('pris en compte', { timeout: 20_000 });
  await expect(banner).toHaveText('Nous vous remercions pour votre paiement : il a été pris en compte.');
  await expect(banner).toHaveClass(/banner--success/);
  expect(documents, 'no new document').toEqual([]);
});
