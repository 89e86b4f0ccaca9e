import { Masker, REDACTED } from './Masker';

const masker = new Masker();

describe('Masker: text', () => {
  it.each([
    [
      'a card number',
      'pan 4111111111111111 declined',
      'pan 411111******1111 declined',
    ],
    [
      'a card number with spaces',
      'card 5555 5555 5555 4444.',
      'card 555555******4444.',
    ],
    ['a card number with dashes', '6011-1111-1111-1117', '601111******1117'],
    ['a 19-digit card number', '4111111111111111110', '411111*********1110'],
    [
      'an IBAN, compact',
      'to FR7630006000011234567890189 now',
      'to FR76****0189 now',
    ],
    [
      'an IBAN in groups',
      'iban: DE89 3704 0044 0532 0130 00 EUR',
      'iban: DE89****3000 EUR',
    ],
    [
      'an e-mail address',
      'mail jane.doe+gift@example.co.uk failed',
      'mail j***@example.co.uk failed',
    ],
    [
      'an international phone number',
      'sms +33 6 12 34 56 78 refused',
      'sms +** * ** ** ** 78 refused',
    ],
    [
      'a compact international phone number',
      'to +4915112345678',
      'to +***********78',
    ],
    [
      'a French national phone number',
      'call 06.12.34.56.78',
      'call **.**.**.**.78',
    ],
  ])('masks %s', (_, text, masked) => {
    expect(masker.maskText(text)).toBe(masked);
  });

  it.each([
    ['an order number failing Luhn', 'order 4111111111111112'],
    [
      'an IBAN-shaped string with wrong check digits',
      'FR0030006000011234567890189',
    ],
    ['a date and a time', '2026-12-06 07:12:11'],
    ['a traceback line', 'File "/app/ledger/tasks.py", line 42, in settle'],
    ['a Unix time in ms', '{"at": 1718035200001}'],
    ['an exception named after a token', 'TokenError: expired'],
    ['an amount', 'amount=1234567.89'],
  ])('leaves %s alone', (_, text) => {
    expect(masker.maskText(text)).toBe(text);
  });

  it('replaces secrets written as key=value, key: value and Python reprs', () => {
    expect(
      masker.maskText(
        `Authorization: Bearer eyJhbGciOi.abc\nurl?api_key=abc123&x=1\n{'password': 'hunter2', 'user': 'bob'}\naccessToken="t0k"`,
      ),
    ).toBe(
      `Authorization: ${REDACTED}\nurl?api_key=${REDACTED}&x=1\n{'password': '${REDACTED}', 'user': 'bob'}\naccessToken="${REDACTED}"`,
    );
  });

  it('applies patterns from config, keeping their ends', () => {
    const custom = new Masker({
      patterns: [
        {
          name: 'gift card code',
          pattern: /GC-[A-Z0-9]{8}/,
          keepStart: 3,
          keepEnd: 2,
        },
      ],
      sensitiveKeys: ['voucherSecretCode', 'otp'],
    });
    expect(custom.maskText('code GC-AB12CD34 and gc-ab12cd34')).toBe(
      'code GC-******34 and gc-ab12cd34',
    );
    expect(
      custom.maskValue({ otp: '123456', voucher_secret_code: 'x' }),
    ).toEqual({
      otp: REDACTED,
      voucher_secret_code: REDACTED,
    });
    // The built-in keys stay.
    expect(custom.maskValue({ password: 'p' })).toEqual({ password: REDACTED });
  });
});

describe('Masker: values', () => {
  const payload = {
    card: { pan: 4111111111111111, cvv: '123', holder: 'jane@example.com' },
    iban: 'FR7630006000011234567890189',
    nested:
      '{"phone": "+33612345678", "token": "abc", "note": "pan 5555555555554444"}',
    list: ['4111 1111 1111 1111', 42, null, true],
    headers: { 'X-Api-Key': 'k', Authorization: 'Basic Zm9v' },
  };

  it('masks at every depth, JSON in strings included, and leaves the original whole', () => {
    const before = JSON.stringify(payload);
    expect(masker.maskValue(payload)).toEqual({
      card: {
        pan: '411111******1111',
        cvv: REDACTED,
        holder: 'j***@example.com',
      },
      iban: 'FR76****0189',
      nested: JSON.stringify({
        phone: '+*********78',
        token: REDACTED,
        note: 'pan 555555******4444',
      }),
      list: ['411111******1111', 42, null, true],
      headers: { 'X-Api-Key': REDACTED, Authorization: REDACTED },
    });
    expect(JSON.stringify(payload)).toBe(before);
  });

  it('revealed: everything but card numbers and security codes', () => {
    expect(masker.maskValue(payload, 'revealed')).toEqual({
      ...payload,
      card: {
        pan: '411111******1111',
        cvv: REDACTED,
        holder: 'jane@example.com',
      },
      nested: JSON.stringify({
        phone: '+33612345678',
        token: 'abc',
        note: 'pan 555555******4444',
      }),
      list: ['411111******1111', 42, null, true],
    });
    expect(
      masker.maskText(
        'cvv=123 pan 4111111111111111 jane@example.com',
        'revealed',
      ),
    ).toBe(`cvv=${REDACTED} pan 411111******1111 jane@example.com`);
  });

  it('survives values nested deeper than any payload', () => {
    let deep: unknown = { pan: '4111111111111111' };
    for (let i = 0; i < 100; i++) deep = { next: deep };
    expect(JSON.stringify(masker.maskValue(deep))).not.toContain(
      '4111111111111111',
    );
  });
});
