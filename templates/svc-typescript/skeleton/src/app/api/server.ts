import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
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
import type { OpenApiDocument } from './openapi';
import { errorHandler, problem, sendProblem } from './problems';
import { systemRoutes, type ReadinessCheck } from './system-routes';

export interface ServerDependencies {
  logger: Logger;
  metrics: Metrics;
  openapi: OpenApiDocument;
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
  app: FastifyInstance;
  /** From now on /readyz answers 503, so the load balancer stops sending traffic. */
  startDraining(): void;
}

/** Probes and scrapes: neither logged per request nor counted in the SLIs. */
const OPERATIONAL_ROUTES = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json']);

/** Logs "request completed" lines only (one per request), and none for probes. */
class RequestLogController extends LogController {
  override isLogDisabled(request: FastifyRequest): boolean {
    return OPERATIONAL_ROUTES.has(request.routeOptions?.url ?? '');
  }

  override incomingRequest(): void {}
}

export async function buildServer(deps: ServerDependencies): Promise<Server> {
  // Typed as Fastify's logger interface, so routes take a plain FastifyInstance.
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    logController: new RequestLogController(),
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
    const route = request.routeOptions.url;
    if (route && OPERATIONAL_ROUTES.has(route)) return;
    deps.metrics.httpRequestDuration.observe(
      { method: request.method, route: route ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem(404, 'not-found', 'No such route', `${request.method} is not served at this path`)),
  );

  systemRoutes(app, {
    metrics: deps.metrics,
    openapi: deps.openapi,
    readiness: deps.readiness,
    isDraining: () => draining,
  });
{%- if values.ownsTables %}
  accountRoutes(app, {
    openapi: deps.openapi,
    accounts: deps.accounts,
{%- if values.runsJobs %}
    jobs: deps.jobs,
{%- endif %}
  });
{%- else %}
  quoteRoutes(app, {
    openapi: deps.openapi,
{%- if values.runsJobs %}
    jobs: deps.jobs,
{%- endif %}
  });
{%- endif %}

  await app.ready();
  return {
    app,
    startDraining: () => {
      draining = true;
    },
  };
}
