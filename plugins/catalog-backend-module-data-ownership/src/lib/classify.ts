import { containsCardNumber } from '@internal/backend-helpers';
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
