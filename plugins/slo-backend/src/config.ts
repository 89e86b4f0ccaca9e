import { RootConfigService } from '@backstage/backend-plugin-api';
import { z } from 'zod';

/** One Prometheus server of `slo.prometheus`, checked. */
export interface SloPrometheusConfig {
  /** What messages call it: "Prometheus 'prod' did not answer within 5 s". */
  name: string;
  baseUrl: string;
  timeoutMs: number;
  /** Its key, named in the hints of failures: slo.prometheus[0]. */
  configKey: string;
}

export interface SloConfig {
  windowDays: number;
  prometheus: SloPrometheusConfig[];
}

const positiveInt = (what: string) =>
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

const schema = z.strictObject({
  windowDays: positiveInt('days').max(365, 'at most 365 days').default(30),
  prometheus: z
    .array(
      z.strictObject({
        // Shown in messages instead of the address: a short, plain name.
        name: z
          .string({ error: 'give each server a name, e.g. prod-eu-west-1' })
          .regex(
            /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/,
            'a short name (letters, digits, _ . -), e.g. prod-eu-west-1',
          ),
        baseUrl: httpUrl,
        timeoutMs: positiveInt('milliseconds').default(5000),
      }),
    )
    .superRefine((servers, ctx) => {
      const seen = new Set<string>();
      servers.forEach((s, i) => {
        if (seen.has(s.name)) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `'${s.name}' names another server too; names must differ`,
          });
        }
        seen.add(s.name);
      });
    })
    .default([]),
});

/**
 * Reads and checks `slo` at start-up: a mistake stops the backend with the
 * key named, rather than surfacing as 500s later.
 */
export function readSloConfig(config: RootConfigService): SloConfig {
  const parsed = schema.safeParse(config.getOptional('slo') ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.reduce<string>(
      (k, p) => (typeof p === 'number' ? `${k}[${p}]` : `${k}.${String(p)}`),
      'slo',
    );
    throw new Error(`Invalid config ${key}: ${issue.message}`);
  }
  return {
    windowDays: parsed.data.windowDays,
    prometheus: parsed.data.prometheus.map((s, i) => ({
      ...s,
      configKey: `slo.prometheus[${i}]`,
    })),
  };
}
