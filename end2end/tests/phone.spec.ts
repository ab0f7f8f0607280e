import { test, expect, type Page } from '@playwright/test';
import { SignInPage } from './fixtures/pages';
import { newPerson } from './fixtures/server';
import { Kiosk, ReferenceStep, SelectionStep, THANKS, payTwentyEuros } from './fixtures/payment';
import { expectFitsPhone, PHONE_WIDTHS } from './fixtures/phone';
import { appReady } from './fixtures/app';


for (const width of PHONE_WIDTHS) {
  test.describe(`at ${width} px wide`, () => {
    test.use({ viewport: { width, height: 740 }, hasTouch: true });

    test("every screen of an insured person's journey fits", async ({ page, browser }) => {
      test.setTimeout(120_000);
      const pierre = newPerson('pierre');
      const signIn = new SignInPage(page);
      await signIn.goto();
      await expectFitsPhone(page, 'sign-in');
      // The service worker's page when the network is cut, as a file.
      await page.goto('/hors-ligne.html');
      await expectFitsPhone(page, 'offline page');
      await signIn.goto();
      await signIn.signIn({ nir: '12', password: '' });
      await expect(page.getByRole('alert')).toBeVisible();
      await expectFitsPhone(page, 'sign-in with errors');
      await signIn.signIn(pierre);
      await expect(page).toHaveURL(/\/accueil/);
      await expectFitsPhone(page, 'home');

      const step1 = new ReferenceStep(page);
      await step1.goto();
      await page.getByText('Où trouver la référence de votre avis ?').click();
      await expectFitsPhone(page, 'step 1 with the disclosure open');
      await step1.find('12345');
      await expectFitsPhone(page, 'step 1 with an error');
      await appReady(page);
      await step1.type(pierre.references[0]);
      await step1.search.click();
      await expect(page.getByRole('heading', { name: /Créance \(Référence/ })).toBeVisible();
      await appReady(page);
      const step2 = new SelectionStep(page);
      await step2.line(pierre.references[3]).check();
      await step2.amount.fill('25');
      await expect(page.locator('#allocation')).toContainText('25,00');
      await expectFitsPhone(page, 'step 2 with two lines ticked and the preview');
      await step2.amount.fill('70');
      await step2.pay.click();
      await expect(page.locator('#amount-error')).not.toBeEmpty();
      await expectFitsPhone(page, 'step 2 with an error');

      // Step 3, held on the page: the bank answers the post with «no content».
      const other = newPerson('pierre');
      const held = await browser.newContext({ viewport: { width, height: 740 } });
      await held.route(/\/paiement$/, (route) => route.fulfill({ status: 204 }));
      const still = await held.newPage();
      await new SignInPage(still).signIn(other);
      await new ReferenceStep(still).find(other.references[0]);
      await new SelectionStep(still).payAmount('16');
      await expect(still.getByRole('button', { name: 'Continuer vers le paiement sécurisé' })).toBeVisible();
      await expectFitsPhone(still, 'step 3, before the bank');
      // The person leaves: Accueil shows the payment waiting for the bank.
      await still.goto('/accueil');
      await still.locator('summary', { hasText: 'Abandonner ce paiement' }).click();
      await expect(still.getByRole('button', { name: "Confirmer l'abandon" })).toBeVisible();
      await expectFitsPhone(still, 'home with a payment waiting for the bank, its abandon confirmation open');
      await still.getByRole('button', { name: "Confirmer l'abandon" }).click();
      await expect(still.getByRole('status').filter({ hasText: 'Ce paiement a été abandonné' })).toBeVisible();
      await expectFitsPhone(still, 'home after abandoning a payment');
      await held.close();

      await step2.payAmount('20');
      const kiosk = new Kiosk(page);
      await kiosk.expectAmount('20,00 €');
      await expectFitsPhone(page, 'bank card page');
      await page.getByRole('button', { name: 'Valider' }).click();
      await expect(page.getByRole('alert')).toBeVisible();
      await expectFitsPhone(page, 'bank card page with errors');
      await kiosk.payWith('5100 0000 0000 0000');
      await expect(page.getByRole('heading', { name: 'Authentification 3-D Secure' })).toBeVisible();
      await expectFitsPhone(page, 'bank 3-D Secure page');
      await page.getByRole('button', { name: 'Valider' }).click();
      await expect(page.getByText('Votre paiement a été accepté.')).toBeVisible();
      await expectFitsPhone(page, 'bank result page');
      await page.getByRole('link', { name: 'Imprimer le reçu du paiement' }).click();
      await expectFitsPhone(page, 'bank receipt');
      await page.goBack();
      await kiosk.continue();
      await expect(page.getByRole('status')).toHaveText(THANKS);
      await expectFitsPhone(page, 'home with the thanks banner');

      for (const [link, screen] of [
        ['Mes paiements', 'my payments'],
        ['Participations forfaitaires et franchises', 'overview'],
        ['Mes démarches', 'démarches'],
      ]) {
        await page.getByRole('link', { name: link }).first().click();
        await expectFitsPhone(page, screen);
      }
      await page.getByRole('link', { name: /Ma messagerie/ }).click();
      await expectFitsPhone(page, 'mailbox');
      await page.getByRole('link', { name: /Accusé de réception/ }).click();
      await expectFitsPhone(page, 'message');
      await page.getByRole('link', { name: 'SUPPRIMER' }).click();
      await expectFitsPhone(page, 'message deletion');
      await page.goto('/nulle-part');
      await expectFitsPhone(page, 'page not found');
    });

    test("every screen of an agent's journey fits", async ({ page, browser }) => {
      test.setTimeout(90_000);
      const pierre = newPerson('pierre');
      const person = await browser.newPage();
      await new SignInPage(person).signIn(pierre);
      const transaction = await payTwentyEuros(person, pierre.references[0]);
      await person.close();

      await page.goto('/agent/connexion');
      await expectFitsPhone(page, 'agent sign-in');
      await page.getByLabel('Identifiant').fill('agent.isere');
      await page.getByLabel('Mot de passe').fill('Agent-381');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await expect(page.getByRole('heading', { name: 'Paiements reçus' })).toBeVisible();
      await expectFitsPhone(page, 'payments received');
      await page.getByRole('link', { name: transaction }).click();
      await expect(page.getByRole('heading', { name: `Paiement ${transaction}` })).toBeVisible();
      await expectFitsPhone(page, 'one payment');
      await page.getByRole('link', { name: 'Recherche' }).click();
      await page.getByLabel("NIR, référence d'avis ou référence de transaction").fill(pierre.references[0]);
      await page.getByRole('button', { name: 'Rechercher' }).click();
      await expect(page.getByRole('heading', { name: /PIERRE BELAGE/ })).toBeVisible();
      await expectFitsPhone(page, 'search result');
      for (const [link, screen] of [
        ['Trop-perçus', 'trop-perçus'],
        ['Émettre un avis', 'new avis'],
        ['Rapprochement bancaire', 'bank reconciliation'],
        ['Journal', 'journal'],
      ]) {
        await page.getByRole('link', { name: link }).click();
        await expectFitsPhone(page, screen);
      }
      await page.getByRole('link', { name: 'Émettre un avis' }).click();
      await page.getByRole('button', { name: "Émettre l'avis" }).click();
      await expect(page.getByRole('alert')).toBeVisible();
      await expectFitsPhone(page, 'new avis with errors');
    });
  });
}
