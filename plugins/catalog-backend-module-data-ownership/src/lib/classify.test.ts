import { classifyColumnName, countCardSamples, nameWords } from './classify';

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

describe('card data by value', () => {
  it('counts the sampled values that hold a card number', () => {
    expect(
      countCardSamples([
        '4111111111111111',
        null,
        'order 4111111111111112',
        '{"pans": ["5555555555554444", "378282246310005"]}',
        '',
        '+4915112345678',
        '5555 5555 5555 4444',
      ]),
    ).toBe(3);
    expect(countCardSamples([null, null])).toBe(0);
    expect(countCardSamples([])).toBe(0);
  });
});
