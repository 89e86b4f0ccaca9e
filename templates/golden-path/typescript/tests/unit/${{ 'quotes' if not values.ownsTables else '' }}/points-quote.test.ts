import { describe, expect, it } from 'vitest';
import { MAX_POINTS_PER_QUOTE, quotePoints } from '../../../src/app/domain/quotes/points-quote';

describe('quotePoints', () => {
  it('earns points per major unit at the tier rate, rounded down', () => {
    expect(quotePoints({ amount: 12_345, currency: 'EUR', tier: 'standard' })).toEqual({
      ok: true,
      points: 123,
      capped: false,
      ratePerUnit: 1,
    });
    expect(quotePoints({ amount: 12_345, currency: 'EUR', tier: 'silver' })).toMatchObject({ points: 185 });
    expect(quotePoints({ amount: 12_345, currency: 'EUR', tier: 'gold' })).toMatchObject({ points: 246 });
  });

  it('uses each currency minor unit', () => {
    expect(quotePoints({ amount: 1_000, currency: 'JPY', tier: 'standard' })).toMatchObject({ points: 1_000 });
  });

  it('caps the points of one purchase', () => {
    expect(quotePoints({ amount: 100_000_000_000, currency: 'EUR', tier: 'gold' })).toMatchObject({
      points: MAX_POINTS_PER_QUOTE,
      capped: true,
    });
  });

  it('refuses currencies outside the programme and bad amounts', () => {
    expect(quotePoints({ amount: 100, currency: 'SEK', tier: 'gold' })).toEqual({ ok: false, reason: 'unsupported-currency' });
    expect(quotePoints({ amount: 0, currency: 'EUR', tier: 'gold' })).toEqual({ ok: false, reason: 'invalid-amount' });
    expect(quotePoints({ amount: 1.5, currency: 'EUR', tier: 'gold' })).toEqual({ ok: false, reason: 'invalid-amount' });
  });
});
