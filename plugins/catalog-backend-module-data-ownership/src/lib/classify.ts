import { ColumnFlag } from '@internal/plugin-data-ownership-common';

/** Words that name personal data (GDPR) when they are a whole word of a column name. */
const PERSONAL_WORDS = new Set([
  'email',
  'emailaddress',
  'phone',
  'phonenumber',
  'msisdn',
  'telephone',
  'surname',
  'firstname',
  'lastname',
  'fullname',
  'dob',
  'birthdate',
  'birthday',
  'address',
  'street',
  'postcode',
  'zipcode',
  'iban',
  'ssn',
  'passport',
]);
/** Word sequences that name personal data, matched across word boundaries. */
const PERSONAL_SEQUENCES = [
  'e_mail',
  'first_name',
  'last_name',
  'full_name',
  'given_name',
  'family_name',
  'middle_name',
  'maiden_name',
  'birth_date',
  'date_of_birth',
  'postal_code',
  'zip_code',
  'phone_number',
  'mobile_number',
  'mobile_phone',
  'ip_address',
  'national_id',
  'tax_id',
];
/** Words that name card data (PCI-DSS): the PAN and the security code. */
const CARD_WORDS = new Set([
  'pan',
  'cvv',
  'cvv2',
  'cvc',
  'cvc2',
  'creditcard',
  'cardnumber',
]);
const CARD_SEQUENCES = [
  'card_number',
  'card_no',
  'card_num',
  'cc_number',
  'cc_num',
  'credit_card',
  'debit_card',
  'primary_account_number',
  'card_holder',
  'cardholder',
  'card_expiry',
  'card_verification',
];

/** The words of a column name: snake_case, kebab-case and camelCase alike. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLocaleLowerCase('en-US')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function matches(
  words: string[],
  single: Set<string>,
  sequences: string[],
): string | undefined {
  const hit = words.find(w => single.has(w));
  if (hit) return hit;
  const joined = `_${words.join('_')}_`;
  return sequences.find(s => joined.includes(`_${s}_`));
}

export type ColumnVerdict = { flags: ColumnFlag[]; reasons: string[] };

/**
 * Flags a column by its name and comment. Names are split into words, so
 * `company` is not a PAN and `contactEmail` is an e-mail address. A column
 * comment may also say `personal-data` or `card-data` outright.
 */
export function classifyColumnName(
  name: string,
  comment?: string | null,
): ColumnVerdict {
  const flags = new Set<ColumnFlag>();
  const reasons: string[] = [];
  const words = nameWords(name);
  const personal = matches(words, PERSONAL_WORDS, PERSONAL_SEQUENCES);
  if (personal) {
    flags.add('personal-data');
    reasons.push(`name: ${personal}`);
  }
  const card = matches(words, CARD_WORDS, CARD_SEQUENCES);
  if (card) {
    flags.add('card-data');
    reasons.push(`name: ${card}`);
  }
  const said = (comment ?? '').toLocaleLowerCase('en-US');
  for (const flag of ['personal-data', 'card-data'] as const) {
    if (said.includes(flag) && !flags.has(flag)) {
      flags.add(flag);
      reasons.push(`comment: ${flag}`);
    }
  }
  return { flags: [...flags], reasons };
}

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

/**
 * The card numbers a run of digit groups can hold: the whole run, or any
 * one group (`4111111111111111 1227`, a PAN and an expiry). A longer
 * number in groups (an IBAN's 23 digits in fours) holds none.
 */
function runHoldsPan(run: string): boolean {
  return runIsPan(run) || run.split(/[ -]/).some(isPan);
}

/**
 * Does this text hold a card number: 12 to 19 digits, also written with
 * spaces or dashes, delimited by non-digits, passing Luhn (see `isPan`)?
 * Anywhere in the text: a whole value, a JSON document, an array, a note.
 * Not the digits of a decimal number (`0.1234567890123452`,
 * `4111111111111111.25`: floats in JSON documents) nor of an international
 * phone number (`+4915112345678`).
 */
export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(DIGIT_RUNS)) {
    const start = match.index!;
    const end = start + match[0].length;
    const before = text.slice(Math.max(0, start - 2), start);
    const after = text.slice(end, end + 2);
    if (/\d\.$/.test(before)) continue; // fraction of a decimal
    if (/^\.\d/.test(after)) continue; // integer part of a decimal
    if (before.endsWith('+')) continue; // E.164 phone number
    if (runHoldsPan(match[0])) return true;
  }
  return false;
}

/** Is this whole value one card number (surrounding spaces aside)? */
export function looksLikePan(value: string): boolean {
  const trimmed = value.trim();
  return /^\d+(?:[ -]\d+)*$/.test(trimmed) && runIsPan(trimmed);
}

/**
 * Card data by value: how many sampled values hold at least one card
 * number (a document listing several counts once). One random 16-digit id
 * passes Luhn one time in ten, so the caller decides how many make a
 * column card data (`minCardSamples`). Only the count leaves this
 * function, never a value.
 */
export function countCardSamples(values: Array<string | null>): number {
  return values.filter(
    v => typeof v === 'string' && v.length > 0 && containsCardNumber(v),
  ).length;
}
