import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { newPerson } from './fixtures/server';
import { SignInPage } from './fixtures/pages';
import { Kiosk, ReferenceStep, SelectionStep, THANKS } from './fixtures/payment';

// The app's WebAssembly never runs (a slow phone, a blocked script): every page is
// the server's document and every form a real post, answered with a redirect.
test.use({ javaScriptEnabled: false });

/** Counts the documents the browser loads: without JavaScript, every page is one. */
function countDocuments(page: Page) {
  const documents: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'document') documents.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });
  return documents;
}

/** Starts a 20 € payment of `reference` through the server's pages alone, up to the bank's card page. */
async function startTwentyEuros(page: Page, reference: string) {
  await new ReferenceStep(page).goto();
  await page.getByRole('textbox', { name: 'Chiffre 1 sur 16' }).fill(reference);
  await page.getByRole('button', { name: 'RECHERCHER' }).click();
  await new SelectionStep(page).payAmount('20');
  await page.getByRole('button', { name: 'Continuer vers le paiement sécurisé' }).click();
  await new Kiosk(page).expectAmount('20,00 €');
}

test('without JavaScript: signing in (refused, then accepted), step 1 refused then found, step 2 refused then paid at the bank, and back on Accueil', async ({
  page,
}) => {
  const pierre = newPerson('pierre');
  const documents = countDocuments(page);
  const signIn = new SignInPage(page);
  await signIn.signIn({ nir: pierre.nir, password: 'pas le bon' });
  await expect(page).toHaveURL(/\/connexion$/);
  await expect(page.getByRole('alert')).toContainText('Numéro de sécurité sociale ou mot de passe incorrect.');
  await expect(signIn.nir).toHaveValue(pierre.nir);
  await signIn.signIn(pierre);
  await expect(page).toHaveURL(/\/accueil$/);
  await expect(page.getByRole('heading', { name: pierre.name })).toBeVisible();

  const step1 = new ReferenceStep(page);
  await step1.goto();
  await page.getByRole('textbox', { name: 'Chiffre 1 sur 16' }).fill('12345');
  await step1.search.click();
  await step1.expectError('La référence doit comporter 16 chiffres et 1 lettre.');
  await expect(page.getByRole('textbox', { name: 'Chiffre 1 sur 16' })).toHaveValue('1');
  // Again from empty boxes (the others still hold what was typed).
  await step1.goto();
  await page.getByRole('textbox', { name: 'Chiffre 1 sur 16' }).fill(pierre.references[0]);
  await step1.search.click();
  await expect(page.getByRole('heading', { name: `Créance (Référence : ${pierre.references[0]})` })).toBeVisible();

  const step2 = new SelectionStep(page);
  // 70 € is below his letter's 87,09 € but above the 50 € ceiling.
  await step2.payAmount('70');
  await expect(page.getByRole('alert')).toContainText('Le montant du paiement doit être compris entre 16 € et 50 €.');
  await expect(step2.amount).toHaveValue('70');
  await expect(step2.line(pierre.references[0])).toBeChecked();
  await step2.payAmount('20');
  await expect(page.getByRole('heading', { name: 'Paiement sécurisé' })).toBeVisible();
  await page.getByRole('button', { name: 'Continuer vers le paiement sécurisé' }).click();
  const kiosk = new Kiosk(page);
  await kiosk.expectAmount('20,00 €');
  await kiosk.payWith('4100 0000 0000 0000');
  await kiosk.continue();
  await expect(page.getByRole('status')).toHaveText(THANKS);
  await expect(page.getByRole('table', { name: 'Mes derniers paiements' })).toContainText('en cours de traitement');
  // Each step was a document of its own.
  expect(documents.filter((d) => d.startsWith('POST /api/')).length).toBeGreaterThanOrEqual(5);
});

test('without JavaScript: the mailbox, a message, its PDF, its deletion after confirmation, and signing out', async ({ page }) => {
  const pierre = newPerson('pierre');
  await new SignInPage(page).signIn(pierre);
  await startTwentyEuros(page, pierre.references[0]);
  const kiosk = new Kiosk(page);
  await kiosk.payWith('4100 0000 0000 0000');
  await kiosk.continue();
  await expect(page.getByRole('status')).toHaveText(THANKS);

  await page.getByRole('link', { name: /Ma messagerie/ }).click();
  await page.getByRole('link', { name: /Accusé de réception/ }).click();
  await expect(page.getByText('Nous accusons réception de votre paiement de créance du')).toBeVisible();
  // «IMPRIMER» needs the app; the page says how to print instead.
  await expect(page.getByRole('button', { name: 'IMPRIMER' })).toBeHidden();
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'TÉLÉCHARGER EN PDF' }).click();
  expect(readFileSync(await (await download).path()).subarray(0, 5).toString()).toBe('%PDF-');
  await page.getByRole('link', { name: 'SUPPRIMER' }).click();
  await expect(page.getByRole('alert')).toContainText('Voulez-vous vraiment supprimer ce message ?');
  await page.getByRole('button', { name: 'OUI, SUPPRIMER' }).click();
  await expect(page).toHaveURL(/\/ma-messagerie$/);
  await expect(page.getByRole('status')).toHaveText('Le message a été supprimé.');
  await expect(page.getByText("Vous n'avez aucun message.")).toBeVisible();

  await page.getByRole('button', { name: 'Se déconnecter', exact: true }).click();
  await expect(page).toHaveURL(/\/connexion$/);
  await page.goto('/accueil');
  await expect(page).toHaveURL(/\/connexion$/);
});

test('without JavaScript: a payment left at the bank is abandoned after confirming, and its line is free again', async ({ page }) => {
  const pierre = newPerson('pierre');
  await new SignInPage(page).signIn(pierre);
  await startTwentyEuros(page, pierre.references[0]);
  await page.goto('/accueil');
  await page.locator('summary', { hasText: 'Abandonner ce paiement' }).click();
  await page.getByRole('button', { name: "Confirmer l'abandon" }).click();
  await expect(page).toHaveURL(/\/accueil$/);
  await expect(page.getByRole('status').filter({ hasText: 'Ce paiement a été abandonné' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'PAIEMENTS EN ATTENTE DE LA BANQUE' })).toHaveCount(0);
  await page.goto(`/mes-paiements/payer-une-creance/${pierre.references[0]}`);
  await expect(new SelectionStep(page).line(pierre.references[0])).toBeEnabled();
});

test('without JavaScript: an agent signs in (refused, then accepted), filters the payments, searches a person and issues an avis', async ({
  page,
}) => {
  const pierre = newPerson('pierre');
  await page.goto('/agent/connexion');
  await page.getByLabel('Identifiant').fill('agent.isere');
  await page.getByLabel('Mot de passe').fill('pas le bon');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('alert')).toContainText('Identifiant ou mot de passe incorrect.');
  await page.getByLabel('Mot de passe').fill('Agent-381');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('heading', { name: 'Paiements reçus' })).toBeVisible();
  await page.getByLabel('État').selectOption({ index: 0 });
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page).toHaveURL(/\/agent\?du=/);

  await page.getByRole('link', { name: 'Recherche' }).click();
  await page.getByLabel("NIR, référence d'avis ou référence de transaction").fill(pierre.references[0]);
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page.getByRole('heading', { name: /PIERRE BELAGE/ })).toBeVisible();

  await page.getByRole('link', { name: 'Émettre un avis' }).click();
  await page.getByLabel("Numéro de sécurité sociale de l'assuré").fill('123');
  await page.getByLabel('Montant (€)').fill('42,50');
  await page.getByRole('button', { name: "Émettre l'avis" }).click();
  await expect(page.getByRole('alert')).toContainText('Le numéro de sécurité sociale doit comporter 13 chiffres, ou 15 avec la clé.');
  await expect(page.getByLabel('Montant (€)')).toHaveValue('42,50');
  await page.getByLabel("Numéro de sécurité sociale de l'assuré").fill(pierre.nir);
  await page.getByRole('button', { name: "Émettre l'avis" }).click();
  await expect(page).toHaveURL(/\/agent\/recherche\?q=/);
  await expect(page.getByRole('status')).toContainText('émis pour 42,50');
});
