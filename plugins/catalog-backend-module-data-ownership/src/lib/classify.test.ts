import {
  classifyColumnName,
  looksLikePan,
  luhnValid,
  nameWords,
  samplesLookLikePans,
} from './classify';

describe('column names', () => {
  it('splits snake, kebab and camel case into words', () => {
    expect(nameWords('contactEmail')).toEqual(['contact', 'email']);
    expect(nameWords('date_of-birth')).toEqual(['date', 'of', 'birth']);
  });

  it.each([
    ['email'],
    ['contact_email'],
    ['contactEmail'],
    ['phone_number'],
    ['first_name'],
    ['lastName'],
    ['full_name'],
    ['birth_date'],
    ['date_of_birth'],
    ['dob'],
    ['street_address'],
    ['postal_code'],
    ['iban'],
    ['ip_address'],
  ])('%s is personal data', name => {
    expect(classifyColumnName(name).flags).toEqual(['personal-data']);
  });

  it.each([
    ['pan'],
    ['card_number'],
    ['cardNumber'],
    ['cc_number'],
    ['cvv'],
    ['cardholder_name'],
  ])('%s is card data', name => {
    expect(classifyColumnName(name).flags).toContain('card-data');
  });

  it.each([
    ['company'],
    ['pantry_id'],
    ['display_name'],
    ['legal_name'],
    ['mailbox_size'],
    ['expires_at'],
    ['wallet_id'],
    ['span'],
  ])('%s is neither', name => {
    expect(classifyColumnName(name).flags).toEqual([]);
  });

  it('says why a flag was set', () => {
    expect(classifyColumnName('contact_email').reasons).toEqual([
      'name: email',
    ]);
  });

  it('takes a flag from the column comment', () => {
    expect(
      classifyColumnName('notes', 'free text, may hold personal-data'),
    ).toEqual({
      flags: ['personal-data'],
      reasons: ['comment: personal-data'],
    });
  });
});

describe('card numbers by value', () => {
  it('checks the Luhn sum', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('79927398713')).toBe(true);
  });

  it('wants 13 to 19 digits, spaces and dashes allowed', () => {
    expect(looksLikePan('5555 5555 5555 4444')).toBe(true);
    expect(looksLikePan('6011-1111-1111-1117')).toBe(true);
    expect(looksLikePan('378282246310005')).toBe(true);
    expect(looksLikePan('79927398713')).toBe(false); // Luhn, but 11 digits
    expect(looksLikePan('4111111111111111x')).toBe(false);
    expect(looksLikePan('')).toBe(false);
  });

  it('flags a column only when every sampled value looks like a PAN', () => {
    expect(
      samplesLookLikePans(['4111111111111111', null, '5555555555554444']),
    ).toBe(true);
    expect(samplesLookLikePans(['4111111111111111', '4111111111111112'])).toBe(
      false,
    );
    expect(samplesLookLikePans([null, null])).toBe(false);
    expect(samplesLookLikePans([])).toBe(false);
  });
});
