import { test, expect } from '@playwright/test';
import { SignInPage } from './fixtures/pages';
import { newPerson } from './fixtures/server';
import { Kiosk, ReferenceStep, SelectionStep, THANKS, openTheBanksCardPage } from './fixtures/payment';
import { expectAccessible, watchConsole } from './fixtures/axe';

test('pay, leave the bank card page, come back, abandon after confirming (the bank is asked and knows no payment), the line is free at once, pay again', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const problems = watchConsole(page);
  const pierre = newPerson('pierre');
  const entered = pierre.references[0];
  await new SignInPage(page).signIn(pierre);
  await expect(page).toHaveURL(/\/accueil/);

  // Pay: the bank's card page opens, and the person leaves it.
  await openTheBanksCardPage(page, entered);
  await page.goto('/accueil');

  // Accueil: the payment waits for the bank, with its times and the way out.
  const pending = page.getByRole('region', { name: 'PAIEMENTS EN ATTENTE DE LA BANQUE' });
  await expect(pending).toContainText('20,00 € — référence PCLCB');
  await expect(pending).toContainText(/Commencé le \d\d\/\d\d\/\d{4} à \d\d:\d\d\./);
  await expect(pending).toContainText(/réservées jusqu'au \d\d\/\d\d\/\d{4} à \d\d:\d\d/);
  await expectAccessible(page);

  // Step 2: the line is held, and the payment that holds it is shown.
  await new ReferenceStep(page).find(entered);
  const step2 = new SelectionStep(page);
  await expect(step2.line(entered)).toBeDisabled();
  await expect(page.getByText('Un paiement est déjà en cours pour cette créance.')).toBeVisible();

  // «Abandonner ce paiement» opens the confirmation, from the keyboard.
  const abandon = page.locator('summary', { hasText: 'Abandonner ce paiement' });
  const confirm = page.getByRole('button', { name: "Confirmer l'abandon" });
  await expect(confirm).toBeHidden();
  await abandon.focus();
  await page.keyboard.press('Enter');
  await expect(confirm).toBeVisible();
  await expect(page.getByText("Avant d'abandonner, nous demandons à la banque où en est ce paiement.")).toBeVisible();
  await expectAccessible(page);
  await confirm.click();

  // Back on step 2: told what happened, the line free, the same créance paid again.
  await expect(page).toHaveURL(new RegExp(`/payer-une-creance/${entered}$`));
  const notice = page.getByRole('status').filter({ hasText: 'Ce paiement a été abandonné' });
  await expect(notice).toContainText("la banque n'a reçu aucun paiement pour lui");
  await expect(notice).toBeFocused();
  await expect(pending).toHaveCount(0);
  await expect(step2.line(entered)).toBeEnabled();
  await expect(step2.line(entered)).toBeChecked();
  await expectAccessible(page);
  await step2.payAmount('20');
  const kiosk = new Kiosk(page);
  await kiosk.payWith('4100 0000 0000 0000');
  await kiosk.continue();
  await expect(page.getByRole('status')).toHaveText(THANKS);

  // «Mes paiements»: the abandoned attempt failed, the second is being processed.
  await page.getByRole('link', { name: 'Mes paiements' }).first().click();
  const rows = page.getByRole('table', { name: 'Mes paiements en ligne' }).getByRole('row');
  await expect(rows.filter({ hasText: 'échoué' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'en cours de traitement' })).toHaveCount(1);
  await expect(page.getByRole('region', { name: 'PAIEMENTS EN ATTENTE DE LA BANQUE' })).toHaveCount(0);
  expect(problems).toEqual([]);
});
