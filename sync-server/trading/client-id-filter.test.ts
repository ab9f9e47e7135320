import { describe, expect, it } from 'vitest';
import { ClientIdFilter } from './client-id-filter';

describe('ClientIdFilter', () => {
  it('finds every pair it was given, across growth, and tells accounts apart', () => {
    const f = new ClientIdFilter();
    for (let account = 1; account <= 200; account++) for (let n = 0; n < 500; n++) f.add(account, `c${n}`);
    expect(f.size).toBeGreaterThan(99_990); // a rare shared fingerprint counts once
    for (let account = 1; account <= 200; account++)
      for (let n = 0; n < 500; n++) expect(f.mightHave(account, `c${n}`)).toBe(true);
    f.add(7, 'c0');
    expect(f.size).toBeLessThanOrEqual(100_000);
    expect(f.mightHave(2 ** 40 + 7, 'c0')).toBe(false);
    expect(f.mightHave(7, 'é-unicode-✓')).toBe(false);
    f.add(7, 'é-unicode-✓');
    expect(f.mightHave(7, 'é-unicode-✓')).toBe(true);
  });

  it('answers "no" for pairs it never saw, wrong only at about the rate its size allows', () => {
    const f = new ClientIdFilter();
    for (let n = 0; n < 100_000; n++) f.add(n % 1_000, `order-${n}`);
    let wrong = 0;
    for (let n = 100_000; n < 300_000; n++) if (f.mightHave(n % 1_000, `order-${n}`)) wrong++;
    // 100,000 fingerprints of 32 bits: about 200,000 × 100,000 / 2^32 ≈ 5 expected.
    expect(wrong).toBeLessThan(50);
  });
});
