import { test, expect } from '@playwright/test';
import { SignInPage, HomePage } from './fixtures/pages';
import { PIERRE, EVA } from './fixtures/persons';
import { expectAccessible, watchConsole } from './fixtures/axe';
import { appReady } from './fixtures/app';

test('Pierre BELAGE signs in and sees his name and créances', async ({ page }) => {
  const problems = watchConsole(page);
  await new SignInPage(page).signIn(PIERRE);
  await new HomePage(page).expectSignedIn(PIERRE.name);
  await expect(page.getByText('Né le 25/02/1983')).toBeVisible();
  await expect(page.getByText('Dernière connexion le 11/09/2017 à 15:54')).toBeVisible();
  const creances = page.getByRole('table', { name: 'Mes créances' });
  for (const reference of ['3811907400001234F', '3811701200010075F', '3811702400012980F', '3811708600076602F', '3811708600079999F']) {
    await expect(creances.getByRole('cell', { name: reference })).toBeVisible();
  }
  await expect(creances.getByRole('row', { name: /3811907400001234F/ })).toContainText('87,09');
  expect(problems).toEqual([]);
});

test('a wrong password shows a French error and keeps the NIR', async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.signIn({ nir: EVA.nir, password: 'pas le bon' });
  await expect(page).toHaveURL(/\/connexion/);
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('Numéro de sécurité sociale ou mot de passe incorrect.');
  await expect(summary).toBeFocused();
  await expect(signIn.nir).toHaveValue(EVA.nir);
  await expect(signIn.password).toHaveAttribute('aria-invalid', 'true');
  await summary.getByRole('link').click();
  await expect(signIn.password).toBeFocused();
});

test('the NIR field checks the format as it is typed, with the shared rules', async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await appReady(page);
  await signIn.nir.fill('1830201053123 93');
  await expect(page.getByText('La clé de votre numéro de sécurité sociale est incorrecte')).toBeVisible();
  await expect(signIn.nir).toHaveAttribute('aria-invalid', 'true');
  await signIn.nir.fill('1830201053123 92');
  await expect(page.getByText('Numéro au bon format.')).toBeVisible();
  await signIn.nir.fill('12345');
  await signIn.password.focus();
  await expect(page.getByText('Le numéro de sécurité sociale doit comporter 13 chiffres, ou 15 avec la clé.')).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('signing in works the same', async ({ page }) => {
    await new SignInPage(page).signIn(EVA);
    await new HomePage(page).expectSignedIn(EVA.name);
    await expect(page.getByText('Née le 31/10/1990')).toBeVisible();
  });
});

test('the sign-in and home pages have no accessibility violations', async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await expectAccessible(page);
  await signIn.signIn({ nir: '123', password: '' });
  await expect(page.getByRole('alert')).toBeVisible();
  await expectAccessible(page);
  await signIn.signIn(PIERRE);
  await new HomePage(page).expectSignedIn(PIERRE.name);
  await expectAccessible(page);
});
