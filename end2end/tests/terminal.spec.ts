import { test, expect } from '@playwright/test';
import { HomePage, SignInPage } from './fixtures/pages';
import { newPerson } from './fixtures/server';
import { expectAccessible } from './fixtures/axe';
import { Kiosk, ReferenceStep, SelectionStep, THANKS } from './fixtures/payment';
import { appReady } from './fixtures/app';

// A BMS's screen: portrait, full HD.
test.use({ viewport: { width: 1080, height: 1920 } });

test('a public terminal at 1080×1920: /borne switches it, no autofill, targets of 64 px, a visible countdown that an input restarts, a warning 30 s before, and 2 minutes without input sign out and clear the screen', async ({
  page,
}) => {
  await page.clock.install();
  const pierre = newPerson('pierre');
  await page.goto('/borne');
  await expect(page).toHaveURL(/\/connexion$/);
  await expect(page.locator('body')).toHaveClass('borne');
  const signIn = new SignInPage(page);
  await expect(signIn.nir).toHaveAttribute('autocomplete', 'off');
  await expect(signIn.password).toHaveAttribute('autocomplete', 'off');
  for (const target of [signIn.nir, signIn.password, signIn.submit]) {
    expect((await target.boundingBox())?.height).toBeGreaterThanOrEqual(64);
  }
  await signIn.nir.fill(pierre.nir);
  await signIn.password.fill(pierre.password);
  await signIn.submit.click();
  await new HomePage(page).expectSignedIn(pierre.name);
  await page.waitForFunction(() => document.readyState === 'complete'); // sizes as painted, with the stylesheet
  for (const link of await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link').all()) {
    expect((await link.boundingBox())?.height).toBeGreaterThanOrEqual(64);
  }
  await expectAccessible(page);

  const left = page.getByRole('timer');
  await expect(left).toBeVisible();
  await expect(left).toHaveText(/^(2:00|1:5\d)$/);
  // The clock also runs on its own (the accessibility scan above takes seconds).
  await page.clock.fastForward('01:00');
  await expect(left).toHaveText(/^(1:00|0:[0-5]\d)$/);
  await page.mouse.click(540, 1000);
  await page.clock.fastForward('00:02');
  await expect(left).toHaveText(/^1:5\d$/);

  await page.clock.fastForward('01:31');
  await expect(page.locator('#idle-warning')).toHaveText(
    "Vous allez être déconnecté dans 30 secondes : touchez l'écran pour continuer.",
  );
  await page.clock.fastForward('00:30');
  await expect(page).toHaveURL(/\/connexion$/);
  await expect(page.getByText(pierre.name)).toHaveCount(0);
  await expect(signIn.nir).toHaveValue('');
  // The session ended on the server too.
  await page.goto('/accueil');
  await expect(page).toHaveURL(/\/connexion$/);
});

test('a public terminal forgets the person: the return from the bank signs out and says the outcome, and «Se déconnecter» loads a new document', async ({
  page,
}) => {
  const pierre = newPerson('pierre');
  await page.goto('/borne');
  const signIn = new SignInPage(page);
  await signIn.signIn(pierre);
  await new HomePage(page).expectSignedIn(pierre.name);
  await appReady(page);

  // «Se déconnecter»: a new document, so nothing of the person stays in the page's memory.
  await page.evaluate(() => ((window as unknown as { kept: string }).kept = 'the page before'));
  await page.getByRole('button', { name: 'Se déconnecter', exact: true }).click();
  await expect(page).toHaveURL(/\/connexion$/);
  expect(await page.evaluate(() => (window as unknown as { kept?: string }).kept)).toBeUndefined();

  await signIn.signIn(pierre);
  await new HomePage(page).expectSignedIn(pierre.name);
  await new ReferenceStep(page).find(pierre.references[0]);
  await new SelectionStep(page).payAmount('20');
  const kiosk = new Kiosk(page);
  await kiosk.payWith('4100 0000 0000 0000');
  await kiosk.continue();
  await expect(page).toHaveURL(/\/connexion$/);
  await expect(page.getByRole('status')).toContainText(THANKS);
  await expect(page.getByRole('status')).toContainText('vous avez été déconnecté de cette borne');
  await expect(page.getByText(pierre.name)).toHaveCount(0);
  await expectAccessible(page);
  // The next person is not in the account.
  await page.goto('/accueil');
  await expect(page).toHaveURL(/\/connexion$/);
  await expect(page.getByRole('status')).toHaveCount(0);
});
