import { test, expect, type Page } from '@playwright/test';
import { SignInPage, signInAsAgent } from './fixtures/pages';
import { KIOSK_PORT, newPerson } from './fixtures/server';
import { createHmac } from 'node:crypto';
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
  const deskReloads = pageDataCalls(desk);
  await amount.fill('5');
  await desk.getByRole('button', { name: 'Rembourser', exact: true }).click();
  const asked = desk.getByRole('table', { name: 'Remboursements demandés' });
  await expect(asked).toContainText('demandé, à approuver par un autre agent');
  await expect(asked).toContainText('double paiement');
  await expect(asked).toContainText('À approuver par un autre agent');
  await expect(desk.getByRole('button', { name: 'Approuver le remboursement' })).toHaveCount(0);
  await expect(desk.locator('#paiement option')).toContainText(/15,00\s€ remboursables/);
  expect(deskReloads, "the call's answer is the payment as it now is: its page's data is not asked again").toEqual([]);
  await expectAccessible(desk);

  // A second agent of the caisse approves: the simulator cancels it, the page says so.
  const second = await (await browser.newContext()).newPage();
  await second.goto('/agent/connexion');
  await signInAsAgent(second, 'superviseur.isere', 'Superviseur-381');
  await second.goto(`/agent/paiements/${transaction}`);
  await appReady(second);
  const secondReloads = pageDataCalls(second);
  await second.getByRole('button', { name: 'Approuver le remboursement' }).click();
  const done = second.getByRole('table', { name: 'Remboursements demandés' });
  await expect(done).toContainText('effectué');
  await expect(second.getByRole('button', { name: 'Approuver le remboursement' })).toHaveCount(0);
  await expect(second.getByRole('table', { name: 'Historique' })).toContainText('fait par la banque (annulé avant la remise)');
  expect(secondReloads, 'the approval answers the payment as it now is').toEqual([]);
  await expectAccessible(second);
});

/** The calls of the payment page's data function that `page` makes from now on. */
function pageDataCalls(page: Page): string[] {
  const calls: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/agent-page-paiement') calls.push(request.url());
  });
  return calls;
}

/** The simulator's report of today (Paris) for its merchant, as the bank sends it. */
async function todaysBankReport(): Promise<{ day: string; text: string }> {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
  // Worldline's public simulation merchant and key, the embedded simulator's.
  const merchant = '002001000000001';
  const seal = createHmac('sha256', '002001000000001_KEY1').update(`${merchant}|${day}`).digest('hex');
  const response = await fetch(`http://127.0.0.1:${KIOSK_PORT}/rapport?merchantId=${merchant}&date=${day}&seal=${seal}`);
  expect(response.status).toBe(200);
  return { day, text: await response.text() };
}

/** Imports the report `text` of `day` from «Rapprochement bancaire», as an agent does. */
async function importReport(desk: Page, day: string, text: string) {
  await desk.getByLabel('Journée du relevé').fill(day);
  await desk.getByLabel('Relevé de la banque (fichier CSV)').setInputFiles({
    name: `rapport-${day}.csv`,
    mimeType: 'text/csv',
    buffer: Buffer.from(text, 'utf8'),
  });
  await desk.getByRole('button', { name: 'Importer le relevé' }).click();
}

test('the same lines paid twice, part given back by two agents, the person told, and that day reconciled with the bank', async ({ browser }) => {
  test.setTimeout(120_000);
  const pierre = newPerson('pierre');
  const person = await browser.newPage();
  await new SignInPage(person).signIn(pierre);
  // Two acceptances on the same créance.
  const first = await payTwentyEuros(person, pierre.references[0]);
  const second = await payTwentyEuros(person, pierre.references[0]);
  expect(second).not.toBe(first);

  // One agent asks 5 € back on the second, another approves: the bank cancels it.
  const desk = await (await browser.newContext()).newPage();
  await desk.goto('/agent/connexion');
  await signInAsAgent(desk);
  await desk.goto(`/agent/paiements/${second}`);
  await appReady(desk);
  await desk.getByLabel('Montant à rembourser (€)').fill('5');
  await desk.getByLabel('Motif').selectOption({ label: 'double paiement' });
  await desk.getByRole('button', { name: 'Rembourser', exact: true }).click();
  await expect(desk.getByRole('table', { name: 'Remboursements demandés' })).toContainText('À approuver par un autre agent');
  const approver = await (await browser.newContext()).newPage();
  await approver.goto('/agent/connexion');
  await signInAsAgent(approver, 'superviseur.isere', 'Superviseur-381');
  await approver.goto(`/agent/paiements/${second}`);
  await appReady(approver);
  await approver.getByRole('button', { name: 'Approuver le remboursement' }).click();
  await expect(approver.getByRole('table', { name: 'Remboursements demandés' })).toContainText('effectué');

  // The person is told, with the acknowledgement's PDF.
  await person.goto('/ma-messagerie');
  await expect(person.getByText('Remboursement sur votre paiement de créance').first()).toBeVisible();

  // That day's bank report, imported by the first agent from the back office's menu.
  const { day, text } = await todaysBankReport();
  expect(text).toContain(`${first};DEBIT;2000;`);
  expect(text).toContain(`${second};DEBIT;1500;`);
  await desk.getByRole('link', { name: 'Rapprochement bancaire' }).click();
  await expect(desk.getByRole('heading', { name: 'Rapprochement bancaire', level: 1 })).toBeVisible();
  await appReady(desk);
  await importReport(desk, day, text);
  const [year, month, date] = day.split('-');
  await expect(desk.getByRole('status').filter({ hasText: 'importé' })).toContainText(`Relevé du ${date}/${month}/${year} importé :`);
  // Nothing of this story is a discrepancy (the other tests' payments of the day are theirs).
  await expect(desk.getByRole('table', { name: 'Relevés importés' })).toContainText(`${date}/${month}/${year}`);
  const open = desk.getByRole('table', { name: 'Écarts à examiner' });
  if ((await open.count()) > 0) {
    await expect(open).not.toContainText(first);
    await expect(open).not.toContainText(second);
  }
  await expectAccessible(desk);

  // The same file again changes nothing, and says so.
  await importReport(desk, day, text);
  await expect(desk.getByRole('status').filter({ hasText: 'importé' })).toContainText("avait déjà été importé : rien n'a changé.");
});
