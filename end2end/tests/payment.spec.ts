import { test, expect, type Page } from '@playwright/test';
import { SignInPage } from './fixtures/pages';
import { newPerson, type NewPerson } from './fixtures/server';
import { Kiosk, ReferenceStep, SelectionStep, THANKS, FAILED } from './fixtures/payment';
import { PAUL, JEANNE } from './fixtures/persons';
import { expectAccessible, watchConsole } from './fixtures/axe';
import { appReady } from './fixtures/app';

async function signIn(page: Page, person: Pick<NewPerson, 'nir' | 'password'>) {
  await new SignInPage(page).signIn(person);
  await expect(page).toHaveURL(/\/accueil/);
}

/** Presses Tab until `target` has the focus (at most `max` times). */
async function tabTo(page: Page, target: import('@playwright/test').Locator, max = 40) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}


test('Pierre pays 20,00 € with 4100 0000 0000 0000: success banner and one message', async ({ page }) => {
  const problems = watchConsole(page);
  const pierre = newPerson('pierre');
  await signIn(page, pierre);
  await page.getByRole('link', { name: 'Mes paiements' }).click();
  await page.getByRole('link', { name: 'Payer une créance' }).click();
  const step1 = new ReferenceStep(page);
  await appReady(page);
  await step1.type(pierre.references[0]);
  await step1.search.click();
  await expect(page.getByRole('heading', { name: `Créance (Référence : ${pierre.references[0]})` })).toBeVisible();
  const step2 = new SelectionStep(page);
  await expect(step2.line(pierre.references[0])).toBeChecked();
  await expect(page.getByText('1 références sélectionné(es)')).toBeVisible();
  await step2.payAmount('20');
  const kiosk = new Kiosk(page);
  await kiosk.expectAmount('20,00 €');
  await kiosk.payWith('4100 0000 0000 0000');
  await expect(page.getByText('Votre paiement a été accepté.')).toBeVisible();
  await expect(page.getByText('4100##########00')).toBeVisible();
  await expect(page.getByText("Numéro d'autorisation")).toBeVisible();
  await kiosk.continue();
  await expect(page.getByRole('status')).toHaveText(THANKS);
  await expect(page.getByRole('link', { name: /Ma messagerie.*1 message non lu/ })).toBeVisible();
  await page.getByRole('link', { name: /Ma messagerie/ }).click();
  await page.getByRole('link', { name: /Accusé de réception de votre paiement de créance/ }).click();
  await expect(page.getByText('Nous accusons réception de votre paiement de créance du')).toBeVisible();
  await expect(page.getByText(/Sera supprimé le \d\d\/\d\d\/\d{4}/)).toBeVisible();
  expect(problems).toEqual([]);
});

test('a double press on PAYER sends one payment', async ({ page }) => {
  const pierre = newPerson('pierre');
  await signIn(page, pierre);
  await new ReferenceStep(page).find(pierre.references[0]);
  const step2 = new SelectionStep(page);
  await expect(step2.line(pierre.references[0])).toBeChecked();
  await appReady(page);
  let posts = 0;
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/api/payer')) posts += 1;
  });
  await step2.amount.fill('20');
  await step2.pay.dblclick();
  await new Kiosk(page).expectAmount('20,00 €');
  expect(posts).toBe(1);
});

test('4000 0000 0000 0002 is refused: failure banner, no message', async ({ page }) => {
  const pierre = newPerson('pierre');
  await signIn(page, pierre);
  await new ReferenceStep(page).find(pierre.references[0]);
  await new SelectionStep(page).payAmount('20');
  const kiosk = new Kiosk(page);
  await kiosk.payWith('4000 0000 0000 0002');
  await expect(page.getByText('Votre paiement a été refusé.')).toBeVisible();
  await kiosk.continue();
  await expect(page.getByRole('status')).toHaveText(FAILED);
  await page.getByRole('link', { name: /Ma messagerie/ }).click();
  await expect(page.getByText("Vous n'avez aucun message.")).toBeVisible();
});

test('5100 0000 0000 0000 goes through 3-D Secure, then succeeds', async ({ page }) => {
  const pierre = newPerson('pierre');
  await signIn(page, pierre);
  await new ReferenceStep(page).find(pierre.references[0]);
  await new SelectionStep(page).payAmount('16');
  const kiosk = new Kiosk(page);
  await kiosk.payWith('5100 0000 0000 0000');
  await expect(page.getByRole('heading', { name: 'Authentification 3-D Secure' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect(page.getByText('Votre paiement a été accepté.')).toBeVisible();
  await kiosk.continue();
  await expect(page.getByRole('status')).toHaveText(THANKS);
});

test("Eva's 7 € créance is below the minimum; she adds other lines and pays", async ({ page }) => {
  const eva = newPerson('eva');
  await signIn(page, eva);
  await new ReferenceStep(page).find(eva.references[0]);
  await expect(
    page.getByText(
      "Le montant restant dû pour cette référence de courrier est inférieur au montant minimum de paiement en ligne : merci d'utiliser un autre moyen de paiement.",
    ),
  ).toBeVisible();
  await appReady(page);
  const step2 = new SelectionStep(page);
  await step2.amount.fill('16');
  await step2.pay.click();
  await expect(page.locator('#amount-error')).toHaveText(/Le montant du paiement ne peut pas dépasser le solde total à payer./);
  // Live totals and allocation preview, computed in the browser.
  await step2.line(eva.references[2]).check();
  await expect(page.getByText('2 références sélectionné(es)')).toBeVisible();
  await expect(page.getByText('Solde total à payer : 52,00 €')).toBeVisible();
  await step2.amount.fill('30');
  await expect(page.locator('.allocation')).toContainText(`${eva.references[2]} : 30,00 €`);
  await expect(page.locator('#amount-error')).toBeEmpty();
  await step2.pay.click();
  const kiosk = new Kiosk(page);
  await kiosk.expectAmount('30,00 €');
  await kiosk.payWith('4111 1111 1111 1111');
  await kiosk.continue();
  await expect(page.getByRole('status')).toHaveText(THANKS);
});

test("Paul's and Jeanne's references are not open to online payment", async ({ page, browser }) => {
  await signIn(page, PAUL);
  await new ReferenceStep(page).find('3811810100004242F');
  await new ReferenceStep(page).expectError("Cette référence de courrier n'est pas ouverte au paiement en ligne.");
  const other = await browser.newPage();
  await signIn(other, JEANNE);
  await new ReferenceStep(other).find('7511900500000777F');
  await new ReferenceStep(other).expectError("Cette référence de courrier n'est pas ouverte au paiement en ligne.");
  await other.close();
});

test("someone else's reference is unknown, like a reference that does not exist", async ({ page }) => {
  const pierre = newPerson('pierre');
  const eva = newPerson('eva');
  await signIn(page, pierre);
  const step1 = new ReferenceStep(page);
  await step1.find(eva.references[0]);
  await step1.expectError('Cette référence de courrier est inconnue.');
  await step1.find('1234567890123456Z');
  await step1.expectError('Cette référence de courrier est inconnue.');
  await step1.find('12345');
  await step1.expectError('La référence doit comporter 16 chiffres et 1 lettre.');
  await expect(page.getByRole('alert')).toBeFocused();

  // Step 2 of Eva's reference, reached inside the app (as the history's back
  // button would): step 1 again, saying why, without a new document.
  await appReady(page);
  const documents: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'document') documents.push(request.url());
  });
  await page.evaluate((reference) => {
    history.pushState(null, '', `/mes-paiements/payer-une-creance/${reference}`);
    dispatchEvent(new PopStateEvent('popstate'));
  }, eva.references[0]);
  await expect(page).toHaveURL(new RegExp(`/mes-paiements/payer-une-creance\\?reference=${eva.references[0]}$`));
  await step1.expectError('Cette référence de courrier est inconnue.');
  expect(documents).toEqual([]);
});

test('a whole reference pasted into a box fills all of them', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const pierre = newPerson('pierre');
  await signIn(page, pierre);
  const step1 = new ReferenceStep(page);
  await step1.goto();
  await appReady(page);
  const spaced = pierre.references[0].replace(/(\d{4})/g, '$1 ').toLowerCase();
  await page.evaluate((text) => navigator.clipboard.writeText(text), spaced);
  await step1.boxes.nth(3).focus();
  await page.keyboard.press('Control+V');
  await expect(step1.boxes.first()).toHaveValue(pierre.references[0][0]);
  await expect(step1.boxes.last()).toHaveValue('F');
  await step1.search.click();
  await expect(page.getByRole('heading', { name: `Créance (Référence : ${pierre.references[0]})` })).toBeVisible();
});

test('steps 1 and 2 with the keyboard only', async ({ page }) => {
  const pierre = newPerson('pierre');
  await signIn(page, pierre);
  await new ReferenceStep(page).goto();
  await appReady(page);
  // From the top of the page: skip link, then Tab to the first box.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Aller au contenu' })).toBeFocused();
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByRole('textbox', { name: 'Chiffre 1 sur 16' }));
  await page.keyboard.type(pierre.references[0]);
  await expect(page.getByRole('textbox', { name: 'Lettre finale' })).toHaveValue('F');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /Créance \(Référence/ })).toBeVisible();
  await tabTo(page, page.getByRole('checkbox', { name: pierre.references[3] }));
  await page.keyboard.press('Space');
  await expect(page.getByText('2 références sélectionné(es)')).toBeVisible();
  await tabTo(page, page.getByLabel('Montant du paiement * :'));
  await page.keyboard.type('25,50');
  await page.keyboard.press('Enter');
  await new Kiosk(page).expectAmount('25,50 €');
});

// Without JavaScript: without-javascript.spec.ts.

test('every page of the journey has no accessibility violations', async ({ page }) => {
  const pierre = newPerson('pierre');
  await signIn(page, pierre);
  await expectAccessible(page);
  const step1 = new ReferenceStep(page);
  await step1.goto();
  await page.getByText('Où trouver la référence de votre avis ?').click();
  await expectAccessible(page);
  await step1.find('12345');
  await expectAccessible(page);
  await step1.find(pierre.references[0]);
  await expectAccessible(page);
  const step2 = new SelectionStep(page);
  await step2.payAmount('70');
  await expectAccessible(page);
  await step2.payAmount('20');
  const kiosk = new Kiosk(page);
  await kiosk.expectAmount('20,00 €');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expectAccessible(page);
  await kiosk.payWith('4100 0000 0000 0000');
  await expectAccessible(page);
  await kiosk.continue();
  await expectAccessible(page);
  for (const link of ['Mes paiements', 'Mes démarches']) {
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: link }).click();
    await expectAccessible(page);
  }
  await page.getByRole('link', { name: /Ma messagerie/ }).click();
  await expectAccessible(page);
  await page.getByRole('link', { name: /Accusé de réception/ }).click();
  await expectAccessible(page);
});
