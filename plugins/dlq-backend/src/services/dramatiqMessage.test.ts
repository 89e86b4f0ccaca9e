import {
  belongsTo,
  parseStoredMessage,
  renderLinks,
  replayedMessage,
  toDeadLetter,
} from './dramatiqMessage';

const message = {
  queue_name: 'high.DQ',
  actor_name: 'wallet.publish_balance_updated',
  args: ['w-1'],
  kwargs: { version: 41 },
  options: {
    redis_message_id: 'old-id',
    retries: 20,
    traceback: 'Traceback ...\nKafkaTimeoutError',
    eta: 1764000000000,
    max_retries: 20,
  },
  message_id: 'm-1',
  message_timestamp: 1764000000000,
  // A field a newer Dramatiq might add.
  group_id: 'g-1',
};

describe('parseStoredMessage', () => {
  it('reads a Dramatiq message, keeping fields it does not know', () => {
    const parsed = parseStoredMessage(JSON.stringify(message), 'h');
    expect(parsed).toEqual({ message });
  });

  it.each([
    [null, /^the message is missing from dramatiq:high\.XQ\.msgs$/],
    ['{"queue_name": "hi', /^not JSON \(/],
    ['[]', /^not a Dramatiq message \(Invalid input: expected object/],
    [
      JSON.stringify({ ...message, args: 'w-1' }),
      /^not a Dramatiq message \(args: Invalid input: expected array, received string\)$/,
    ],
    [
      JSON.stringify({ ...message, options: { retries: -1 } }),
      /^not a Dramatiq message \(options\.retries: /,
    ],
  ])('says why %s is unreadable', (raw, why) => {
    expect(parseStoredMessage(raw, 'dramatiq:high.XQ.msgs')).toEqual({
      unreadable: expect.stringMatching(why),
    });
  });
});

describe('belongsTo', () => {
  it('matches the actor prefix, and keeps unreadable entries for the platform view', () => {
    const ledger = { broker: 'dramatiq' as const, actorPrefix: 'ledger.' };
    const all = { broker: 'dramatiq' as const };
    expect(belongsTo(ledger, 'ledger.rollback')).toBe(true);
    expect(belongsTo(ledger, 'ledgerx.rollback')).toBe(false);
    expect(belongsTo(ledger, undefined)).toBe(false);
    expect(belongsTo(all, undefined)).toBe(true);
  });
});

describe('renderLinks', () => {
  it('URL-encodes the values, and leaves out a link whose value is unknown', () => {
    const templates = [
      { title: 'Sentry', urlTemplate: 'https://s.example/?q={messageId}' },
      { title: 'Loki', urlTemplate: 'https://g.example/{queue}?a={actor}' },
    ];
    expect(
      renderLinks(templates, {
        messageId: 'a b&c',
        actor: 'ledger.x/y',
        queue: 'high',
      }),
    ).toEqual([
      { title: 'Sentry', url: 'https://s.example/?q=a%20b%26c' },
      { title: 'Loki', url: 'https://g.example/high?a=ledger.x%2Fy' },
    ]);
    expect(renderLinks(templates, { queue: 'high' })).toEqual([]);
  });
});

describe('toDeadLetter', () => {
  it('dates the expiry from the dead-letter time and the TTL', () => {
    const letter = toDeadLetter({
      queue: 'high',
      key: 'old-id',
      score: Date.UTC(2026, 10, 25, 12),
      stored: parseStoredMessage(JSON.stringify(message), 'h'),
      deadMessageTtlMs: 604_800_000,
      links: [],
    });
    expect(letter.deadLetteredAt).toBe('2026-11-25T12:00:00.000Z');
    expect(letter.expiresAt).toBe('2026-12-02T12:00:00.000Z');
    expect(letter.retries).toBe(20);
  });
});

describe('replayedMessage', () => {
  it('keeps the message_id and everything else, resets retries, drops the eta', () => {
    const replayed = JSON.parse(
      replayedMessage(JSON.stringify(message), 'high', 'new-id'),
    );
    const { eta: _eta, ...options } = message.options;
    expect(replayed).toEqual({
      ...message,
      queue_name: 'high',
      options: { ...options, retries: 0, redis_message_id: 'new-id' },
    });
  });
});
