import { z } from 'zod';

/** What this service is, fixed when the repository was generated. */
export const SERVICE = {
  name: ${{ values.name | dump }},
  /** p99 latency objective; the latency SLI counts requests slower than this. */
  latencyObjectiveSeconds: ${{ values.sloLatencyP99Ms | dump }} / 1000,
  /** Availability objective, in percent of non-5xx responses. */
  availabilityObjectivePercent: ${{ values.sloAvailability | dump }},
{%- if values.publishesEvents %}
  /** Kafka topic the outbox relay publishes to. */
  eventTopic: ${{ values.eventTopic | dump }},
{%- endif %}
{%- if values.ownsTables %}
  /** Its own PostgreSQL schema, where every table it owns lives. */
  databaseSchema: ${{ values.databaseSchema | dump }},
{%- endif %}
} as const;

{%- if values.ownsTables %}
const databaseUrl = z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// connection string');

{% endif -%}
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Settings come from the environment only: secrets (DATABASE_URL, REDIS_URL)
 * from the ExternalSecret `<name>-secrets`, the rest from the ConfigMap
 * `<name>-config`. A bad value stops the process at
 * start-up with a message naming the variable, instead of failing later.
 */
const envSchema = z.object({
  // 0 picks a free port (tests).
  /** The API (/v1): the port the Service and the gateway's HTTPRoute send traffic to. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Probes, /metrics and /openapi.json: reached by the kubelet and Prometheus only. */
  MANAGEMENT_PORT: z.coerce.number().int().min(0).max(65535).default(9090),
  /** Bearer tokens: the identity provider's issuer URL (the `iss` claim, exactly). */
  AUTH_ISSUER: z.url(),
  /** The `aud` claim tokens for this service carry. */
  AUTH_AUDIENCE: z.string().min(1),
  /** Where the identity provider publishes its signing keys (a JWKS document). */
  AUTH_JWKS_URL: z.url(),
  /** After SIGTERM: how long /readyz fails before the listener closes (endpoints catch up). */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(30_000).default(5_000),
  /**
   * Then: the longest the close steps may take together. The process exits
   * when they are done or this has passed, whatever its dependencies do, so
   * preStop + drain + this stays inside the pod's 30 s grace period.
   */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  /**
   * Which API requests get a "request completed" line: those that failed
   * (4xx, 5xx) or were slower than the latency objective, or all. Metrics
   * and traces count every request; a line per success would cost more
   * CPU than the request itself at the seed's rates.
   */
  LOG_REQUESTS: z.enum(['failed-or-slow', 'all']).default('failed-or-slow'),
  SERVICE_NAME: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes')
    .default(SERVICE.name),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
{%- if values.ownsTables %}
  DATABASE_URL: databaseUrl.optional(),
  /**
   * A file holding the URL instead (the mounted Secret in Kubernetes), read
   * again for each new connection: the credentials in it rotate.
   */
  DATABASE_URL_FILE: z.string().min(1).optional(),
  /** Connections per pod; PgBouncer in front of Aiven PostgreSQL pools the rest. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
{%- endif %}
{%- if values.runsJobs %}
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL'),
  /**
   * A prefix for every Redis key, to share one Redis between developers or
   * test runs. Never in production: the portal's dead-letter view and the
   * alerts read the unprefixed keys.
   */
  REDIS_NAMESPACE: z.string().regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and dashes').optional(),
{%- endif %}
{%- if values.publishesEvents %}
  /** Comma-separated host:port list of Kafka bootstrap brokers. */
  KAFKA_BROKERS: z
    .string()
    .transform(s => s.split(',').map(b => b.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'host:port')).min(1)),
  /** TLS to the brokers (Aiven Kafka requires it). */
  KAFKA_SSL: z
    .enum(['true', 'false'])
    .default('false')
    .transform(v => v === 'true'),
  /** Optional SASL/SCRAM credentials, when the cluster uses them instead of client certificates. */
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
{%- endif %}
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

/** The service's configuration (`node dist/main.js`). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config = parseEnv(envSchema, env);
  if (config.PORT !== 0 && config.PORT === config.MANAGEMENT_PORT) {
    throw new ConfigError('Invalid configuration: PORT and MANAGEMENT_PORT must differ (the gateway reaches PORT only)');
  }
{%- if values.ownsTables %}
  if (Boolean(config.DATABASE_URL) === Boolean(config.DATABASE_URL_FILE)) {
    throw new ConfigError(
      config.DATABASE_URL
        ? 'Invalid configuration: DATABASE_URL and DATABASE_URL_FILE are both set; keep one'
        : 'Invalid configuration: DATABASE_URL or DATABASE_URL_FILE is required',
    );
  }
{%- endif %}
{%- if values.publishesEvents %}
  if (Boolean(config.KAFKA_SASL_USERNAME) !== Boolean(config.KAFKA_SASL_PASSWORD)) {
    throw new ConfigError('Invalid configuration: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD go together');
  }
{%- endif %}
  return config;
}
{%- if values.ownsTables %}

const migrationEnvSchema = envSchema
  .pick({ LOG_LEVEL: true, SERVICE_NAME: true })
  .extend({
    DATABASE_URL: databaseUrl,
    /**
     * Migrations are not API requests: a statement may run for minutes (an
     * index on a large table), and waiting for another migration run's lock
     * is normal. This bounds a runaway one (the Job's deadline is 10 minutes).
     */
    MIGRATION_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(9 * 60_000),
    /**
     * How long one statement may wait for a table lock. Short: DDL queued
     * behind a long transaction would block every query on that table
     * behind it. The Job fails with a clear message and is retried.
     */
    MIGRATION_LOCK_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  });
export type MigrationConfig = z.infer<typeof migrationEnvSchema>;

/**
 * What `npm run migrate` needs, and nothing more: the migration Job runs
 * before the rest of the configuration exists, with the table owner's
 * DATABASE_URL only.
 */
export function loadMigrationConfig(env: NodeJS.ProcessEnv = process.env): MigrationConfig {
  return parseEnv(migrationEnvSchema, env);
}
{%- endif %}

function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  // Empty strings (a ConfigMap key with no value) count as unset.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map(issue => `${issue.path.join('.') || 'environment'}: ${issue.message}`)
      .join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}
