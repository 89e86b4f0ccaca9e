import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { loadOpenApi } from './api/openapi';
import { buildServer, type Server } from './api/server';
import type { Config } from './config';
import { createLogger } from './infrastructure/logger';
import { Metrics } from './infrastructure/metrics';
import type { CloseStep } from './modules/app-module';
import { createModules, type ModuleExports, type ModuleOptions } from './modules';

export interface AppOptions extends ModuleOptions {
  /** Defaults to JSON logs on stdout at LOG_LEVEL. */
  logger?: Logger;
  /** Listen on this host; all interfaces by default (inside a pod). */
  host?: string;
  /** Pause between failing readiness and closing the listener, so endpoints are updated first (SHUTDOWN_DRAIN_MS by default). */
  drainDelayMs?: number;
}

export interface App extends ModuleExports {
  server: Server;
  logger: Logger;
  metrics: Metrics;
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
  // The optional parts this service has (modules/index.ts), each after those it uses.
  const modules = createModules({ config, logger, metrics }, options);
  // Their background work starts, and they close, last first: a module stops before those it uses.
  const lastFirst = [...modules.list].reverse();

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
    readiness: modules.list.flatMap(module => module.readiness ?? []),
    ...modules.serverDependencies,
  });

  return {
    server,
    logger,
    metrics,
    ...modules.exposes,

    async start() {
      const host = options.host ?? '0.0.0.0';
      await server.app.listen({ port: config.PORT, host });
      await server.management.listen({ port: config.MANAGEMENT_PORT, host });
      const { port } = server.app.server.address() as AddressInfo;
      const { port: managementPort } = server.management.server.address() as AddressInfo;
      if (modules.runBackground) {
        for (const module of lastFirst) module.startBackground?.();
      }
      logger.info({ port, managementPort }, 'listening');
      const base = `http://${options.host ?? '127.0.0.1'}`;
      return { apiUrl: `${base}:${port}`, managementUrl: `${base}:${managementPort}` };
    },

    async stop() {
      server.startDraining();
      const drainMs = options.drainDelayMs ?? config.SHUTDOWN_DRAIN_MS;
      if (drainMs) await new Promise(resolve => setTimeout(resolve, drainMs));
      for (const module of lastFirst) module.stopBackground?.();
      await closeWithin(config.SHUTDOWN_TIMEOUT_MS, logger, [
        { name: 'API listener', close: () => server.app.close() },
        ...lastFirst.flatMap(module => module.closeSteps ?? []),
        // Last: probes and metrics answer until the rest is closed.
        { name: 'management listener', close: () => server.management.close() },
      ]);
      logger.info('stopped');
    },
  };
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
