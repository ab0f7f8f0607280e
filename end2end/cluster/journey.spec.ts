import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HomePage, SignInPage } from '../tests/fixtures/pages';
import { newPerson, type NewPerson } from '../tests/fixtures/server';
import { Kiosk, ReferenceStep, SelectionStep, THANKS } from '../tests/fixtures/payment';

// Set by ./scripts/run-cluster --test.
const DIR = process.env.CLUSTER_DIR ?? '';
const BANK_URL = process.env.CLUSTER_BANK_URL ?? '';
const INSTANCES = (process.env.CLUSTER_INSTANCES ?? '').split(' ');

/** Starts, stops (SIGTERM), kills (SIGKILL) instance 1 or 2, or starts it unless it runs; returns once done. */
function ctl(action: 'start' | 'stop' | 'kill' | 'up', instance: 1 | 2) {
  execFileSync(join(DIR, 'ctl'), [action, String(instance)], { stdio: 'inherit' });
}

type LogLine = { fields: { message: string }; spans?: Record<string, string>[] };

/** The JSON lines of instance `n`'s log. */
function logOf(n: 1 | 2): LogLine[] {
  return readFileSync(join(DIR, 'logs', `instance-${n}.log`), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** Whether `line` is in a span holding every given field. */
const inSpan = (line: LogLine, fields: Record<string, string>) =>
  (line.spans ?? []).some((span) => Object.entries(fields).every(([k, v]) => span[k] === v));

/** The instances (1, 2) whose log has a line of the request `id`. */
function instancesThatLogged(id: string): number[] {
  return ([1, 2] as const).filter((n) => logOf(n).some((line) => inSpan(line, { id })));
}

/** The instances (1, 2) that took the bank's automatic answer for `transaction`
 * (applied it, or found it applied by the browser's return). */
function instancesThatTookTheBankAnswer(transaction: string): number[] {
  return ([1, 2] as const).filter((n) =>
    logOf(n).some(
      (line) =>
        ['kiosk answer applied', 'kiosk answer already applied'].includes(line.fields.message) &&
        inSpan(line, { channel: 'automatic', transaction_reference: transaction }),
    ),
  );
}

async function signIn(page: Page, person: NewPerson) {
  await new SignInPage(page).signIn(person);
  await new HomePage(page).expectSignedIn(person.name);
}

test.afterEach(() => {
  // Whatever a test stopped, the next one finds two instances.
  ctl('up', 1);
  ctl('up', 2);
});

test('over https through nginx: HSTS, the proxy request id in the serving instance log, __Host- Secure cookies, one session honoured by both instances', async ({
  page,
  context,
  playwright,
}) => {
  const pierre = newPerson('pierre');
  const response = await page.goto('/connexion');
  expect(response?.url()).toMatch(/^https:\/\//);
  const headers = response?.headers() ?? {};
  expect(headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
  // nginx's $request_id (32 hexadecimal digits), kept by the instance that served the page.
  const id = headers['x-request-id'] ?? '';
  expect(id).toMatch(/^[0-9a-f]{32}$/);
  await expect.poll(() => instancesThatLogged(id)).toHaveLength(1);

  await signIn(page, pierre);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === '__Host-pc_session');
  expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
  expect(cookies.filter((c) => !c.name.startsWith('__Host-'))).toEqual([]);

  // The session lives in PostgreSQL: each instance, asked directly, knows the person.
  const direct = await playwright.request.newContext();
  for (const instance of INSTANCES) {
    const home = await direct.get(`${instance}/accueil`, {
      headers: { cookie: `__Host-pc_session=${session?.value}` },
      maxRedirects: 0,
    });
    expect(home.status(), instance).toBe(200);
    expect(await home.text(), instance).toContain(pierre.name);
  }
  const stranger = await direct.get(`${INSTANCES[0]}/accueil`, { maxRedirects: 0 });
  expect(stranger.status()).toBe(401);
  expect(await stranger.text()).not.toContain(pierre.name);
  await direct.dispose();
});

test('an instance stopped while the person is on the bank page: the other takes the bank answer and the return; then the first back and the second killed, the acknowledgement, its PDF and the applied payment are there once', async ({
  page,
}) => {
  const pierre = newPerson('pierre');
  const reference = pierre.references[0];
  await signIn(page, pierre);
  await new ReferenceStep(page).find(reference);
  await new SelectionStep(page).payAmount('20');
  const kiosk = new Kiosk(page);
  await kiosk.expectAmount('20,00 €');
  expect(page.url().startsWith(`${BANK_URL}/`)).toBe(true);

  ctl('stop', 1);
  await kiosk.payWith('4100 0000 0000 0000');
  await expect(page.getByText('Votre paiement a été accepté.')).toBeVisible();
  await kiosk.continue();
  await expect(page.getByRole('status')).toHaveText(THANKS);
  const transaction = new URL(page.url()).searchParams.get('paiement') ?? '';
  expect(transaction).toMatch(/^PCLCB\d{12}$/);
  await expect.poll(() => instancesThatTookTheBankAnswer(transaction)).toEqual([2]);

  ctl('start', 1);
  ctl('kill', 2);
  await page.goto('/accueil');
  await new HomePage(page).expectSignedIn(pierre.name);
  await expect(page.getByRole('link', { name: /Ma messagerie.*1 message non lu/ })).toBeVisible();
  await page.getByRole('link', { name: /Ma messagerie/ }).click();
  await page.getByRole('link', { name: /Accusé de réception de votre paiement de créance/ }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'TÉLÉCHARGER EN PDF' }).click();
  const pdf = readFileSync(await (await download).path());
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

  // Instance 1 runs the processing every few seconds: 87,09 € − 20,00 €, applied.
  await page.goto('/mes-paiements/participations-forfaitaires-et-franchises');
  const row = page.getByRole('row', { name: new RegExp(reference) });
  await expect(async () => {
    await page.reload();
    await expect(row).toContainText('pris en compte', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(row).toContainText('67,09');
  await page.goto('/accueil');
  const payments = page.getByRole('table', { name: 'Mes derniers paiements' });
  await expect(payments.getByRole('row', { name: /20,00/ })).toHaveCount(1);
});
