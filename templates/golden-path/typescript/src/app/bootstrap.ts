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
  /** Pause between failing readiness and closing the listener, so endpoints are updated first (SHUTDOWN_DRAIN_MS by default). */
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
  /** Listens on both ports, starts background work; resolves with their base URLs. */
  start(): Promise<{ apiUrl: string; managementUrl: string }>;
  /**
   * Graceful stop: fail readiness, drain, close the listeners, finish
   * background work, close connections. Each close step gets what is left of
   * SHUTDOWN_TIMEOUT_MS; one that runs out is aborted and named in the
   * error stop() rejects with, and the steps after it still run.
   */
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
    namespace: options.redisNamespace ?? config.REDIS_NAMESPACE,
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
    logRequests: config.LOG_REQUESTS,
    auth: {
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      jwksUrl: config.AUTH_JWKS_URL,
      realm: config.SERVICE_NAME,
    },
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
      const host = options.host ?? '0.0.0.0';
      await server.app.listen({ port: config.PORT, host });
      await server.management.listen({ port: config.MANAGEMENT_PORT, host });
      const { port } = server.app.server.address() as AddressInfo;
      const { port: managementPort } = server.management.server.address() as AddressInfo;
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
      logger.info({ port, managementPort }, 'listening');
      const base = `http://${options.host ?? '127.0.0.1'}`;
      return { apiUrl: `${base}:${port}`, managementUrl: `${base}:${managementPort}` };
    },

    async stop() {
      server.startDraining();
      const drainMs = options.drainDelayMs ?? config.SHUTDOWN_DRAIN_MS;
      if (drainMs) await new Promise(resolve => setTimeout(resolve, drainMs));
{%- if values.ownsTables %}
      for (const timer of timers) clearInterval(timer);
{%- endif %}
      await closeWithin(config.SHUTDOWN_TIMEOUT_MS, logger, [
        { name: 'API listener', close: () => server.app.close() },
{%- if values.publishesEvents %}
        { name: 'outbox relay', close: () => relay.stop() },
        { name: 'Kafka producer', close: () => publisher.close() },
{%- endif %}
{%- if values.runsJobs %}
        { name: 'job workers and Redis', close: () => jobs.close(), abort: () => jobs.abort() },
{%- endif %}
{%- if values.ownsTables %}
        { name: 'PostgreSQL pool', close: () => pool.end() },
{%- endif %}
        // Last: probes and metrics answer until the rest is closed.
        { name: 'management listener', close: () => server.management.close() },
      ]);
      logger.info('stopped');
    },
  };
}

interface CloseStep {
  name: string;
  close(): Promise<unknown>;
  /** Called when close() ran out of time: drop what it was waiting for. */
  abort?(): void;
}

/**
 * Runs the close steps in order within one overall deadline. A step that
 * fails or runs out of time is logged and aborted, and the next still runs
 * (a Redis that is gone must not keep the PostgreSQL pool open); the
 * returned promise rejects naming them.
 */
export async function closeWithin(timeoutMs: number, logger: Logger, steps: CloseStep[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const failed: string[] = [];
  for (const step of steps) {
    const left = Math.max(deadline - Date.now(), 0);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      step.close().then(
        () => 'closed' as const,
        (error: unknown) => {
          logger.error({ err: error, step: step.name }, 'close step failed');
          return 'failed' as const;
        },
      ),
      new Promise<'timed-out'>(resolve => {
        timer = setTimeout(() => resolve('timed-out'), left);
      }),
    ]);
    clearTimeout(timer);
    if (outcome === 'timed-out') {
      logger.error({ step: step.name, timeoutMs }, 'close step did not finish in time; aborted');
      step.abort?.();
    }
    if (outcome !== 'closed') failed.push(step.name);
  }
  if (failed.length) throw new Error(`Shutdown was not clean: ${failed.join(', ')}`);
}
