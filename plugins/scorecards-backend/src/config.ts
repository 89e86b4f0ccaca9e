import { RootConfigService } from '@backstage/backend-plugin-api';
import { z } from 'zod';

export interface ScorecardsConfig {
  frequencyMinutes: number;
  initialDelaySeconds: number;
  retentionDays: number;
  detailDays: number;
  concurrency: number;
  requestTimeoutMs: number;
  prometheus?: {
    name: string;
    baseUrl: string;
    timeoutMs: number;
    configKey: string;
  };
}

const whole = (what: string) =>
  z
    .number({ error: `expected a number of ${what}` })
    .int(`expected a whole number of ${what}`)
    .positive(`expected a positive number of ${what}`);

/** An http(s) URL; the value is not echoed (it may hold a password). */
const httpUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a valid URL' });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({
      code: 'custom',
      message: `expected http:// or https://, not ${url.protocol}`,
    });
  }
});

const schema = z
  .strictObject({
    frequencyMinutes: whole('minutes').max(1440, 'at most a day').default(30),
    initialDelaySeconds: z
      .number({ error: 'expected a number of seconds' })
      .int('expected a whole number of seconds')
      .min(0, 'expected 0 or more seconds')
      .max(3600, 'at most an hour')
      .default(20),
    retentionDays: whole('days').max(730, 'at most 730 days').default(90),
    detailDays: whole('days').max(90, 'at most 90 days').default(2),
    concurrency: whole('services').max(64, 'at most 64').default(8),
    requestTimeoutMs: whole('milliseconds').max(120_000).default(10_000),
    prometheus: z
      .strictObject({
        name: z
          .string({ error: 'give the server a name, e.g. prod-eu-west-1' })
          .regex(
            /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/,
            'a short name (letters, digits, _ . -), e.g. prod-eu-west-1',
          ),
        baseUrl: httpUrl,
        timeoutMs: whole('milliseconds').default(5000),
      })
      .optional(),
  })
  .refine(c => c.detailDays <= c.retentionDays, {
    path: ['detailDays'],
    message: 'must not exceed retentionDays',
  });

/**
 * Reads and checks `scorecards` at start-up: a mistake stops the backend
 * with the key named, rather than surfacing as failed collections later.
 */
export function readScorecardsConfig(
  config: RootConfigService,
): ScorecardsConfig {
  const parsed = schema.safeParse(config.getOptional('scorecards') ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.reduce<string>(
      (k, p) => (typeof p === 'number' ? `${k}[${p}]` : `${k}.${String(p)}`),
      'scorecards',
    );
    throw new Error(`Invalid config ${key}: ${issue.message}`);
  }
  const { prometheus, ...rest } = parsed.data;
  return {
    ...rest,
    prometheus: prometheus && {
      ...prometheus,
      configKey: 'scorecards.prometheus',
    },
  };
}
