import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { loadOpenApi } from './api/openapi';
import { buildServer, type Server } from './api/server';
import type { ReadinessCheck } from './api/system-routes';
import type { Config } from './config';
import { createLogger } from './infrastructure/logger';
import { Metrics } from './infrastructure/metrics';
{%- if values.ownsTables %}
import { AccountStore } from './infrastructure/postgres/account-store';
import { databaseConnection } from './infrastructure/postgres/database-url';
import { createPool, pingPostgres, type Pool } from './infrastructure/postgres/pool';
{%- endif %}
{%- if values.publishesEvents %}
import type { EventPublisher } from './infrastructure/outbox/event-publisher';
import { KafkaEventPublisher } from './infrastructure/outbox/kafka-publisher';
import { OutboxRelay } from './infrastructure/outbox/relay';
{%- endif %}
{%- if values.runsJobs %}
import { jobDefinitions } from './infrastructure/jobs/definitions';
import { JobSystem } from './infrastructure/jobs/job-system';
{%- endif %}

export interface AppOptions {
  /** Defaults to JSON logs on stdout at LOG_LEVEL. */
  logger?: Logger;
  /** Listen on this host; all interfaces by default (inside a pod). */
  host?: string;
  /** Pause between failing readiness and closing the listener, so endpoints are updated first. */
  drainDelayMs?: number;
{%- if values.ownsTables or values.runsJobs %}
  /** Whether this process runs the background work ({% if values.publishesEvents %}outbox relay, {% endif %}{% if values.runsJobs %}job workers, {% endif %}{% if values.ownsTables %}idempotency key clean-up{% else %}…{% endif %}). */
  runBackground?: boolean;
{%- endif %}
{%- if values.publishesEvents %}
  /** Where the outbox relay publishes; Kafka by default. */
  publisher?: EventPublisher;
{%- endif %}
{%- if values.runsJobs %}
  /** Prefix of every Redis key (tests use one per run); none in production. */
  redisNamespace?: string;
{%- endif %}
}

export interface App {
  server: Server;
  logger: Logger;
  metrics: Metrics;
{%- if values.ownsTables %}
  pool: Pool;
  accounts: AccountStore;
{%- endif %}
{%- if values.publishesEvents %}
  relay: OutboxRelay;
{%- endif %}
{%- if values.runsJobs %}
  jobs: JobSystem;
{%- endif %}
  /** Listens, starts background work; resolves with the base URL. */
  start(): Promise<string>;
  /** Graceful stop: fail readiness, drain, close the listener, finish background work, close connections. */
  stop(): Promise<void>;
}

/** Wires the service together from its configuration. Nothing runs until start(). */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL, serviceName: config.SERVICE_NAME });
  const metrics = new Metrics({
    onCollectError: (metric, error) => logger.warn({ err: error, metric }, 'metric source unavailable'),
  });
  const readiness: ReadinessCheck[] = [];
{%- if values.ownsTables or values.runsJobs %}
  const runBackground = options.runBackground ?? true;
{%- endif %}
{%- if values.ownsTables %}
  const timers: NodeJS.Timeout[] = [];
{%- endif %}
{%- if values.ownsTables %}

  const pool = createPool({
    connectionString: databaseConnection(config, error =>
      logger.error({ err: error }, 'DATABASE_URL_FILE unreadable: new connections keep the last good URL'),
    ),
    max: config.DATABASE_POOL_MAX,
    applicationName: config.SERVICE_NAME,
    onIdleError: error => logger.warn({ err: error }, 'idle PostgreSQL connection lost'),
  });
  const accounts = new AccountStore(pool);
  readiness.push({ name: 'postgres', check: () => pingPostgres(pool) });
{%- endif %}
{%- if values.publishesEvents %}

  const publisher =
    options.publisher ??
    new KafkaEventPublisher({
      brokers: config.KAFKA_BROKERS,
      topic: ${{ values.eventTopic | dump }},
      clientId: config.SERVICE_NAME,
      ssl: config.KAFKA_SSL,
      sasl:
        config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD
          ? { username: config.KAFKA_SASL_USERNAME, password: config.KAFKA_SASL_PASSWORD }
          : undefined,
      logger,
    });
  // Kafka is deliberately not a readiness check: while it is down, writes
  // still succeed and events wait in the outbox (outbox_pending_events grows).
  const relay = new OutboxRelay({ pool, publisher, logger: logger.child({ component: 'outbox-relay' }) });
  metrics.observeOutbox(() => relay.pendingCount());
{%- endif %}
{%- if values.runsJobs %}

  const jobs = new JobSystem({
    redisUrl: config.REDIS_URL,
    serviceName: config.SERVICE_NAME,
    metrics,
    logger: logger.child({ component: 'jobs' }),
    namespace: options.redisNamespace,
  });
{%- if values.ownsTables %}
  jobs.define(...jobDefinitions({ accounts }));
{%- else %}
  jobs.define(...jobDefinitions({ redis: jobs.redis, keyPrefix: jobs.keyPrefix }));
{%- endif %}
  readiness.push({ name: 'redis', check: () => jobs.ping() });
{%- endif %}

  const server = await buildServer({
    logger,
    metrics,
    openapi: loadOpenApi(),
    readiness,
{%- if values.ownsTables %}
    accounts,
{%- endif %}
{%- if values.runsJobs %}
    jobs,
{%- endif %}
  });

  return {
    server,
    logger,
    metrics,
{%- if values.ownsTables %}
    pool,
    accounts,
{%- endif %}
{%- if values.publishesEvents %}
    relay,
{%- endif %}
{%- if values.runsJobs %}
    jobs,
{%- endif %}

    async start() {
      await server.app.listen({ port: config.PORT, host: options.host ?? '0.0.0.0' });
      const { port } = server.app.server.address() as AddressInfo;
{%- if values.ownsTables or values.runsJobs %}
      if (runBackground) {
{%- if values.publishesEvents %}
        relay.start();
{%- endif %}
{%- if values.runsJobs %}
        jobs.startWorkers();
{%- endif %}
{%- if values.ownsTables %}
        // Idempotency keys are replayable for 24 hours (see the OpenAPI document).
        const prune = () =>
          accounts
            .pruneIdempotencyKeys(24)
            .catch(error => logger.warn({ err: error }, 'could not prune idempotency keys'));
        timers.push(setInterval(prune, 3_600_000).unref());
{%- endif %}
      }
{%- endif %}
      logger.info({ port }, 'listening');
      return `http://${options.host ?? '127.0.0.1'}:${port}`;
    },

    async stop() {
      server.startDraining();
      if (options.drainDelayMs) await new Promise(resolve => setTimeout(resolve, options.drainDelayMs));
{%- if values.ownsTables %}
      for (const timer of timers) clearInterval(timer);
{%- endif %}
      await server.app.close();
{%- if values.publishesEvents %}
      await relay.stop();
      await publisher.close();
{%- endif %}
{%- if values.runsJobs %}
      await jobs.close();
{%- endif %}
{%- if values.ownsTables %}
      await pool.end();
{%- endif %}
      logger.info('stopped');
    },
  };
}
