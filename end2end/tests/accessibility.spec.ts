import { test, expect, type Page } from '@playwright/test';
import { newPerson } from './fixtures/server';
import { SignInPage, signInAsAgent } from './fixtures/pages';
import { appReady } from './fixtures/app';
import { expectAccessible } from './fixtures/axe';

/**
 * The checks of docs/accessibilite.md that a browser can make on its own
 * (RGAA 4.1): the statement and the site map from every page's footer, text
 * spacing and a 200 % zoom without loss, and the warning before a session ends.
 */

const PAGES = [
  '/accueil',
  '/mes-paiements',
  '/mes-paiements/participations-forfaitaires-et-franchises',
  '/mes-paiements/payer-une-creance',
  '/ma-messagerie',
  '/mes-demarches',
];

/** What of the page is cut off or needs a horizontal scroll (none expected). */
function lost(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
      out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
    }
    for (const el of document.querySelectorAll<HTMLElement>('header *, main *, footer *')) {
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden' || el.closest('.visually-hidden')) continue;
      // Kept for screen readers only (1 px, clipped): the headers of a table shown as cards.
      if (el.clientWidth <= 1 && el.clientHeight <= 1 && style.position === 'absolute') continue;
      const clips = ['hidden', 'clip'].includes(style.overflowX) || ['hidden', 'clip'].includes(style.overflowY);
      const control = el.tagName === 'INPUT' || el.tagName === 'BUTTON';
      if ((clips || control) && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
        out.push(`${el.tagName}.${el.className}: ${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight}`);
      }
    }
    return out;
  });
}

test('every page of the journey links in its footer to the site map and the accessibility statement, which says its state, its rate, its method and the Défenseur des droits', async ({
  page,
}) => {
  const pierre = newPerson('pierre');
  await new SignInPage(page).signIn(pierre);
  for (const path of ['/connexion', ...PAGES]) {
    await page.goto(path);
    const footer = page.getByRole('contentinfo');
    await expect(footer.getByRole('link', { name: /^Accessibilité : (totalement|partiellement) conforme$/ })).toHaveAttribute('href', '/accessibilite');
    await expect(footer.getByRole('link', { name: 'Plan du site' })).toHaveAttribute('href', '/plan-du-site');
  }
  await appReady(page);
  await page.getByRole('contentinfo').getByRole('link', { name: /^Accessibilité/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: "Déclaration d'accessibilité" })).toBeFocused();
  for (const heading of ['État de conformité', 'Résultats des tests', 'Contenus non accessibles', "Établissement de cette déclaration d'accessibilité", "Retour d'information et contact", 'Voies de recours']) {
    await expect(page.getByRole('heading', { level: 2, name: heading })).toBeVisible();
  }
  await expect(page.getByText(/\d+ % des critères du RGAA version 4\.1 applicables au service sont respectés/)).toBeVisible();
  await expect(page.getByText('Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07', { exact: false })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('contentinfo').getByRole('link', { name: 'Plan du site' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Plan du site' })).toBeFocused();
  await expect(page.getByRole('main').getByRole('link', { name: 'Participations forfaitaires et franchises' })).toBeVisible();
  await expectAccessible(page);
});

test.describe('text spacing (RGAA 10.12) and a 200 % zoom (RGAA 10.4, 10.11)', () => {
  // The spacing a person's own style sheet sets (an extension: outside the page's policy).
  test.use({ bypassCSP: true });

  test('the journey loses nothing with the text spacing of RGAA 10.12, at 1280 and at 360 px wide', async ({ page }) => {
    const pierre = newPerson('pierre');
    await new SignInPage(page).signIn(pierre);
    const spacing =
      'p, li, h1, h2, h3, label, legend, a, button, td, th, span, dd, dt, input { line-height: 1.5 !important;' +
      ' letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }';
    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: 800 });
      for (const path of [...PAGES, `/mes-paiements/payer-une-creance/${pierre.references[0]}`]) {
        await page.goto(path);
        await page.addStyleTag({ content: spacing });
        expect(await lost(page), `${path} at ${width} px`).toEqual([]);
      }
      await page.goto('/mes-paiements/payer-une-creance');
      await page.getByRole('textbox', { name: 'Chiffre 1 sur 16' }).fill(pierre.references[0]);
      await page.addStyleTag({ content: spacing });
      expect(await lost(page), `the reference boxes filled, at ${width} px`).toEqual([]);
    }
  });

  test('the journey zoomed to 200 % (a 1280 px window seen as 640 px) loses nothing and never scrolls sideways', async ({ page }) => {
    const pierre = newPerson('pierre');
    await new SignInPage(page).signIn(pierre);
    await page.setViewportSize({ width: 640, height: 400 });
    for (const path of [...PAGES, `/mes-paiements/payer-une-creance/${pierre.references[0]}`, '/accessibilite']) {
      await page.goto(path);
      expect(await lost(page), path).toEqual([]);
    }
  });
});


test("the audit's sample includes the back office and a public terminal: no axe-core violation, and nothing lost at 1280 and 360 px or on a terminal's screen", async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  const pierre = newPerson('pierre');
  // The back office's pages an agent reaches from its menu, a search with its result among them.
  const office = ['/agent', `/agent/recherche?q=${pierre.references[0]}`, '/agent/trop-percus', '/agent/avis/nouveau', '/agent/rapprochement', '/agent/journal'];
  await page.goto('/agent/connexion');
  await expectAccessible(page);
  await signInAsAgent(page);
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: 800 });
    for (const path of office) {
      await page.goto(path);
      // The search with its result, not an empty form.
      if (path.includes('?q=')) await expect(page.getByRole('heading', { name: /PIERRE BELAGE/ })).toBeVisible();
      expect(await lost(page), `${path} at ${width} px`).toEqual([]);
      await expectAccessible(page);
    }
  }

  // A BMS's screen, portrait, full HD: the person's pages in terminal mode.
  const terminal = await browser.newContext({ viewport: { width: 1080, height: 1920 } });
  const screen = await terminal.newPage();
  await screen.goto('/borne');
  await expect(screen.locator('body')).toHaveClass('borne');
  await expectAccessible(screen);
  await new SignInPage(screen).signIn(pierre);
  for (const path of [...PAGES, `/mes-paiements/payer-une-creance/${pierre.references[0]}`]) {
    await screen.goto(path);
    expect(await lost(screen), `${path} on a terminal`).toEqual([]);
    await expectAccessible(screen);
  }
  await terminal.close();
});

test('two minutes before the session would end for want of activity, a warning offers «Rester connecté», which starts it again (a failed press, offline, ends nothing); past the limit, the page says it ended', async ({
  page,
}) => {
  await page.clock.install();
  const pierre = newPerson('pierre');
  await new SignInPage(page).signIn(pierre);
  await page.goto('/mes-paiements/payer-une-creance');
  await appReady(page);
  const warning = page.getByRole('alert').filter({ hasText: 'votre session se terminera dans 2 minutes' });
  await expect(warning).toHaveCount(0);
  await page.clock.fastForward('26:00');
  await expect(warning).toHaveCount(0);
  await page.clock.fastForward('01:01');
  await expect(warning).toBeVisible();
  await expectAccessible(page);
  // Pressed without a network: the session has not ended, the warning stays, to press again.
  await page.route('**/api/rester-connecte', (route) => route.abort('internetdisconnected'));
  const failed = page.waitForEvent('requestfailed', (request) => new URL(request.url()).pathname === '/api/rester-connecte');
  await warning.getByRole('button', { name: 'Rester connecté' }).click();
  await failed;
  await expect(warning.getByRole('button', { name: 'Rester connecté' })).toBeVisible();
  await expect(page.getByText("Votre session a pris fin faute d'activité.")).toHaveCount(0);
  await page.unrouteAll();
  const kept = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/rester-connecte');
  await warning.getByRole('button', { name: 'Rester connecté' }).click();
  expect((await kept).status()).toBe(200);
  await expect(warning).toHaveCount(0);
  // The clock starts again from «Rester connecté».
  await page.clock.fastForward('26:00');
  await expect(warning).toHaveCount(0);
  await page.clock.fastForward('03:01');
  const ended = page.getByRole('alert').filter({ hasText: "Votre session a pris fin faute d'activité." });
  await expect(ended).toBeVisible();
  await expect(ended.getByRole('link', { name: 'Se connecter' })).toHaveAttribute('href', '/connexion');
});
