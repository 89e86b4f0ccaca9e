import { isCurrencyCode, isMinorAmount } from '../money';

/**
 * A stateless starter endpoint: how many loyalty points a purchase would earn.
 * Replace it with this service's own logic; keep the shape (pure function,
 * typed result, explicit rejections) and its unit tests.
 */
export const TIERS = ['standard', 'silver', 'gold'] as const;
export type Tier = (typeof TIERS)[number];

/** Points per major currency unit, in hundredths (150 = 1.5 points per euro). */
export const EARN_RATE_HUNDREDTHS: Record<Tier, number> = { standard: 100, silver: 150, gold: 200 };

/** Minor units per major unit (ISO 4217 exponent) of the currencies accepted. */
export const CURRENCY_EXPONENT: Record<string, number> = { EUR: 2, GBP: 2, CHF: 2, USD: 2, JPY: 0 };

/** A single purchase never earns more than this. */
export const MAX_POINTS_PER_QUOTE = 1_000_000;

export interface PointsQuoteRequest {
  amount: number;
  currency: string;
  tier: Tier;
}

export type PointsQuote =
  | { ok: true; points: number; capped: boolean; ratePerUnit: number }
  | { ok: false; reason: 'invalid-amount' | 'unsupported-currency' };

export function quotePoints(request: PointsQuoteRequest): PointsQuote {
  if (!isMinorAmount(request.amount)) return { ok: false, reason: 'invalid-amount' };
  const exponent = isCurrencyCode(request.currency) ? CURRENCY_EXPONENT[request.currency] : undefined;
  if (exponent === undefined) return { ok: false, reason: 'unsupported-currency' };

  const rate = EARN_RATE_HUNDREDTHS[request.tier];
  // Integer arithmetic only: points are rounded down to whole points.
  const uncapped = Math.floor((request.amount * rate) / (100 * 10 ** exponent));
  const points = Math.min(uncapped, MAX_POINTS_PER_QUOTE);
  return { ok: true, points, capped: uncapped > MAX_POINTS_PER_QUOTE, ratePerUnit: rate / 100 };
}
