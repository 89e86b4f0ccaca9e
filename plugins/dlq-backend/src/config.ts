import { RootConfigService } from '@backstage/backend-plugin-api';
import { MaskerOptions } from '@internal/backend-helpers';
import { z } from 'zod';

export const DEFAULT_QUEUES = [
  'critical',
  'high',
  'default',
  'low',
  'scheduled',
];
/** Dramatiq's default dead_message_ttl: 7 days. */
export const DEFAULT_DEAD_MESSAGE_TTL_MS = 7 * 24 * 3600 * 1000;

export interface LinkTemplate {
  title: string;
  urlTemplate: string;
}

export interface DeadLettersConfig {
  /** Unset: the plugin runs, and its routes say dead letters are not configured. */
  redis?: {
    url: string;
    connectTimeoutMs: number;
    commandTimeoutMs: number;
  };
  namespace: string;
  queues: string[];
  deadMessageTtlMs: number;
  links: LinkTemplate[];
  /** Added to the built-in masking rules (which cannot be turned off). */
  masking: Required<MaskerOptions>;
  /** How much one listing may read (see DramatiqDeadLetters.list). */
  listing: { scanBudget: number; countBudget: number };
  /** Pace of bulk replays and discards, in dead letters per second. */
  bulk: { defaultRatePerSecond: number; maxRatePerSecond: number };
}

const timeout = z
  .number({ error: 'expected a number of milliseconds' })
  .int('expected a whole number of milliseconds')
  .positive('expected a positive number of milliseconds')
  .default(2000);

const redisUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Not the value: it may hold a password.
    ctx.addIssue({ code: 'custom', message: 'not a valid URL' });
    return;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    ctx.addIssue({
      code: 'custom',
      message: `expected redis:// or rediss://, not ${url.protocol}`,
    });
  } else if (!url.hostname) {
    ctx.addIssue({ code: 'custom', message: 'the URL names no host' });
  } else if (url.pathname.length > 1 && !/^\/\d+$/.test(url.pathname)) {
    ctx.addIssue({
      code: 'custom',
      message: 'the path, if any, must be a database number (/3)',
    });
  }
});

const linkTemplate = z.strictObject({
  title: z.string().trim().min(1, 'give the link a title'),
  urlTemplate: z.string().superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value.replace(/\{(messageId|actor|queue)\}/g, 'x'));
    } catch {
      ctx.addIssue({ code: 'custom', message: `not a URL: ${value}` });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({
        code: 'custom',
        message: `only http(s) links are allowed, not ${url.protocol}`,
      });
    }
  }),
});

const maskPattern = z
  .strictObject({
    name: z.string().trim().min(1, 'name the pattern'),
    regex: z.string().min(1).max(500, 'keep the regex under 500 characters'),
    keepStart: z.number().int().min(0).max(8).default(0),
    keepEnd: z.number().int().min(0).max(8).default(0),
  })
  .transform((p, ctx) => {
    let pattern: RegExp;
    try {
      pattern = new RegExp(p.regex, 'g');
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `not a regular expression: ${(error as Error).message}`,
      });
      return z.NEVER;
    }
    if (pattern.test('')) {
      // It would "mask" between every two characters.
      ctx.addIssue({ code: 'custom', message: 'matches the empty string' });
      return z.NEVER;
    }
    return {
      name: p.name,
      pattern,
      keepStart: p.keepStart,
      keepEnd: p.keepEnd,
    };
  });

const schema = z.strictObject({
  redis: z
    .strictObject({
      // An empty URL (an unset environment variable) is "not configured".
      url: z.preprocess(v => (v === '' ? undefined : v), redisUrl.optional()),
      connectTimeoutMs: timeout,
      commandTimeoutMs: timeout,
    })
    .optional(),
  dramatiq: z
    .strictObject({
      namespace: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - only')
        .default('dramatiq'),
      queues: z
        .array(
          z
            .string()
            .regex(
              /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/,
              'a queue name (letters, digits, _ -)',
            ),
        )
        .min(1, 'name at least one queue')
        .default(DEFAULT_QUEUES),
      deadMessageTtlMs: z
        .number()
        .int()
        .positive('expected a positive number of milliseconds')
        .default(DEFAULT_DEAD_MESSAGE_TTL_MS),
    })
    .default({
      namespace: 'dramatiq',
      queues: DEFAULT_QUEUES,
      deadMessageTtlMs: DEFAULT_DEAD_MESSAGE_TTL_MS,
    }),
  links: z.array(linkTemplate).default([]),
  bulk: z
    .strictObject({
      defaultRatePerSecond: z.number().int().min(1).max(10_000).default(50),
      maxRatePerSecond: z.number().int().min(1).max(10_000).default(500),
    })
    .refine(
      b => b.defaultRatePerSecond <= b.maxRatePerSecond,
      'defaultRatePerSecond is more than maxRatePerSecond',
    )
    .default({ defaultRatePerSecond: 50, maxRatePerSecond: 500 }),
  listing: z
    .strictObject({
      scanBudget: z.number().int().min(100).max(1_000_000).default(20_000),
      countBudget: z.number().int().min(100).max(10_000_000).default(100_000),
    })
    .default({ scanBudget: 20_000, countBudget: 100_000 }),
  masking: z
    .strictObject({
      sensitiveKeys: z
        .array(
          z
            .string()
            .regex(
              /^[A-Za-z][A-Za-z0-9_-]{0,63}$/,
              'a key name such as api_key',
            ),
        )
        .default([]),
      patterns: z.array(maskPattern).default([]),
    })
    .default({ sensitiveKeys: [], patterns: [] }),
});

/**
 * Reads and checks `deadLetters` at start-up: a mistake stops the backend
 * with the key named, rather than surfacing as 500s later.
 */
export function readDeadLettersConfig(
  config: RootConfigService,
): DeadLettersConfig {
  const raw = config.getOptional('deadLetters') ?? {};
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = ['deadLetters', ...issue.path.map(String)].join('.');
    throw new Error(`Invalid config ${key}: ${issue.message}`);
  }
  const { redis, dramatiq, links, masking, listing, bulk } = parsed.data;
  return {
    redis: redis?.url
      ? {
          url: redis.url,
          connectTimeoutMs: redis.connectTimeoutMs,
          commandTimeoutMs: redis.commandTimeoutMs,
        }
      : undefined,
    namespace: dramatiq.namespace,
    queues: [...new Set(dramatiq.queues)],
    deadMessageTtlMs: dramatiq.deadMessageTtlMs,
    links,
    masking,
    listing,
    bulk,
  };
}

/** The URL without its password, for logs. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable URL)';
  }
}
