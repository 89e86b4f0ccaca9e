import { RootConfigService } from '@backstage/backend-plugin-api';
import { DEFAULT_STALE_AFTER_DAYS } from '@internal/plugin-runbooks-common';
import { z } from 'zod';

/** How the runbooks of entities are read from their docs sites. */
export interface RunbookDocsConfig {
  /** Docs sites read at once, whatever the number of requests. */
  concurrency: number;
  /** How long a request waits for one site before answering without it. */
  timeoutMs: number;
  /** After this, known runbooks are served while read again in the background. */
  refreshAfterMs: number;
  /** A site that failed is not read again before this. */
  failureTtlMs: number;
  /** Limits of the in-process cache of runbooks. */
  cache: {
    maxEntries: number;
    maxBytes: number;
    /** Runbooks not read again successfully for this long are dropped. */
    maxAgeMs: number;
  };
}

export interface RunbooksConfig {
  staleAfterDays: number;
  onCallGroup: string;
  prometheus: {
    /** The name messages give it: "Prometheus 'default' did not answer…". */
    name: string;
    /** Unset: the alerts route says how to configure it. */
    baseUrl?: string;
    timeoutMs: number;
  };
  docs: RunbookDocsConfig;
}

export const DEFAULT_PROMETHEUS_NAME = 'default';

export const DEFAULT_DOCS_CONFIG: RunbookDocsConfig = {
  concurrency: 4,
  timeoutMs: 5000,
  refreshAfterMs: 5 * 60_000,
  failureTtlMs: 60_000,
  cache: {
    maxEntries: 5000,
    maxBytes: 16 * 1024 * 1024,
    maxAgeMs: 24 * 3600_000,
  },
};

const positiveInt = (what: string) =>
  z
    .number({ error: `expected a number of ${what}` })
    .int(`expected a whole number of ${what}`)
    .positive(`expected a positive number of ${what}`);
const ms = positiveInt('milliseconds');

/** A name fit for messages: no spaces, quotes or address. */
export const serverName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/,
    'a short name (letters, digits, _ . -), e.g. prod-eu-west-1',
  );

/** An http(s) URL; the value is not echoed (it may hold a password). */
export const httpUrl = z.string().superRefine((value, ctx) => {
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
  staleAfterDays: positiveInt('days').default(DEFAULT_STALE_AFTER_DAYS),
  onCallGroup: z
    .string()
    .regex(
      /^group:[a-z0-9][a-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/i,
      'expected a group reference such as group:default/on-call',
    )
    .default('group:default/on-call'),
  prometheus: z
    .strictObject({
      name: serverName.default(DEFAULT_PROMETHEUS_NAME),
      // An empty URL (an unset environment variable) is "not configured".
      baseUrl: z.preprocess(
        v => (v === '' ? undefined : v),
        httpUrl.optional(),
      ),
      timeoutMs: ms.default(5000),
    })
    .default({ name: DEFAULT_PROMETHEUS_NAME, timeoutMs: 5000 }),
  docs: z
    .strictObject({
      concurrency: positiveInt('sites')
        .max(64, 'at most 64 sites at once')
        .default(DEFAULT_DOCS_CONFIG.concurrency),
      timeoutMs: ms.default(DEFAULT_DOCS_CONFIG.timeoutMs),
      refreshAfterMs: ms.default(DEFAULT_DOCS_CONFIG.refreshAfterMs),
      failureTtlMs: ms.default(DEFAULT_DOCS_CONFIG.failureTtlMs),
      cache: z
        .strictObject({
          maxEntries: positiveInt('entries').default(
            DEFAULT_DOCS_CONFIG.cache.maxEntries,
          ),
          maxBytes: positiveInt('bytes').default(
            DEFAULT_DOCS_CONFIG.cache.maxBytes,
          ),
          maxAgeMs: ms.default(DEFAULT_DOCS_CONFIG.cache.maxAgeMs),
        })
        .default(DEFAULT_DOCS_CONFIG.cache),
    })
    .default(DEFAULT_DOCS_CONFIG),
});

/**
 * Reads and checks `runbooks` at start-up: a mistake stops the backend with
 * the key named, rather than surfacing as 500s later.
 */
export function readRunbooksConfig(config: RootConfigService): RunbooksConfig {
  const parsed = schema.safeParse(config.getOptional('runbooks') ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = ['runbooks', ...issue.path.map(String)].join('.');
    throw new Error(`Invalid config ${key}: ${issue.message}`);
  }
  const { docs } = parsed.data;
  if (docs.refreshAfterMs > docs.cache.maxAgeMs) {
    throw new Error(
      'Invalid config runbooks.docs.refreshAfterMs: must not be longer than runbooks.docs.cache.maxAgeMs',
    );
  }
  return parsed.data;
}
