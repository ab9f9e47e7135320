/**
 * Korean reads as Korean is typeset: lines break between words, never inside one (measured: every Hangul word
 * on screen lies on a single line), so the navigation shows "카피 트레이딩" whole; the order form's fee label has
 * one pair of brackets; and the chart's timeframes are named as Upbit names them (1분, 1시간, 1일).
 */
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';

/**
 * The Hangul words under `selector` that the layout split over more than one line: for each word, the tops of
 * the boxes its characters are drawn in (a word on one line has a single top).
 */
function brokenWords(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const broken: string[] = [];
    for (const root of Array.from(document.querySelectorAll(sel))) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (const m of text.matchAll(/[\uac00-\ud7a3]+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const tops = new Set(
            Array.from(range.getClientRects())
              .filter((r) => r.width > 0)
              .map((r) => Math.round(r.top)),
          );
          if (tops.size > 1) broken.push(m[0]);
        }
      }
    }
    return broken;
  }, selector);
}

/** Every navigation label fits the rail: no label is wider than its item. */
function overflowingLabels(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('.nav-label'))
      .filter(
        (l) =>
          l.scrollWidth > l.clientWidth ||
          l.getBoundingClientRect().right > l.parentElement!.getBoundingClientRect().right,
      )
      .map((l) => l.textContent ?? ''),
  );
}

test('Korean text breaks between words; the fee label and the timeframes read as Korean', async ({ app }, testInfo) => {
  await app.setViewportSize({ width: 1440, height: 900 });
  const nav = app.getByRole('navigation', { name: 'Main navigation' });
  await nav.getByRole('link', { name: 'Settings' }).click();
  await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');
  await expect(app.locator('html')).toHaveAttribute('lang', 'ko');

  // The navigation: every label whole, "카피 트레이딩" included, and inside the rail.
  const rail = app.getByRole('navigation', { name: '주 메뉴' });
  await expect(rail.getByRole('link', { name: '카피 트레이딩' })).toBeVisible();
  expect(await brokenWords(app, '.nav-rail')).toEqual([]);
  expect(await overflowingLabels(app)).toEqual([]);
  // Settings, with its long explanations.
  await expect(app.getByRole('heading', { level: 1, name: '설정' })).toBeVisible();
  expect(await brokenWords(app, '.content')).toEqual([]);

  // The Market screen: the fee label and the timeframes.
  await rail.getByRole('link', { name: '거래소' }).click();
  const form = app.getByRole('region', { name: '주문', exact: true });
  await expect(form).toBeVisible();
  await expect(form.locator('.form-summary dt').nth(1)).toHaveText(/^예상 수수료 \((메이커|테이커) \d+\.\d+%\)$/);
  const chart = app.getByRole('region', { name: '가격 차트' });
  const timeframes = chart.getByRole('radiogroup', { name: '차트 주기' }).getByRole('radio');
  await expect(timeframes).toHaveText(['1분', '5분', '15분', '1시간', '4시간', '1일', '1주', '1개월']);
  await chart.getByRole('radio', { name: '1시간', exact: true }).click();
  await expect(chart.getByRole('radio', { name: '1시간', exact: true })).toHaveAttribute('aria-checked', 'true');
  expect(await brokenWords(app, '.content')).toEqual([]);
  expect(await brokenWords(app, '.nav-rail')).toEqual([]);
  await keepScreenshot(app, 'korean-layout-market', testInfo);

  // English keeps its own names and the same single pair of brackets.
  await rail.getByRole('link', { name: '설정' }).click();
  await app.getByRole('combobox', { name: '언어' }).selectOption('en');
  await nav.getByRole('link', { name: 'Market' }).click();
  await expect(app.getByRole('region', { name: 'Place order' }).locator('.form-summary dt').nth(1)).toHaveText(
    /^Est\. fee \((maker|taker) \d+\.\d+%\)$/,
  );
  await expect(app.getByRole('radiogroup', { name: 'Timeframe' }).getByRole('radio')).toHaveText([
    '1m',
    '5m',
    '15m',
    '1h',
    '4h',
    '1d',
    '1W',
    '1M',
  ]);
  expect(await overflowingLabels(app)).toEqual([]);
});
