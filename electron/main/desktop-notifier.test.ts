import { describe, expect, it } from 'vitest';
import type { DesktopNote } from '../../engine/protocol/api';
import { DesktopNotifier } from './desktop-notifier';

function notifier(focused: boolean) {
  const shown: DesktopNote[] = [];
  const n = new DesktopNotifier({
    windowFocused: () => focused,
    supported: () => true,
    show: (note) => shown.push(note),
    bringForward: () => {},
  });
  return { n, shown };
}

describe('desktop notifications', () => {
  it('shows the note the UI worded while the window is not in front, and none while it is', () => {
    const note = { title: '1.78 LPJ 매수 체결', body: 'LPJ/KRW · 체결가 10,200 KRW, 수수료 18 KRW' };
    const away = notifier(false);
    expect(away.n.offer(note)).toBe(true);
    expect(away.shown).toEqual([note]);
    const inFront = notifier(true);
    expect(inFront.n.offer(note)).toBe(false);
    expect(inFront.shown).toEqual([]);
  });

  it('drops whatever a page sends that is not a note, and shows the next honest one', () => {
    const { n, shown } = notifier(false);
    for (const bad of [
      undefined,
      null,
      'Bought 1 LPJ',
      42,
      [],
      {},
      { title: '', body: '' },
      { title: 'x'.repeat(201), body: '' },
      { title: 'ok', body: 'x'.repeat(501) },
      { title: 'ok', body: 'ok', icon: '/etc/passwd' },
      { title: { toString: () => 'ok' }, body: 'ok' },
      JSON.parse('{"title":"ok","body":"ok","__proto__":{"polluted":true}}'),
    ])
      expect(n.offer(bad), JSON.stringify(bad)).toBe(false);
    expect(shown).toEqual([]);
    expect(n.offer({ title: 'Sold 1.00 LPJ', body: 'LPJ/KRW at 10,000 KRW' })).toBe(true);
    expect(shown).toHaveLength(1);
  });
});
