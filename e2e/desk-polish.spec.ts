/**
 * Details of the desk a new user meets in the first hour, each checked through the UI:
 * - the light theme's primary button (Sign in) stands out from the page (3:1) and its text from it (4.5:1), also
 *   under the pointer;
 * - Settings puts each label on its control's line, and its "Play a session file…" and "Export as CSV" are drawn
 *   as the account forms' buttons are;
 * - the chart's last price label is a buy or sell fill that its white text meets at 4.5:1, in both themes, and
 *   so is a profile's equity curve label;
 * - the chart's timeframes are one tab stop, chosen with the arrow keys;
 * - the order book's two sides read the same way, each from its best level at the spread outwards;
 * - a replay's title is worded by the app, in English and Korean;
 * - a trader's recent trades name the market as the rest of the app does (LPJ/KRW), and the amount of a copy's
 *   funds is grouped as it is typed.
 * Offline for the first, against a real sync server for the last.
 */
import { join } from 'node:path';
import { converter, parse, wcagContrast, type Color } from 'culori';
import type { Locator, Page } from '@playwright/test';
import { artifactsDir, expect, keepScreenshot, test } from './fixtures';
import { apiTrader, nav, signUp, startTestSyncServer, type TestSyncServer } from './live-fixtures';

const toRgb = converter('rgb');

/** A CSS colour (a computed `rgb(…)`, a token's `#abc123`), parsed. */
function colour(css: string): Color {
  const parsed = parse(css);
  if (!parsed) throw new Error(`not a colour: ${css}`);
  return parsed;
}

/** A colour's 8-bit channels, as a canvas holds them. */
function channels(c: Color): number[] {
  const { r, g, b } = toRgb(c);
  return [r, g, b].map((v) => Math.round(v * 255));
}

/** A control's fill and text colour, and the colour of what it is drawn on (its nearest painted ancestor). */
async function colours(control: Locator): Promise<{ fill: string; text: string; page: string }> {
  return control.evaluate((el) => {
    let up = el.parentElement;
    while (up && getComputedStyle(up).backgroundColor.replace(/\s/g, '') === 'rgba(0,0,0,0)') up = up.parentElement;
    const style = getComputedStyle(el);
    return {
      fill: style.backgroundColor,
      text: style.color,
      page: getComputedStyle(up ?? document.body).backgroundColor,
    };
  });
}

async function chooseTheme(app: Page, theme: 'dark' | 'light'): Promise<void> {
  await nav(app, 'Settings');
  await app.getByRole('combobox', { name: 'Theme' }).selectOption(theme);
  await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
}

/** A theme token's value, as the page has it now. */
const token = (app: Page, name: string) =>
  app.evaluate((n) => getComputedStyle(document.documentElement).getPropertyValue(n).trim(), name);

/**
 * The last-value label on a chart's price axis (its first pane's), read back from the canvases lightweight-charts
 * draws the axis on: which of `fills` it is drawn in (the one with most pixels: a label is about 64 × 18 px, the
 * axis's own text thin anti-aliased grey), how many pixels it covers, and inside it (away from its rounded
 * corners) how many are near white and near black — its text. `others`: pixels of these colours on the whole axis.
 */
async function axisLabel(
  chartHost: Locator,
  fills: Color[],
  others: Color[] = [],
): Promise<{ fill: Color | null; area: number; light: number; dark: number; others: number[] }> {
  const found = await chartHost.evaluate(
    (host, { fills, others }) => {
      const canvases = Array.from(
        host.querySelector('table tr:first-child td:last-child')?.querySelectorAll('canvas') ?? [],
      );
      const images = canvases.map((c) => c.getContext('2d')!.getImageData(0, 0, c.width, c.height));
      const same = (d: Uint8ClampedArray, i: number, c: number[]) =>
        d[i + 3] === 255 && d[i] === c[0] && d[i + 1] === c[1] && d[i + 2] === c[2];
      const best = { index: -1, area: 0, image: 0, box: [0, 0, 0, 0] };
      fills.forEach((fill, index) =>
        images.forEach((img, image) => {
          let area = 0;
          const box = [Infinity, Infinity, -1, -1];
          for (let y = 0; y < img.height; y++)
            for (let x = 0; x < img.width; x++)
              if (same(img.data, (y * img.width + x) * 4, fill)) {
                area++;
                box[0] = Math.min(box[0], x);
                box[1] = Math.min(box[1], y);
                box[2] = Math.max(box[2], x);
                box[3] = Math.max(box[3], y);
              }
          if (area > best.area) Object.assign(best, { index, area, image, box });
        }),
      );
      let light = 0;
      let dark = 0;
      if (best.index >= 0) {
        const img = images[best.image];
        const [x0, y0, x1, y1] = best.box;
        for (let y = y0 + 3; y <= y1 - 3; y++)
          for (let x = x0 + 3; x <= x1 - 3; x++) {
            const i = (y * img.width + x) * 4;
            const [r, g, b] = [img.data[i], img.data[i + 1], img.data[i + 2]];
            if (Math.min(r, g, b) >= 200) light++;
            if (Math.max(r, g, b) <= 60) dark++;
          }
      }
      const counts = others.map((c) =>
        images.reduce((sum, img) => {
          let n = 0;
          for (let i = 0; i < img.data.length; i += 4) if (same(img.data, i, c)) n++;
          return sum + n;
        }, 0),
      );
      return { index: best.index, area: best.area, light, dark, others: counts };
    },
    { fills: fills.map(channels), others: others.map(channels) },
  );
  return { ...found, fill: found.index >= 0 ? fills[found.index] : null };
}

async function openPractice(app: Page): Promise<Locator> {
  await nav(app, 'Market');
  const chart = app.getByRole('region', { name: 'Price chart' });
  await expect(chart.locator('.chart-host')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  return chart;
}

test.describe('offline', () => {
  test('light theme: the primary button stands out from the page, and Settings puts each label by its control', async ({
    app,
  }, testInfo) => {
    await app.setViewportSize({ width: 1440, height: 900 });
    await chooseTheme(app, 'light');

    // Sign in: its fill against the page at 3:1 (a control), its text against the fill at 4.5:1 — and on hover.
    const signIn = app.getByRole('button', { name: 'Sign in', exact: true });
    await signIn.scrollIntoViewIfNeeded();
    for (const state of ['at rest', 'under the pointer']) {
      if (state === 'under the pointer') await signIn.hover();
      const c = await colours(signIn);
      expect(wcagContrast(c.fill, c.page), `Sign in ${state}: ${c.fill} on ${c.page}`).toBeGreaterThanOrEqual(3);
      expect(wcagContrast(c.text, c.fill), `Sign in ${state}: ${c.text} on ${c.fill}`).toBeGreaterThanOrEqual(4.5);
    }
    await app.mouse.move(0, 0);

    // Each label on its control's line, not beside the middle of the block under it.
    const settings = app.locator('.settings');
    const source = app.getByRole('combobox', { name: 'Real-coin prices' });
    const play = app.getByRole('button', { name: 'Play a session file…' });
    for (const [label, control] of [
      ['Language', app.getByRole('combobox', { name: 'Language' })],
      ['Theme', app.getByRole('combobox', { name: 'Theme' })],
      ['Real-coin prices', source],
      ['Trade history', app.getByRole('button', { name: 'Export as CSV' })],
    ] as const) {
      const l = (await settings
        .locator('.field > span')
        .filter({ hasText: new RegExp(`^${label}$`) })
        .boundingBox())!;
      const c = (await control.boundingBox())!;
      const middle = l.y + l.height / 2;
      expect(
        middle,
        `${label}: label at ${l.y}–${l.y + l.height}, control at ${c.y}–${c.y + c.height}`,
      ).toBeGreaterThan(c.y);
      expect(middle, `${label}: label at ${l.y}–${l.y + l.height}, control at ${c.y}–${c.y + c.height}`).toBeLessThan(
        c.y + c.height,
      );
    }
    // The session file's button is on the source's line, beside it.
    const [s, p] = [(await source.boundingBox())!, (await play.boundingBox())!];
    expect(p.x).toBeGreaterThan(s.x + s.width);
    expect(Math.abs(p.y + p.height / 2 - (s.y + s.height / 2))).toBeLessThan(s.height / 2);

    // "Play a session file…" and "Export as CSV" are drawn as the account form's buttons: outlined in the text's
    // colour, no grey fill.
    const look = (b: Locator) =>
      b.evaluate((el) => {
        const s = getComputedStyle(el);
        return {
          fill: s.backgroundColor,
          border: `${s.borderTopWidth} ${s.borderTopStyle} ${s.borderTopColor}`,
          text: s.color,
          weight: s.fontWeight,
        };
      });
    const accountButton = await look(app.getByRole('button', { name: 'Create account' }));
    expect(colour(accountButton.fill).alpha).toBe(0);
    for (const name of ['Play a session file…', 'Export as CSV'])
      expect(await look(app.getByRole('button', { name }))).toEqual(accountButton);
    await keepScreenshot(app, 'desk-polish-settings-light', testInfo);
  });

  test('the chart’s last price label is a buy or sell fill under white text, in both themes', async ({
    app,
  }, testInfo) => {
    await app.setViewportSize({ width: 1440, height: 900 });
    for (const theme of ['dark', 'light'] as const) {
      await chooseTheme(app, theme);
      const chart = await openPractice(app);
      const fills = [colour(await token(app, '--up-fill')), colour(await token(app, '--down-fill'))];
      const candles = [colour(await token(app, '--up')), colour(await token(app, '--down'))];
      const host = chart.locator('.chart-host');
      // The label is drawn with the candles: wait until the axis holds one.
      await expect.poll(async () => (await axisLabel(host, fills)).area).toBeGreaterThan(300);
      const label = await axisLabel(host, fills, candles);
      // White text on it: many near-white pixels, none near black.
      expect(label.light, `white text on the ${theme} label`).toBeGreaterThan(20);
      expect(label.dark).toBe(0);
      expect(wcagContrast('#fff', label.fill!)).toBeGreaterThanOrEqual(4.5);
      // In the dark theme the candles are lighter than the fills, and no label is drawn in their colours.
      if (theme === 'dark') {
        expect(candles.map((c) => channels(c).join())).not.toContain(channels(fills[0]).join());
        expect(label.others).toEqual([0, 0]);
      }
      await chart.screenshot({ path: join(artifactsDir, `${testInfo.project.name}-desk-polish-chart-${theme}.png`) });
    }
  });

  test('the chart’s timeframes are one tab stop: the arrows, Home and End choose, Tab leaves', async ({ app }) => {
    const chart = await openPractice(app);
    const group = chart.getByRole('radiogroup', { name: 'Timeframe' });
    const radio = (name: string) => group.getByRole('radio', { name, exact: true });
    await expect(group.getByRole('radio')).toHaveText(['1m', '5m', '15m', '1h', '4h', '1d', '1W', '1M']);
    // Only the chosen one is in the tab order.
    await expect(group.locator('[role="radio"][tabindex="0"]')).toHaveCount(1);
    // The control before the chart in the tab order: the market's price alerts, in the summary above it.
    await app.getByRole('button', { name: 'Alerts', exact: true }).focus();
    await app.keyboard.press('Tab');
    await expect(radio('1m')).toBeFocused();

    for (const [key, to] of [
      ['ArrowRight', '5m'],
      ['ArrowDown', '15m'],
      ['End', '1M'],
      ['ArrowRight', '1m'],
      ['ArrowLeft', '1M'],
      ['Home', '1m'],
      ['ArrowUp', '1M'],
      ['ArrowLeft', '1W'],
    ] as const) {
      await app.keyboard.press(key);
      await expect(radio(to), `${key} → ${to}`).toBeFocused();
      await expect(radio(to)).toHaveAttribute('aria-checked', 'true');
      await expect(group.locator('[aria-checked="true"]')).toHaveCount(1);
    }
    await expect(chart.locator('.chart-host')).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
    // One Tab leaves the group; Shift+Tab comes back to the chosen timeframe.
    await app.keyboard.press('Tab');
    await expect(group.getByRole('radio').and(app.locator(':focus'))).toHaveCount(0);
    await app.keyboard.press('Shift+Tab');
    await expect(radio('1W')).toBeFocused();
  });

  test('the order book’s two sides read the same way, each from its best level at the spread outwards', async ({
    app,
  }) => {
    await openPractice(app);
    const book = app.getByRole('region', { name: 'Order book' });
    const sides = { ask: book.getByRole('group', { name: 'Asks' }), bid: book.getByRole('group', { name: 'Bids' }) };
    await expect(sides.ask.getByRole('option').nth(2)).toBeVisible();
    await expect(sides.bid.getByRole('option').nth(2)).toBeVisible();
    const rows = (side: 'ask' | 'bid') =>
      sides[side].getByRole('option').evaluateAll((els) =>
        els.map((el) => ({
          side: el.getAttribute('data-side'),
          slot: Number(el.getAttribute('data-slot')),
          price: Number(el.getAttribute('data-price')),
          label: el.getAttribute('aria-label') ?? '',
          y: el.getBoundingClientRect().y,
        })),
      );
    const [asks, bids] = [await rows('ask'), await rows('bid')];
    for (const [side, list, word] of [
      ['ask', asks, 'Ask'],
      ['bid', bids, 'Bid'],
    ] as const) {
      expect(list.every((r) => r.side === side && r.label.startsWith(`${word} `))).toBe(true);
      expect(list.map((r) => r.slot)).toEqual(list.map((_, i) => i));
    }
    // Asks rise away from the spread (upwards), bids fall away from it (downwards); the best of each is the
    // nearest to the spread, and every ask is above every bid.
    for (let i = 1; i < Math.min(asks.length, 6); i++) {
      expect(asks[i].price).toBeGreaterThan(asks[i - 1].price);
      expect(asks[i].y).toBeLessThan(asks[i - 1].y);
    }
    for (let i = 1; i < Math.min(bids.length, 6); i++) {
      expect(bids[i].price).toBeLessThan(bids[i - 1].price);
      expect(bids[i].y).toBeGreaterThan(bids[i - 1].y);
    }
    expect(asks[0].price).toBeGreaterThan(bids[0].price);
    const spread = (await book.locator('.book-spread').boundingBox())!;
    expect(asks[0].y).toBeLessThan(spread.y);
    expect(bids[0].y).toBeGreaterThanOrEqual(spread.y + spread.height - 1);
  });

  test('a replay’s title is worded by the app, in English and in Korean', async ({ app }, testInfo) => {
    test.setTimeout(120_000);
    await app.setViewportSize({ width: 1440, height: 900 });
    const english = 'Generated practice session — BTC/KRW · 10 minutes (simulated, not real market data)';
    const korean = '생성된 연습 세션 — BTC/KRW · 10분 (시뮬레이션, 실제 시장 데이터가 아님)';
    await nav(app, 'Settings');
    await app.getByRole('combobox', { name: 'Real-coin prices' }).selectOption('replay');
    await expect(app.locator('.settings .replay-label')).toHaveText(english);

    await nav(app, 'Market');
    const selector = app.getByRole('combobox', { name: 'Market', exact: true });
    await expect(selector.locator('option[value="BTC-KRW"]')).toBeAttached();
    await selector.selectOption('BTC-KRW');
    await expect(app.getByRole('region', { name: 'Replay controls' }).locator('.replay-label')).toHaveText(english);

    await nav(app, 'Settings');
    await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');
    await expect(app.locator('.settings .replay-label')).toHaveText(korean);
    await app.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '거래소' }).click();
    const controls = app.getByRole('region', { name: '리플레이 조작' });
    await expect(controls.locator('.replay-label')).toHaveText(korean);
    await keepScreenshot(app, 'desk-polish-replay-ko', testInfo);
  });
});

test.describe('against a sync server', () => {
  test.setTimeout(120_000);
  let server: TestSyncServer;
  test.beforeEach(async ({}, testInfo) => {
    test.skip(testInfo.project.name !== 'web', 'the app is pointed at a test server in web mode');
    // Profiles marked every second, so the equity curve has points within the test.
    server = await startTestSyncServer([
      '--mark-interval-ms',
      '1000',
      '--min-trades',
      '1',
      '--min-account-age-ms',
      '0',
      // Marks are taken by the schedule (every minute by default): every 300 ms here, so the curve grows.
      '--schedule-every-ms',
      '300',
    ]);
  });
  test.afterEach(async () => {
    await server?.stop();
  });
  test.use({
    appEnv: async ({}, use) => {
      await use({ LPJ_SYNC_URL: server.url });
    },
  });

  test('a trader’s recent trades say LPJ/KRW, the equity label reads, and a copy’s funds are grouped as typed', async ({
    app,
  }, testInfo) => {
    await app.setViewportSize({ width: 1440, height: 960 });
    // A leader open for copying sells 1 LPJ to someone at 10,000 KRW.
    const leader = await apiTrader(server.url, 'polish_leader');
    const opened = await fetch(`${server.url}/api/v1/strategy`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${leader.accessToken}` },
      body: JSON.stringify({ profitShareBps: 1_000 }),
    });
    expect(opened.status).toBe(201);
    const buyer = await apiTrader(server.url, 'polish_buyer');
    const sale = await leader.limit('sell', 10_000, 100);
    await (await buyer.limit('buy', 10_000, 100)).filled();
    await sale.filled();
    leader.close();
    buyer.close();
    await signUp(app, server.url, 'polish_follower');

    // The profile's trades name the market as the rest of the app does.
    await app.evaluate(() => (location.hash = '#/trader/polish_leader'));
    const trades = app.getByRole('table', { name: 'Recent trades' });
    await expect(trades.locator('tbody tr')).toHaveCount(1);
    await expect(trades.locator('tbody tr td').nth(1)).toHaveText('LPJ/KRW');
    await expect(trades).not.toContainText('LPJ-KRW');

    // The equity curve's last value: the line's colour, under text the library writes in black or white that
    // meets it at 4.5:1, in both themes.
    for (const theme of ['dark', 'light'] as const) {
      await chooseTheme(app, theme);
      const equity = app.getByRole('img', { name: 'Equity (KRW)' });
      // The curve gains a point at each mark (every second here): open the profile again until it has two.
      await expect(async () => {
        await app.evaluate(() => (location.hash = '#/settings'));
        await app.evaluate(() => (location.hash = '#/trader/polish_leader'));
        await expect(equity).toHaveAttribute('data-points', /^([2-9]|\d{2,})$/, { timeout: 2_000 });
      }).toPass({ timeout: 30_000 });
      const accent = colour(await token(app, '--accent'));
      await expect.poll(async () => (await axisLabel(equity, [accent])).area).toBeGreaterThan(300);
      const label = await axisLabel(equity, [accent]);
      const text = label.light > label.dark ? '#fff' : '#000';
      expect(Math.max(label.light, label.dark), `text on the ${theme} equity label`).toBeGreaterThan(20);
      expect(wcagContrast(text, accent)).toBeGreaterThanOrEqual(4.5);
      await equity.screenshot({ path: join(artifactsDir, `${testInfo.project.name}-desk-polish-equity-${theme}.png`) });
    }
    await chooseTheme(app, 'dark');

    // Copy the leader with 1,000,000 KRW; then add funds, the amount grouped as it is typed.
    await app.evaluate(() => (location.hash = '#/trader/polish_leader'));
    await app.getByRole('button', { name: 'Subscribe' }).click();
    const subscribe = app.getByRole('dialog', { name: 'Copy polish_leader' });
    await subscribe.getByLabel('Allocation').fill('1000000');
    await subscribe.getByRole('button', { name: 'Start copying' }).click();
    await expect(subscribe).toHaveCount(0);
    await nav(app, 'Copy trading');
    const row = app.locator('tr[data-leader="polish_leader"]');
    await expect(row).toContainText('1,000,000');
    await row.getByRole('button', { name: 'Add or take out funds of the copy of polish_leader' }).click();
    const funds = app.getByRole('dialog', { name: 'Funds of the copy of polish_leader' });
    const amount = funds.getByLabel('Amount');
    await amount.pressSequentially('2500000');
    await expect(amount).toHaveValue('2,500,000');
    await amount.press('Backspace');
    await expect(amount).toHaveValue('250,000');
    // A digit typed in the middle lands where the caret is, and the groups follow.
    await amount.press('Home');
    await amount.press('ArrowRight');
    await amount.press('1');
    await expect(amount).toHaveValue('2,150,000');
    await amount.fill('');
    await amount.pressSequentially('250000');
    await expect(amount).toHaveValue('250,000');
    // Add or take out is one tab stop too: the arrows choose.
    const direction = funds.getByRole('radiogroup', { name: 'Add or take out' });
    await direction.getByRole('radio', { name: 'Add funds' }).focus();
    await app.keyboard.press('ArrowRight');
    await expect(direction.getByRole('radio', { name: 'Take out' })).toHaveAttribute('aria-checked', 'true');
    await app.keyboard.press('ArrowLeft');
    await expect(direction.getByRole('radio', { name: 'Add funds' })).toHaveAttribute('aria-checked', 'true');
    await expect(direction.getByRole('radio', { name: 'Add funds' })).toBeFocused();
    await keepScreenshot(app, 'desk-polish-funds', testInfo);
    await funds.getByRole('button', { name: 'Add funds' }).click();
    await expect(funds).toHaveCount(0);
    await expect(row).toContainText('1,250,000');
  });
});
