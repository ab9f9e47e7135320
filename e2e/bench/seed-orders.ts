/**
 * The bench's chart-orders case: before the page opens, the practice account trades through the web bridge as
 * the page would (the same WebSocket API, with the key the bridge wrote into the page), so the chart opens with
 * my open orders as lines and my fills as marks while the market streams. Small market orders make the fills;
 * resting limits on both sides, away from the market so the simulated traders do not fill them, stay open.
 */
import WebSocket from 'ws';
import { API_PATH, API_SUBPROTOCOL, BRIDGE_KEY_META, KEY_SUBPROTOCOL_PREFIX } from '../../engine/protocol/web-bridge';

interface Bridge {
  call<T>(method: string, params: unknown): Promise<T>;
  close(): void;
}

async function connect(pageUrl: string): Promise<Bridge> {
  const html = await (await fetch(pageUrl)).text();
  const key = new RegExp(`<meta name="${BRIDGE_KEY_META}" content="([^"]+)"`).exec(html)?.[1];
  if (!key) throw new Error('the served page carries no bridge key');
  const url = new URL(API_PATH, pageUrl);
  url.protocol = 'ws:';
  const ws = new WebSocket(url, [API_SUBPROTOCOL, `${KEY_SUBPROTOCOL_PREFIX}${key}`]);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as {
      type: string;
      id: number;
      ok: boolean;
      result?: unknown;
      error?: unknown;
    };
    if (frame.type !== 'response') return;
    const p = pending.get(frame.id);
    pending.delete(frame.id);
    if (frame.ok) p?.resolve(frame.result);
    else p?.reject(new Error(JSON.stringify(frame.error)));
  });
  let nextId = 1;
  return {
    call: <T>(method: string, params: unknown) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ type: 'request', id, method, params }));
      }),
    close: () => ws.close(),
  };
}

interface Outcome {
  status: 'accepted' | 'rejected';
  reason?: string;
  fills: number;
}

/** Makes at least `fills` fills of mine and leaves `orders` limit orders open; returns what it made. */
export async function seedChartOrders(
  pageUrl: string,
  want: { orders: number; fills: number },
): Promise<{ orders: number; fills: number }> {
  const bridge = await connect(pageUrl);
  try {
    const lot = 20_000_000; // 0.2 LPJ: about 2,000 KRW, above the market's 1,000 KRW minimum
    let fills = 0;
    for (let i = 0; fills < want.fills && i < want.fills * 4; i++) {
      const side = i % 2 === 0 ? 'buy' : 'sell';
      const out = await bridge.call<Outcome>('practice.place', { side, orderType: 'market', quantity: lot });
      fills += out.fills;
    }
    const state = await bridge.call<{ lastPrice: number }>('practice.state', {});
    let orders = 0;
    for (let i = 0; orders < want.orders && i < want.orders * 2; i++) {
      // Buys 5-10% below the market: the price band lets them rest, and the simulated traders stay near it.
      const price = Math.round(state.lastPrice * (0.9 + (0.05 * (i % 25)) / 25));
      const out = await bridge.call<Outcome>('practice.place', {
        side: 'buy',
        orderType: 'limit',
        price,
        quantity: lot,
      });
      if (out.status === 'accepted') orders++;
    }
    return { orders, fills };
  } finally {
    bridge.close();
  }
}
