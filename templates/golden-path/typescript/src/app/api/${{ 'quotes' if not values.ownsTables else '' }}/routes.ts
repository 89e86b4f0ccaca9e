import type { FastifyInstance } from 'fastify';
import { quotePoints, type PointsQuoteRequest } from '../../domain/quotes/points-quote';
{%- if values.runsJobs %}
import { POINTS_QUOTED } from '../../infrastructure/jobs/definitions';
import type { JobSystem } from '../../infrastructure/jobs/job-system';
{%- endif %}
import { routeSchema, toFastifyPath, type OpenApiDocument } from '../openapi';
import { problem, sendProblem } from '../problems';

export interface QuoteRoutesDependencies {
  openapi: OpenApiDocument;
{%- if values.runsJobs %}
  jobs: JobSystem;
{%- endif %}
}

export function quoteRoutes(app: FastifyInstance, deps: QuoteRoutesDependencies): void {
  app.post<{ Body: PointsQuoteRequest }>(
    toFastifyPath('/v1/quotes/points'),
    { schema: routeSchema(deps.openapi, 'post', '/v1/quotes/points') },
    async (request, reply) => {
      const quote = quotePoints(request.body);
      if (!quote.ok) {
        return quote.reason === 'unsupported-currency'
          ? sendProblem(reply, problem(422, 'unsupported-currency', 'The programme does not accept this currency'))
          : sendProblem(reply, problem(400, 'invalid-amount', 'The amount must be a positive whole number of minor units'));
      }
{%- if values.runsJobs %}
      // The tally is a statistic: failing to enqueue is logged, the quote is still answered.
      await deps.jobs
        .enqueue(POINTS_QUOTED, {
          tier: request.body.tier,
          points: quote.points,
          day: new Date().toISOString().slice(0, 10),
        })
        .catch(error => request.log.warn({ err: error }, 'could not enqueue points-quoted'));
{%- endif %}
      return {
        amount: request.body.amount,
        currency: request.body.currency,
        tier: request.body.tier,
        points: quote.points,
        capped: quote.capped,
        ratePerUnit: quote.ratePerUnit,
      };
    },
  );
}
