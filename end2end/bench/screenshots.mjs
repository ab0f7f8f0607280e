// The journey as a reader of the README sees it: each screen at desktop and
// phone width, written to docs/screenshots/ (JPEG, to keep the repository light).
//
//   node bench/screenshots.mjs BASE_URL NIR PASSWORD REFERENCE OTHER_REFERENCE OUT_DIR
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const [base, nir, password, reference, other, out] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const live = (page) => page.waitForSelector('body[data-hydrated]', { state: 'attached' });

for (const [device, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 360, height: 740 }]]) {
  const context = await browser.newContext({ viewport, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  const page = await context.newPage();
  const shot = (name) => page.screenshot({ path: `${out}/${device}-${name}.jpg`, type: 'jpeg', quality: 70, fullPage: true });
  await page.goto(`${base}/connexion`);
  await shot('1-sign-in');
  await page.getByLabel('Numéro de sécurité sociale').fill(nir);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.goto(`${base}/mes-paiements/payer-une-creance`);
  await live(page);
  await page.getByRole('textbox', { name: 'Chiffre 1 sur 16' }).click();
  await page.keyboard.type(reference);
  await shot('2-step-1');
  await page.getByRole('button', { name: 'RECHERCHER' }).click();
  await live(page);
  await page.getByRole('checkbox', { name: other }).check();
  await page.getByLabel('Montant du paiement * :').fill('25');
  await page.locator('#allocation li').first().waitFor();
  await shot('3-step-2');
  await page.getByRole('button', { name: 'PAYER', exact: true }).click();
  await page.getByText('Montant de la transaction').waitFor();
  await page.getByLabel('Numéro de carte :').fill('4100 0000 0000 0000');
  await page.getByLabel('Mois :').selectOption('12');
  await page.getByLabel('Année :').selectOption(String(new Date().getFullYear() + 2));
  await page.getByLabel('Cryptogramme visuel :').fill('123');
  await shot('4-bank');
  await page.getByRole('button', { name: 'Valider' }).click();
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByRole('status').waitFor();
  await shot('5-home');
  await page.getByRole('link', { name: /Ma messagerie/ }).click();
  await page.getByRole('link', { name: /Accusé de réception/ }).first().click();
  await shot('6-message');
  await context.close();
}
await browser.close();
