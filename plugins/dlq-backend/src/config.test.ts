import { mockServices } from '@backstage/backend-test-utils';
import { readDeadLettersConfig, redactUrl } from './config';

const read = (deadLetters?: object) =>
  readDeadLettersConfig(
    mockServices.rootConfig({ data: deadLetters ? { deadLetters } : {} }),
  );

describe('readDeadLettersConfig', () => {
  it("uses Dramatiq's defaults", () => {
    expect(
      read({ redis: { url: 'rediss://portal:pw@valkey:6380/0' } }),
    ).toEqual({
      redis: {
        url: 'rediss://portal:pw@valkey:6380/0',
        connectTimeoutMs: 2000,
        commandTimeoutMs: 2000,
      },
      namespace: 'dramatiq',
      queues: ['critical', 'high', 'default', 'low', 'scheduled'],
      deadMessageTtlMs: 604_800_000,
      links: [],
      masking: { sensitiveKeys: [], patterns: [] },
      listing: { scanBudget: 20_000, countBudget: 100_000 },
      bulk: { defaultRatePerSecond: 50, maxRatePerSecond: 500 },
    });
  });

  it('reads masking patterns and keys, and names a bad one', () => {
    const { masking } = read({
      masking: {
        sensitiveKeys: ['otp'],
        patterns: [
          { name: 'gift card code', regex: 'GC-[A-Z0-9]{8}', keepEnd: 2 },
        ],
      },
    });
    expect(masking.sensitiveKeys).toEqual(['otp']);
    expect(masking.patterns[0]).toMatchObject({
      name: 'gift card code',
      keepStart: 0,
      keepEnd: 2,
    });
    expect(masking.patterns[0].pattern.test('GC-AB12CD34')).toBe(true);
    expect(() =>
      read({ masking: { patterns: [{ name: 'x', regex: '(' }] } }),
    ).toThrow(
      /^Invalid config deadLetters\.masking\.patterns\.0: not a regular expression: /,
    );
    expect(() =>
      read({ masking: { patterns: [{ name: 'x', regex: 'a*' }] } }),
    ).toThrow(
      'Invalid config deadLetters.masking.patterns.0: matches the empty string',
    );
    expect(() => read({ masking: { sensitiveKeys: ['a b'] } })).toThrow(
      'Invalid config deadLetters.masking.sensitiveKeys.0: a key name such as api_key',
    );
  });

  it('treats a missing or empty URL (an unset variable) as not configured', () => {
    expect(read().redis).toBeUndefined();
    expect(read({ redis: { url: '' } }).redis).toBeUndefined();
  });

  it('names the key of a mistake without echoing a password', () => {
    expect(() => read({ redis: { url: 'redis://:pw@host:6379/x' } })).toThrow(
      'Invalid config deadLetters.redis.url: the path, if any, must be a database number (/3)',
    );
    expect(() =>
      read({ redis: { url: 'redis://h', connectTimeoutMs: -5 } }),
    ).toThrow(
      'Invalid config deadLetters.redis.connectTimeoutMs: expected a positive number of milliseconds',
    );
    expect(() => read({ dramatiq: { queues: ['high.XQ'] } })).toThrow(
      'Invalid config deadLetters.dramatiq.queues.0: a queue name (letters, digits, _ -)',
    );
    expect(() => read({ colour: 'red' })).toThrow(
      'Invalid config deadLetters: Unrecognized key: "colour"',
    );
  });

  it('accepts http(s) link templates with placeholders', () => {
    const links = [
      {
        title: 'Sentry',
        urlTemplate: 'https://sentry.example/?query=message_id%3A{messageId}',
      },
    ];
    expect(read({ links }).links).toEqual(links);
  });
});

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('rediss://portal:s3cret@valkey.example:6380/3')).toBe(
      'rediss://portal:***@valkey.example:6380/3',
    );
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
