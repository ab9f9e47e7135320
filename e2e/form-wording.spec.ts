/**
 * The words and looks of the forms a new user meets first: the account form (a failed sign-up says so, not
 * "Could not sign in"; the password stays after a failure; the buttons look as enabled as they are) against a
 * sync server started here, and the order form's refusal of a price with decimals the market does not have,
 * which names the tick.
 */
import { parse, wcagContrast, type Color } from 'culori';
import type { Locator, Page } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';
import { startTestSyncServer, type TestSyncServer } from './live-fixtures';

const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();

/** A computed CSS colour (`rgb(…)`, `rgba(…)`), parsed. */
function rgba(css: string): Color {
  const parsed = parse(css);
  if (!parsed) throw new Error(`not a colour: ${css}`);
  return parsed;
}

/** What a button looks like: its opacity, text colour, its own fill or (if none) what shows behind it, border. */
async function looks(button: Locator) {
  const s = await button.evaluate((el) => {
    const cs = getComputedStyle(el);
    let behind = 'rgba(0, 0, 0, 0)';
    for (let p = el.parentElement; p && /rgba\(0, 0, 0, 0\)|transparent/.test(behind); p = p.parentElement)
      behind = getComputedStyle(p).backgroundColor;
    return {
      opacity: cs.opacity,
      color: cs.color,
      fill: cs.backgroundColor,
      behind,
      border: cs.borderTopColor,
      cursor: cs.cursor,
    };
  });
  const behind = rgba(s.behind);
  const fill = rgba(s.fill).alpha === 0 ? behind : rgba(s.fill);
  return {
    opacity: Number(s.opacity),
    cursor: s.cursor,
    text: wcagContrast(rgba(s.color), fill),
    // The edge that tells a button from what is behind it: its fill, or its border.
    edge: Math.max(wcagContrast(fill, behind), wcagContrast(rgba(s.border), behind)),
  };
}

test.describe('account form', () => {
  let server: TestSyncServer;
  test.beforeAll(async () => {
    server = await startTestSyncServer();
    // Someone already has this nickname.
    const res = await fetch(`${server.url}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nickname: 'taken_e2e', password: 'someone-elses' }),
    });
    expect(res.status).toBe(201);
  });
  test.afterAll(async () => {
    await server?.stop();
  });
  test.use({ appEnv: async ({}, use) => use({ LPJ_SYNC_URL: server.url }) });

  test('sign-up failures read as sign-up failures, the password stays, and the buttons look enabled', async ({
    app,
  }, testInfo) => {
    test.setTimeout(90_000);
    if (testInfo.project.name === 'web') await app.setViewportSize({ width: 1600, height: 1000 });
    await nav(app, 'Settings');
    await expect(app.locator('.live-status')).toHaveAttribute('data-connection', 'signed_out', { timeout: 15_000 });
    const account = app.getByRole('form', { name: 'Account' });
    const nickname = account.getByRole('textbox', { name: 'Nickname' });
    const password = account.getByLabel('Password');
    const signIn = account.getByRole('button', { name: 'Sign in' });
    const create = account.getByRole('button', { name: 'Create account' });
    const alert = account.getByRole('alert');

    // Both buttons are enabled before anything is typed, and look it in both themes: full opacity and readable
    // text (WCAG AA, 4.5:1); the outlined one also has an edge that stands out from the page (3:1), where a
    // grey fill barely different from the page read as disabled.
    for (const theme of ['light', 'dark']) {
      await app.getByRole('combobox', { name: 'Theme' }).selectOption(theme);
      await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
      for (const button of [signIn, create]) {
        await expect(button).toBeEnabled();
        const look = await looks(button);
        expect(look.opacity).toBe(1);
        expect(look.cursor).toBe('pointer');
        expect(look.text).toBeGreaterThanOrEqual(4.5);
      }
      expect((await looks(create)).edge).toBeGreaterThanOrEqual(3);
      await keepScreenshot(app, `account-form-${theme}`, testInfo);
    }

    // Nothing typed: said, in the words of the action tried.
    await create.click();
    await expect(alert).toHaveText('Could not create the account: Enter a nickname and a password');
    await signIn.click();
    await expect(alert).toHaveText('Could not sign in: Enter a nickname and a password');

    // The server's rules are checked before sending, and the password stays to be corrected.
    await nickname.fill('newcomer_e2e');
    await password.fill('short');
    await create.click();
    await expect(alert).toHaveText('Could not create the account: The password must be at least 8 characters');
    await expect(password).toHaveValue('short');
    await nickname.fill('x');
    await password.fill('long-enough-password');
    await create.click();
    await expect(alert).toHaveText('Could not create the account: The nickname must be 2–20 letters, digits or _');

    // The server's refusal of a sign-up: a sign-up failure; the password is kept for the next try.
    await nickname.fill('taken_e2e');
    await create.click();
    await expect(alert).toHaveText('Could not create the account: That nickname is taken');
    await expect(password).toHaveValue('long-enough-password');
    await keepScreenshot(app, 'account-form-taken', testInfo);

    // A failed sign-in is one, and keeps the password too.
    await signIn.click();
    await expect(alert).toHaveText('Could not sign in: Wrong nickname or password');
    await expect(password).toHaveValue('long-enough-password');

    // Correcting only the nickname is enough to create the account.
    await nickname.fill('newcomer_e2e');
    await create.click();
    await expect(app.getByTestId('signed-in-as')).toHaveText('Signed in as newcomer_e2e', { timeout: 15_000 });
  });

  test('in Korean, a failed sign-up says so in Korean', async ({ app }, testInfo) => {
    if (testInfo.project.name === 'web') await app.setViewportSize({ width: 1600, height: 1000 });
    await nav(app, 'Settings');
    await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');
    const account = app.getByRole('form', { name: '계정' });
    await account.getByRole('textbox', { name: '닉네임' }).fill('taken_e2e');
    await account.getByLabel('비밀번호').fill('long-enough-password');
    await account.getByRole('button', { name: '계정 만들기' }).click();
    await expect(account.getByRole('alert')).toHaveText('계정을 만들지 못했습니다: 이미 쓰이는 닉네임입니다');
    await expect(account.getByLabel('비밀번호')).toHaveValue('long-enough-password');
  });
});

test('a price with decimals the market does not have names the tick', async ({ app }, testInfo) => {
  if (testInfo.project.name === 'web') await app.setViewportSize({ width: 1600, height: 1000 });
  await nav(app, 'Market');
  const form = app.getByRole('region', { name: 'Place order' });
  // A fresh practice market takes orders once its simulated past is ready.
  await expect(form.getByRole('button', { name: /^Buy LPJ/ })).toBeEnabled({ timeout: 60_000 });
  await form.getByRole('textbox', { name: 'Price (KRW)' }).fill('10000.5');
  await form.getByRole('textbox', { name: 'Amount (LPJ)' }).fill('1');
  await form.getByRole('textbox', { name: 'Amount (LPJ)' }).press('Enter');
  await expect(form.getByRole('alert')).toHaveText('The price must be a multiple of the tick, 1 KRW');
  await expect(form.getByRole('alert')).not.toContainText('decimal places');

  await nav(app, 'Settings');
  await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');
  await app.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '거래소' }).click();
  const ko = app.getByRole('region', { name: '주문', exact: true });
  await ko.getByRole('textbox', { name: '가격(KRW)' }).fill('10000.5');
  await ko.getByRole('textbox', { name: '수량(LPJ)' }).fill('1');
  await ko.getByRole('textbox', { name: '수량(LPJ)' }).press('Enter');
  await expect(ko.getByRole('alert')).toHaveText('가격은 호가 단위 1 KRW의 배수여야 합니다');
});
