import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../infrastructure/metrics';
import type { OpenApiDocument } from './openapi';

/** One dependency /readyz checks. `check` rejects when it is unusable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 1_000;

export function systemRoutes(
  app: FastifyInstance,
  deps: { metrics: Metrics; openapi: OpenApiDocument; readiness: ReadinessCheck[]; isDraining(): boolean },
): void {
  // Liveness: the event loop answers. Never checks dependencies, or an
  // outage of PostgreSQL would make Kubernetes restart every pod.
  app.get('/healthz', async () => ({ status: 'ok' }));

  // Readiness: can this pod serve traffic now?
  app.get('/readyz', async (request, reply) => {
    if (deps.isDraining()) {
      return reply.code(503).send({ status: 'draining', checks: {} });
    }
    const results = await Promise.all(
      deps.readiness.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return [name, 'ok'] as const;
        } catch (error) {
          request.log.warn({ err: error, dependency: name }, 'readiness check failed');
          return [name, 'failed'] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks: Object.fromEntries(results) });
  });

  app.get('/metrics', async (_request, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });

  app.get('/openapi.json', async () => deps.openapi);
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
