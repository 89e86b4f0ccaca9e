/**
 * Money is always an integer number of the currency's minor unit (cents for
 * EUR): never a float, so sums are exact. The largest amount is far below
 * Number.MAX_SAFE_INTEGER and fits PostgreSQL's bigint.
 */
export const MAX_AMOUNT_MINOR = 100_000_000_000; // one billion in major units

/** ISO 4217 alphabetic code: three upper-case letters. */
export function isCurrencyCode(value: string): boolean {
  return /^[A-Z]{3}$/.test(value);
}

/** A positive whole number of minor units, within MAX_AMOUNT_MINOR. */
export function isMinorAmount(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0 && value <= MAX_AMOUNT_MINOR;
}
