/*
 * The golden path's optional parts (PostgreSQL, the outbox relay, background
 * jobs) that this service was generated with: the one file that says which
 * it has. bootstrap.ts wires whatever createModules lists, every module the
 * same way (see AppModule in app-module.ts).
 */
import type { ServerDependencies } from '../api/server';
{%- if values.runsJobs %}
import { jobDefinitions } from '../infrastructure/jobs/definitions';
import type { JobSystem } from '../infrastructure/jobs/job-system';
{%- endif %}
{%- if values.publishesEvents %}
import type { EventPublisher } from '../infrastructure/outbox/event-publisher';
import type { OutboxRelay } from '../infrastructure/outbox/relay';
{%- endif %}
{%- if values.ownsTables %}
import type { AccountStore } from '../infrastructure/postgres/account-store';
import type { Pool } from '../infrastructure/postgres/pool';
{%- endif %}
import type { AppModule, ModuleContext } from './app-module';
{%- if values.runsJobs %}
import { jobsModule } from './jobs';
{%- endif %}
{%- if values.publishesEvents %}
import { outboxModule } from './outbox';
{%- endif %}
{%- if values.ownsTables %}
import { postgresModule } from './postgres';
{%- endif %}
{%- if values.ownsTables or values.runsJobs %}

/** What createApp's options say about the modules (AppOptions extends it). */
export interface ModuleOptions {
  /** Whether this process runs the background work ({% if values.publishesEvents %}outbox relay, {% endif %}{% if values.runsJobs %}job workers, {% endif %}{% if values.ownsTables %}idempotency key clean-up{% else %}…{% endif %}). */
  runBackground?: boolean;
{%- if values.publishesEvents %}
  /** Where the outbox relay publishes; Kafka by default. */
  publisher?: EventPublisher;
{%- endif %}
{%- if values.runsJobs %}
  /** Prefix of every Redis key (tests use one per run); none in production. */
  redisNamespace?: string;
{%- endif %}
}

/** What App exposes of the modules. */
export interface ModuleExports {
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
}
{%- else %}

/** What createApp's options say about the modules: nothing, there are none. */
export type ModuleOptions = Record<never, never>;

/** What App exposes of the modules: nothing. */
export type ModuleExports = Record<never, never>;
{%- endif %}

/** What buildServer gets from the modules, not from bootstrap.ts: what the routes use. */
export type ModuleServerDependencies = Omit<
  ServerDependencies,
  'logger' | 'metrics' | 'openapi' | 'auth' | 'logRequests' | 'readiness'
>;

export interface Modules {
  /**
   * Each after the modules it uses, created in this order. /readyz checks
   * their dependencies in this order; start() starts their background work,
   * and stop() closes them, in the reverse order: a module stops before
   * those it uses.
   */
  list: AppModule[];
  /** Whether start() starts their background work. */
  runBackground: boolean;
  exposes: ModuleExports;
  serverDependencies: ModuleServerDependencies;
}
{%- if values.ownsTables or values.runsJobs %}

export function createModules(context: ModuleContext, options: ModuleOptions): Modules {
{%- if values.ownsTables %}
  const postgres = postgresModule(context);
{%- endif %}
{%- if values.runsJobs %}
  const jobs = jobsModule(context, {
    namespace: options.redisNamespace,
{%- if values.ownsTables %}
    definitions: () => jobDefinitions({ accounts: postgres.exposes.accounts }),
{%- else %}
    definitions: system => jobDefinitions({ redis: system.redis, keyPrefix: system.keyPrefix }),
{%- endif %}
  });
{%- endif %}
{%- if values.publishesEvents %}
  const outbox = outboxModule(context, { pool: postgres.exposes.pool, publisher: options.publisher });
{%- endif %}
  return {
    list: [{% if values.ownsTables %}postgres{% endif %}{% if values.ownsTables and values.runsJobs %}, {% endif %}{% if values.runsJobs %}jobs{% endif %}{% if values.publishesEvents %}, outbox{% endif %}],
    runBackground: options.runBackground ?? true,
    exposes: {
{%- if values.ownsTables %}
      ...postgres.exposes,
{%- endif %}
{%- if values.runsJobs %}
      ...jobs.exposes,
{%- endif %}
{%- if values.publishesEvents %}
      ...outbox.exposes,
{%- endif %}
    },
    serverDependencies: {
{%- if values.ownsTables %}
      ...postgres.serverDependencies,
{%- endif %}
{%- if values.runsJobs %}
      ...jobs.serverDependencies,
{%- endif %}
{%- if values.publishesEvents %}
      ...outbox.serverDependencies,
{%- endif %}
    },
  };
}
{%- else %}

export function createModules(_context: ModuleContext, _options: ModuleOptions): Modules {
  return { list: [], runBackground: false, exposes: {}, serverDependencies: {} };
}
{%- endif %}
