import { describe, expect, it } from 'vitest';
import { isCurrencyCode, isMinorAmount, MAX_AMOUNT_MINOR } from '../../src/app/domain/money';

describe('money', () => {
  it('accepts ISO 4217 style codes only', () => {
    expect(isCurrencyCode('EUR')).toBe(true);
    for (const bad of ['eur', 'EU', 'EURO', 'E1R', '']) expect(isCurrencyCode(bad)).toBe(false);
  });

  it('accepts positive whole minor amounts up to the maximum', () => {
    expect(isMinorAmount(1)).toBe(true);
    expect(isMinorAmount(MAX_AMOUNT_MINOR)).toBe(true);
    for (const bad of [0, -1, 1.5, MAX_AMOUNT_MINOR + 1, Number.NaN, Number.MAX_SAFE_INTEGER + 2]) {
      expect(isMinorAmount(bad)).toBe(false);
    }
  });
});
