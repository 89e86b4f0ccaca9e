import type { Logger } from 'pino';
import type { ReadinessCheck } from '../api/system-routes';
import type { Config } from '../config';
import type { Metrics } from '../infrastructure/metrics';

/** What every module is created with: the configuration and what the whole app shares. */
export interface ModuleContext {
  config: Config;
  logger: Logger;
  metrics: Metrics;
}

/** One step of stop(), run by closeWithin (bootstrap.ts) within the shutdown deadline. */
export interface CloseStep {
  name: string;
  close(): Promise<unknown>;
  /** Called when close() ran out of time: drop what it was waiting for. */
  abort?(): void;
}

/**
 * An optional part of the service (PostgreSQL, the outbox relay, background
 * jobs): what it adds to the app createApp wires. Which modules this service
 * has, and in which order, is said in one place: ./index.ts.
 */
export interface AppModule<Exposes extends object = object, ServerDeps extends object = object> {
  /** Added to the App createApp returns (the tests reach them there). */
  exposes: Exposes;
  /** Added to buildServer's dependencies: what its routes use. */
  serverDependencies: ServerDeps;
  /** Dependencies /readyz checks. */
  readiness?: ReadinessCheck[];
  /** Background work start() begins once both ports listen, unless runBackground is false. */
  startBackground?(): void;
  /** Called by stop() once draining is over, before any close step: ends what startBackground() scheduled. */
  stopBackground?(): void;
  /** What stop() closes, in this order, after the API listener and before the management listener. */
  closeSteps?: CloseStep[];
}
