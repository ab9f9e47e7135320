import { describe, expect, it } from 'vitest';
import { deepLinkInArgs, hashFor, parseDeepLink } from './deep-link';

describe('deep links', () => {
  it('open a trader profile or a screen', () => {
    expect(parseDeepLink('playground777://trader/kim_77')).toEqual({ route: 'trader', nickname: 'kim_77' });
    expect(parseDeepLink('playground777://trader/%EA%B9%80%EC%B2%A0%EC%88%98')).toEqual({
      route: 'trader',
      nickname: '김철수',
    });
    expect(parseDeepLink('playground777://ranking')).toEqual({ route: 'ranking' });
    for (const route of ['markets', 'portfolio', 'history'])
      expect(hashFor(parseDeepLink(`playground777://${route}`)!)).toBe(`#/${route}`);
    expect(hashFor({ route: 'trader', nickname: '김철수' })).toBe('#/trader/%EA%B9%80%EC%B2%A0%EC%88%98');
  });

  it('ignore anything else', () => {
    for (const bad of [
      'https://example.com/trader/kim',
      'playground777://trader/',
      'playground777://trader/a',
      'playground777://trader/kim/more',
      'playground777://admin',
      'playground777://trader/<script>',
      'not a url',
      'playground777://trader/' + 'x'.repeat(300),
    ]) {
      expect(parseDeepLink(bad), bad).toBeNull();
    }
  });

  it('finds the link among command-line arguments', () => {
    expect(deepLinkInArgs(['/opt/app', '--flag', 'playground777://ranking'])).toBe('playground777://ranking');
    expect(deepLinkInArgs(['/opt/app'])).toBeUndefined();
  });
});
