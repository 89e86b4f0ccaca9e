/**
 * Card numbers (PANs) in free text: where they are, so that the data
 * ownership provider can flag a column and the dead-letter plugin can mask
 * a payload with the same rules (PCI-DSS: a PAN is never shown whole).
 */

/** Luhn checksum of a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Runs of digits with at most one space or dash between two digits: the
 * places a card number can be written, as `4111111111111111`,
 * `4111 1111 1111 1111` or `6011-1111-1111-1117`. A run is taken whole,
 * so it is always delimited by non-digits.
 */
const DIGIT_RUNS = /\d+(?:[ -]\d+)*/g;

/**
 * Is this string of 12 to 19 digits a card number (PAN)? Luhn-valid, and
 * not what a card number never is: one digit repeated (`0000…`, `8888…`),
 * a leading 0 (no card network issues them; zero-padded ids have them), or
 * a leading 1 with any length but 15 (only UATP airline cards start with 1,
 * with 15 digits; Unix times in ms, µs and ns have 13, 16 and 19 digits
 * and start with 1 until 2286).
 */
function isPan(digits: string): boolean {
  if (digits.length < 12 || digits.length > 19) return false;
  if (/^(\d)\1*$/.test(digits)) return false;
  if (digits[0] === '0') return false;
  if (digits[0] === '1' && digits.length !== 15) return false;
  return luhnValid(digits);
}

/**
 * Is this whole run of digit groups one card number? Either one group, or
 * groups of 3 to 6 digits (`5555 5555 5555 4444`, `3782 822463 10005`):
 * digits in twos (`61 23 45 67 89 01 25`) are not written card numbers.
 */
function runIsPan(run: string): boolean {
  const groups = run.split(/[ -]/);
  if (groups.length > 1 && groups.some(g => g.length < 3 || g.length > 6)) {
    return false;
  }
  return isPan(groups.join(''));
}

/** Where a card number is in a text: `text.slice(start, end)`. */
export type Span = { start: number; end: number };

/**
 * The card numbers of a text: 12 to 19 digits, also written with spaces or
 * dashes, delimited by non-digits, passing Luhn (see `isPan`). A run of
 * digit groups holds one whole (`5555 5555 5555 4444`) or in one of its
 * groups (`4111111111111111 1227`, a PAN and an expiry); a longer number in
 * groups (an IBAN's 23 digits in fours) holds none. Not the digits of a
 * decimal number (`0.1234567890123452`, `4111111111111111.25`: floats in
 * JSON documents) nor of an international phone number (`+4915112345678`).
 */
export function cardNumberSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(DIGIT_RUNS)) {
    const start = match.index!;
    const run = match[0];
    const end = start + run.length;
    const before = text.slice(Math.max(0, start - 2), start);
    const after = text.slice(end, end + 2);
    if (/\d\.$/.test(before)) continue; // fraction of a decimal
    if (/^\.\d/.test(after)) continue; // integer part of a decimal
    if (before.endsWith('+')) continue; // E.164 phone number
    if (runIsPan(run)) {
      spans.push({ start, end });
      continue;
    }
    let offset = start;
    for (const group of run.split(/[ -]/)) {
      if (isPan(group))
        spans.push({ start: offset, end: offset + group.length });
      offset += group.length + 1;
    }
  }
  return spans;
}

/** Does this text hold a card number anywhere (see `cardNumberSpans`)? */
export function containsCardNumber(text: string): boolean {
  return cardNumberSpans(text).length > 0;
}

/** Is this whole value one card number (surrounding spaces aside)? */
export function looksLikePan(value: string): boolean {
  const trimmed = value.trim();
  return /^\d+(?:[ -]\d+)*$/.test(trimmed) && runIsPan(trimmed);
}
