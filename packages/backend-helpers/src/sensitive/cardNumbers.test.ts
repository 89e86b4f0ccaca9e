import {
  cardNumberSpans,
  containsCardNumber,
  looksLikePan,
  luhnValid,
} from './cardNumbers';

describe('card numbers by value', () => {
  it('checks the Luhn sum', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('79927398713')).toBe(true);
  });

  it('wants 12 to 19 digits, spaces and dashes allowed', () => {
    expect(looksLikePan('5555 5555 5555 4444')).toBe(true);
    expect(looksLikePan('6011-1111-1111-1117')).toBe(true);
    expect(looksLikePan('378282246310005')).toBe(true);
    expect(looksLikePan('3782 822463 10005')).toBe(true); // Amex layout
    expect(looksLikePan('501800000009')).toBe(true); // 12 digits (Maestro)
    expect(looksLikePan('4111111111111111110')).toBe(true); // 19 digits
    expect(looksLikePan('79927398713')).toBe(false); // Luhn, but 11 digits
    expect(looksLikePan('41111111111111111115')).toBe(false); // Luhn, but 20 digits
    expect(looksLikePan('4111111111111111x')).toBe(false);
    expect(looksLikePan('')).toBe(false);
  });

  it.each([
    [
      'a PAN inside a JSON document',
      '{"payment":{"pan":"4111111111111111","exp":"12/27"}}',
    ],
    ['a PAN as a JSON number', '{"card": 5555555555554444, "amount": 20}'],
    ['a PAN in prose', 'customer read out 5555 5555 5555 4444 over the phone'],
    ['a PAN with dashes in prose', 'card=6011-1111-1111-1117;'],
    ['a PAN followed by an expiry', 'pan 4111111111111111 1227'],
    ['a PAN glued to letters', 'REF4111111111111111X'],
    ['a PAN in a PostgreSQL array', '{gc_1,378282246310005}'],
    ['a PAN ending a sentence', 'It was 4111111111111111.'],
    ['a PAN after a negative sign', '{"n": -4111111111111111}'],
  ])('finds %s', (_, text) => {
    expect(containsCardNumber(text)).toBe(true);
  });

  it.each([
    ['16 digits failing Luhn (an order number)', 'order 4111111111111112'],
    ['a Luhn-valid run of 20 digits', 'id 41111111111111111115'],
    ['a Luhn-valid run of 11 digits', 'ref 79927398713'],
    [
      'a run longer than 19 digits once its groups are joined',
      'FR76 3000 6000 0112 3456 7890 189',
    ],
    ['a PAN inside a longer digit run', 'n 994111111111111111999'],
    ['one digit repeated', '8888888888888888 and 0000000000000000'],
    ['a zero-padded id', 'gc-000000000042'],
    [
      'a UUID with a numeric last group',
      '00000000-0000-0000-0000-000000000042',
    ],
    ['a Unix time in milliseconds', '{"at": 1718035200001}'],
    ['a Unix time in microseconds', '{"at": 1718035200000005}'],
    ['an international phone number', '{"phone": "+4915112345678"}'],
    ['Luhn-valid digits in groups of two', '61 23 45 67 89 01 25'],
    ['the digits of a decimal fraction', '{"ratio": 0.1234567890123452}'],
    ['the integer part of a decimal', '4111111111111111.25'],
    ['a Luhn-valid 13-digit run starting with 1', 'n 1234567890128'],
    ['nothing', ''],
  ])('does not take %s for a card number', (_, text) => {
    expect(containsCardNumber(text)).toBe(false);
  });

  it('keeps UATP airline cards (15 digits starting with 1)', () => {
    expect(containsCardNumber('uatp 123456789012347')).toBe(true);
  });

  it('says where each card number is', () => {
    const text = 'pan 4111111111111111 1227, then 5555 5555 5555 4444.';
    expect(cardNumberSpans(text).map(s => text.slice(s.start, s.end))).toEqual([
      '4111111111111111',
      '5555 5555 5555 4444',
    ]);
  });
});
