import { test, expect } from '@playwright/test';
import { SignInPage, signInAsAgent } from './fixtures/pages';
import { newPerson } from './fixtures/server';
import { payTwentyEuros } from './fixtures/payment';
import { expectAccessible } from './fixtures/axe';
import { appReady } from './fixtures/app';

test('a refund asked by one agent and approved by a second goes back through the bank, each step shown in place', async ({ browser }) => {
  const pierre = newPerson('pierre');
  const person = await browser.newPage();
  await new SignInPage(person).signIn(pierre);
  const transaction = await payTwentyEuros(person, pierre.references[0]);
  await person.close();

  // The first agent asks; more than was paid is refused next to the amount.
  const desk = await (await browser.newContext()).newPage();
  await desk.goto('/agent/connexion');
  await signInAsAgent(desk);
  await desk.goto(`/agent/paiements/${transaction}`);
  await appReady(desk);
  await expect(desk.getByText("Aucun remboursement n'a été demandé sur ce paiement.")).toBeVisible();
  const amount = desk.getByLabel('Montant à rembourser (€)');
  await amount.fill('25');
  await desk.getByLabel('Motif').selectOption({ label: 'double paiement' });
  await desk.getByRole('button', { name: 'Rembourser', exact: true }).click();
  await expect(desk.locator('#montant-error')).toContainText('Le montant doit être compris entre 0,01 € et 20,00');
  await expect(amount).toHaveValue('25');
  await expectAccessible(desk);
  await amount.fill('5');
  await desk.getByRole('button', { name: 'Rembourser', exact: true }).click();
  const asked = desk.getByRole('table', { name: 'Remboursements demandés' });
  await expect(asked).toContainText('demandé, à approuver par un autre agent');
  await expect(asked).toContainText('double paiement');
  await expect(asked).toContainText('À approuver par un autre agent');
  await expect(desk.getByRole('button', { name: 'Approuver le remboursement' })).toHaveCount(0);
  await expect(desk.locator('#paiement option')).toContainText(/15,00\s€ remboursables/);
  await expectAccessible(desk);

  // A second agent of the caisse approves: the simulator cancels it, the page says so.
  const second = await (await browser.newContext()).newPage();
  await second.goto('/agent/connexion');
  await signInAsAgent(second, 'superviseur.isere', 'Superviseur-381');
  await second.goto(`/agent/paiements/${transaction}`);
  await appReady(second);
  await second.getByRole('button', { name: 'Approuver le remboursement' }).click();
  const done = second.getByRole('table', { name: 'Remboursements demandés' });
  await expect(done).toContainText('effectué');
  await expect(second.getByRole('button', { name: 'Approuver le remboursement' })).toHaveCount(0);
  await expect(second.getByRole('table', { name: 'Historique' })).toContainText('fait par la banque (annulé avant la remise)');
  await expectAccessible(second);
});
