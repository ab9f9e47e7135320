/**
 * The up/down colour convention chosen in Settings (red up and blue down by default, or green up and red down),
 * in both themes: the book's bid and ask prices, the buy button and the chart's candles take the convention's
 * colours, read back as the page computes them and as the chart's canvases hold them. A switch made in another
 * window reaches an open Market screen as a push and repaints its book and chart at once, without a reload.
 */
import { converter, parse } from 'culori';
import type { Locator, Page } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';
import { nav } from './live-fixtures';

const toRgb = converter('rgb');

/** A CSS colour's 8-bit channels. */
function channels(css: string): number[] {
  const parsed = parse(css);
  if (!parsed) throw new Error(`not a colour: ${css}`);
  const { r, g, b } = toRgb(parsed);
  return [r, g, b].map((v) => Math.round(v * 255));
}

/** The convention's colours as the stylesheet defines them (theme-contrast.test.ts checks their contrast). */
const EXPECTED = {
  dark: { 'red-up': ['#f65a66', '#4d8ff8'], 'green-up': ['#2ebd85', '#f65a66'] },
  light: { 'red-up': ['#cc2d3d', '#1763d0'], 'green-up': ['#0b7a4b', '#cc2d3d'] },
} as const;

/** How many opaque pixels of each colour the chart's canvases hold (candle bodies and wicks are drawn solid). */
function chartPixels(chartHost: Locator, colours: string[]): Promise<number[]> {
  return chartHost.evaluate(
    (host, wanted) =>
      wanted.map((c) =>
        Array.from(host.querySelectorAll('canvas')).reduce((sum, canvas) => {
          const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4)
            if (d[i + 3] === 255 && d[i] === c[0] && d[i + 1] === c[1] && d[i + 2] === c[2]) n++;
          return sum + n;
        }, 0),
      ),
    colours.map(channels),
  );
}

const textColour = (l: Locator) => l.evaluate((el) => getComputedStyle(el).color);

/** The book, the buy button and the chart all in the convention's up and down colours, and none in the other's. */
async function expectPainted(app: Page, theme: 'dark' | 'light', convention: 'red-up' | 'green-up'): Promise<void> {
  const [up, down] = EXPECTED[theme][convention];
  const other = EXPECTED[theme][convention === 'red-up' ? 'green-up' : 'red-up'];
  const gone = other.filter((c) => c !== up && c !== down);
  const rgb = (c: string) => `rgb(${channels(c).join(', ')})`;
  const book = app.getByRole('region', { name: 'Order book' });
  await expect.poll(() => textColour(book.locator('.book-row.bid .price').first())).toBe(rgb(up));
  await expect.poll(() => textColour(book.locator('.book-row.ask .price').first())).toBe(rgb(down));
  const buy = app.getByRole('region', { name: 'Place order' }).getByRole('tab', { name: 'Buy' });
  await expect.poll(() => textColour(buy)).toBe(rgb(up));
  const chart = app.getByRole('region', { name: 'Price chart' }).locator('.chart-host');
  // The chart draws in its next animation frame: wait for rising and falling candles in the new colours.
  await expect
    .poll(async () => {
      const [u, d, ...old] = await chartPixels(chart, [up, down, ...gone]);
      return { rising: u > 0, falling: d > 0, old: old.reduce((a, b) => a + b, 0) };
    })
    .toEqual({ rising: true, falling: true, old: 0 });
}

async function openPractice(app: Page): Promise<void> {
  await app.setViewportSize({ width: 1600, height: 1000 });
  await nav(app, 'Market');
  await expect(app.getByRole('region', { name: 'Price chart' }).locator('.chart-host')).toHaveAttribute(
    'data-state',
    'ready',
    { timeout: 30_000 },
  );
  await expect(app.getByRole('region', { name: 'Order book' }).locator('.book-row.bid').first()).toBeVisible();
}

test('switching the colour convention repaints the book and the chart at once, in both themes', async ({
  app,
}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'a second window of the same app is opened as a second browser tab');
  test.setTimeout(120_000);
  // A second window on the same app: its Settings change what the first shows.
  const settings = await app.context().browser()!.newPage();
  await settings.goto(app.url());
  await nav(settings, 'Settings');
  const colours = settings.getByRole('combobox', { name: 'Price colours' });
  await expect(colours).toHaveValue('red-up');
  await expect(colours.locator('option')).toHaveText(['Red up, blue down', 'Green up, red down']);

  await openPractice(app);
  for (const theme of ['dark', 'light'] as const) {
    await settings.getByRole('combobox', { name: 'Theme' }).selectOption(theme);
    await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
    await colours.selectOption('red-up');
    await expect(app.locator('html')).toHaveAttribute('data-updown', 'red-up');
    await expectPainted(app, theme, 'red-up');
    await keepScreenshot(app, `colours-${theme}-red-up`, testInfo);

    await colours.selectOption('green-up');
    await expect(app.locator('html')).toHaveAttribute('data-updown', 'green-up');
    await expectPainted(app, theme, 'green-up');
    await keepScreenshot(app, `colours-${theme}-green-up`, testInfo);
  }

  // Remembered by the host: a reload comes back green-up.
  await app.reload();
  await expect(app.locator('html')).toHaveAttribute('data-updown', 'green-up');
  await openPractice(app);
  await expectPainted(app, 'light', 'green-up');
  await settings.close();
});
