import { test, expect, type Page } from '@playwright/test';
import { SignInPage, signInAsAgent } from './fixtures/pages';
import { newPerson } from './fixtures/server';
import { THANKS, openTheBanksCardPage } from './fixtures/payment';
import { expectAccessible } from './fixtures/axe';
import { appReady } from './fixtures/app';

const OFFLINE = 'Pas de connexion à internet : vérifiez votre connexion, puis réessayez.';

/** Every call of the app to the server fails as if the network were gone
 * (the action's, and the page's data, were it loaded again). */
async function cutOff(page: Page) {
  await page.route('**/api/**', (route) => route.abort('internetdisconnected'));
}

test("each action without a field of its own says in place why it failed, the page and the form kept: abandon, delete a message, sign out, and the agent's «Marquer comme régularisé»", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const pierre = newPerson('pierre');
  await new SignInPage(page).signIn(pierre);
  await expect(page).toHaveURL(/\/accueil/);

  // A payment left on the bank's card page, abandoned from another tab: the
  // first abandon cannot reach the server, the second can.
  const kiosk = await openTheBanksCardPage(page, pierre.references[0]);
  const home = await page.context().newPage();
  await home.goto('/accueil');
  await appReady(home);
  const pending = home.getByRole('region', { name: 'PAIEMENTS EN ATTENTE DE LA BANQUE' });
  await cutOff(home);
  await pending.locator('summary', { hasText: 'Abandonner ce paiement' }).click();
  await home.getByRole('button', { name: "Confirmer l'abandon" }).click();
  await expect(pending.getByRole('alert')).toHaveText(OFFLINE);
  await expect(home).toHaveURL(/\/accueil$/);
  await expect(home.getByRole('button', { name: "Confirmer l'abandon" })).toBeVisible();
  await expectAccessible(home);
  await home.unrouteAll();
  await home.getByRole('button', { name: "Confirmer l'abandon" }).click();
  await expect(home.getByRole('status').filter({ hasText: 'Ce paiement a été abandonné' })).toBeVisible();
  await expect(pending.getByRole('alert')).toHaveCount(0);

  // The card page, still open, pays all the same: recorded, «à régulariser».
  await kiosk.payWith('4100 0000 0000 0000');
  await kiosk.continue();
  await expect(page.getByRole('status')).toHaveText(THANKS);
  const transaction = new URL(page.url()).searchParams.get('paiement') ?? '';
  expect(transaction).toMatch(/^PCLCB\d{12}$/);
  await home.close();

  // Deleting the acknowledgement.
  await appReady(page);
  await page.getByRole('link', { name: /Ma messagerie/ }).click();
  await page.getByRole('link', { name: /Accusé de réception de votre paiement de créance/ }).click();
  await page.getByRole('link', { name: 'SUPPRIMER' }).click();
  await cutOff(page);
  await page.getByRole('button', { name: 'OUI, SUPPRIMER' }).click();
  const question = page.getByRole('alert').filter({ hasText: 'Voulez-vous vraiment supprimer ce message ?' });
  await expect(question.getByRole('alert')).toHaveText(OFFLINE);
  await expect(page.getByRole('button', { name: 'OUI, SUPPRIMER' })).toBeVisible();
  await expect(page.getByText('Nous accusons réception de votre paiement de créance du')).toBeVisible();

  // Signing out (the network still gone).
  await page.getByRole('button', { name: 'Se déconnecter', exact: true }).click();
  await expect(page.getByRole('banner').getByRole('alert')).toHaveText(OFFLINE);
  await expect(page.getByRole('banner').getByText(pierre.name)).toBeVisible();
  await expectAccessible(page);

  // The agent marks the payment accepted after its abandon as regularised.
  const office = await browser.newContext();
  const agent = await office.newPage();
  await agent.goto('/agent/connexion');
  await signInAsAgent(agent);
  await agent.goto(`/agent/paiements/${transaction}`);
  await appReady(agent);
  const mark = agent.getByRole('button', { name: 'Marquer comme régularisé' });
  await cutOff(agent);
  await mark.click();
  await expect(agent.getByRole('alert')).toHaveText(OFFLINE);
  await expect(mark).toBeVisible();
  await expectAccessible(agent);
  await agent.unrouteAll();
  const reloads: string[] = [];
  agent.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/agent-page-paiement') reloads.push(request.url());
  });
  await mark.click();
  await expect(agent.getByText(/régularisé le \d\d\/\d\d\/\d{4}/)).toBeVisible();
  await expect(agent.getByRole('table', { name: 'Historique' })).toContainText("Régularisation faite par l'agent.");
  await expect(agent.getByRole('alert')).toHaveCount(0);
  expect(reloads, 'the answer is the payment as it now is: its data is not asked again').toEqual([]);
  await office.close();
});

test('an avis issued in the app: the app goes to the search for it, which says so, without a new document and once only', async ({ page }) => {
  const pierre = newPerson('pierre');
  await page.goto('/agent/connexion');
  await appReady(page);
  await signInAsAgent(page);
  await page.getByRole('link', { name: 'Émettre un avis' }).click();
  await expect(page.getByRole('heading', { name: 'Émettre un avis de sommes à payer' })).toBeVisible();
  const documents: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'document') documents.push(request.url());
  });
  await page.getByLabel("Numéro de sécurité sociale de l'assuré").fill(pierre.nir);
  await page.getByLabel('Montant (€)').fill('42,50');
  await page.getByRole('button', { name: "Émettre l'avis" }).click();
  await expect(page).toHaveURL(/\/agent\/recherche\?q=\d{16}[A-Z]$/);
  await expect(page.getByRole('status')).toContainText('émis pour 42,50');
  expect(documents).toEqual([]);
  // Said once: the search loaded again does not say it.
  await page.reload();
  await expect(page.getByRole('heading', { name: /PIERRE BELAGE/ })).toBeVisible();
  await expect(page.getByText('émis pour 42,50')).toHaveCount(0);
});
