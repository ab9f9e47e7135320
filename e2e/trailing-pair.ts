/**
 * A trailing sell and a trailing buy placed side by side, watched in Open orders: whichever way the price goes,
 * one trigger follows it; a turn of the price by the distance then triggers one, which leaves Open orders. The
 * price is the market's own walk, so both waits allow `timeout`.
 */
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

const openOrders = (app: Page) => app.getByRole('region', { name: 'Open orders' });
/** An order's row in Open orders. */
export const orderRow = (app: Page, id: string) => openOrders(app).locator(`tr[data-order-id="${id}"]`);
/** Its trigger's cell. */
const stopCell = (app: Page, id: string) => orderRow(app, id).locator('td').nth(4);

export async function trailingPairFollowsThenTriggers(
  app: Page,
  ids: string[],
  { timeout, followed, triggered }: { timeout: number; followed: () => Promise<void>; triggered: () => Promise<void> },
): Promise<void> {
  const first = await Promise.all(ids.map(async (id) => (await stopCell(app, id).textContent()) ?? ''));
  await expect
    .poll(
      async () => {
        const now = await Promise.all(
          ids.map(async (id) => ((await orderRow(app, id).count()) ? await stopCell(app, id).textContent() : null)),
        );
        return now.some((text, i) => text !== null && text !== first[i]);
      },
      { timeout, intervals: [250] },
    )
    .toBe(true);
  await followed();
  await expect
    .poll(async () => (await Promise.all(ids.map((id) => orderRow(app, id).count()))).filter((n) => n === 0).length, {
      timeout,
      intervals: [250],
    })
    .toBeGreaterThan(0);
  await triggered();
}
