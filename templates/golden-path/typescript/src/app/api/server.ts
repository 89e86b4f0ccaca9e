import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { SERVICE } from '../config';
import type { Metrics } from '../infrastructure/metrics';
{%- if values.ownsTables %}
import type { AccountStore } from '../infrastructure/postgres/account-store';
{%- endif %}
{%- if values.runsJobs %}
import type { JobSystem } from '../infrastructure/jobs/job-system';
{%- endif %}
{%- if values.ownsTables %}
import { accountRoutes } from './accounts/routes';
{%- else %}
import { quoteRoutes } from './quotes/routes';
{%- endif %}
import { createAuthenticator, type AuthOptions } from './auth';
import type { OpenApiDocument } from './openapi';
import { errorHandler, problem, sendProblem } from './problems';
import { systemRoutes, type ReadinessCheck } from './system-routes';

export interface ServerDependencies {
  logger: Logger;
  metrics: Metrics;
  openapi: OpenApiDocument;
  /** How bearer tokens are verified (issuer, audience, keys). */
  auth: AuthOptions;
  /** Which API requests are logged (LOG_REQUESTS). */
  logRequests: 'failed-or-slow' | 'all';
  /** Dependencies /readyz checks. */
  readiness: ReadinessCheck[];
{%- if values.ownsTables %}
  accounts: AccountStore;
{%- endif %}
{%- if values.runsJobs %}
  jobs: JobSystem;
{%- endif %}
}

export interface Server {
  /** The API (/v1), every route behind the bearer-token check: the only port the gateway reaches. */
  app: FastifyInstance;
  /**
   * Probes, metrics and the OpenAPI document, on the management port: for
   * the kubelet and Prometheus inside the cluster, never published.
   */
  management: FastifyInstance;
  /** From now on /readyz answers 503, so the load balancer stops sending traffic. */
  startDraining(): void;
}

/**
 * One "request completed" line per request worth reading (LOG_REQUESTS):
 * failed, or slower than the latency objective; never "incoming request".
 */
class RequestLogController extends LogController {
  constructor(private readonly all: boolean) {
    super();
  }

  override incomingRequest(): void {}

  override requestCompleted(...args: Parameters<LogController['requestCompleted']>): void {
    const [error, , reply] = args;
    const ordinary = !error && reply.statusCode < 400 && reply.elapsedTime < SERVICE.latencyObjectiveSeconds * 1000;
    if (ordinary && !this.all) return;
    super.requestCompleted(...args);
  }
}

/** What both listeners share: request ids, problem details for every error. */
function createFastify(logger: Logger, options: { logRequests: 'failed-or-slow' | 'all' | 'none' }): FastifyInstance {
  // Typed as Fastify's logger interface, so routes take a plain FastifyInstance.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    logController:
      options.logRequests === 'none'
        ? new LogController({ disableRequestLogging: true })
        : new RequestLogController(options.logRequests === 'all'),
    // Honour the gateway's request id so one id follows a request across hops.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: 16 * 1024,
    ajv: {
      // Reject what does not match the OpenAPI document instead of quietly
      // coercing or dropping it: "100" is not an amount, an unknown field is an error.
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: true },
    },
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem(404, 'not-found', 'No such route', `${request.method} is not served at this path`)),
  );
  return app;
}

export async function buildServer(deps: ServerDependencies): Promise<Server> {
  const app = createFastify(deps.logger, { logRequests: deps.logRequests });
  const management = createFastify(deps.logger, { logRequests: 'none' });
  let draining = false;

  app.addHook('onRequest', async request => {
    const route = request.routeOptions.url;
    // Name the server span after the templated route, for Tempo's service graph.
    const span = trace.getActiveSpan();
    if (span && route) {
      span.updateName(`${request.method} ${route}`);
      span.setAttribute('http.route', route);
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  // Every business route is registered inside this scope, so none can be
  // added without the token check (Fastify hooks apply to their scope only).
  const authenticate = createAuthenticator(deps.auth);
  await app.register(async api => {
    api.addHook('onRequest', authenticate);
{%- if values.ownsTables %}
    accountRoutes(api, {
      openapi: deps.openapi,
      accounts: deps.accounts,
{%- if values.runsJobs %}
      jobs: deps.jobs,
{%- endif %}
    });
{%- else %}
    quoteRoutes(api, {
      openapi: deps.openapi,
{%- if values.runsJobs %}
      jobs: deps.jobs,
{%- endif %}
    });
{%- endif %}
  });

  systemRoutes(management, {
    metrics: deps.metrics,
    openapi: deps.openapi,
    readiness: deps.readiness,
    isDraining: () => draining,
  });

  await Promise.all([app.ready(), management.ready()]);
  return {
    app,
    management,
    startDraining: () => {
      draining = true;
    },
  };
}
