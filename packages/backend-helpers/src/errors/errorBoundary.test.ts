import { mockServices } from '@backstage/backend-test-utils';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { DependencyError } from './DependencyError';
import { describeCause } from './describeCause';
import { errorBoundary } from './errorBoundary';

/** A plugin router with the boundary, behind Backstage's own error handler. */
function appThrowing(error: unknown, exposeDetails: boolean) {
  const logger = mockServices.logger.mock();
  const router = Router();
  router.get('/fail', async () => {
    throw error;
  });
  router.use(
    errorBoundary({ logger, settings: { exposeDetails }, pluginId: 'slo' }),
  );
  const app = express();
  app.use(router);
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.rootLogger(),
    }).error({ showStackTraces: false }),
  );
  return { app, logger };
}

const refused = Object.assign(new TypeError('fetch failed'), {
  cause: Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:9090'), {
    code: 'ECONNREFUSED',
  }),
});

describe('errorBoundary in production', () => {
  it('answers a dependency failure with its name, what to do and a request id, and logs the rest', async () => {
    const { app, logger } = appThrowing(
      new DependencyError({
        dependency: "Prometheus 'platform'",
        problem: describeCause(refused),
        hint: 'check slo.prometheus in the portal config',
        detail: `GET http://prometheus.monitoring.svc:9090/api/v1/query: ${refused.cause.message}`,
      }),
      false,
    );
    const res = await request(app).get('/fail');
    expect(res.status).toBe(503);
    const body = JSON.stringify(res.body);
    expect(res.body.error.message).toMatch(
      /^Prometheus 'platform' refused the connection \(is it running\?\): check slo.prometheus in the portal config \(request id [0-9a-f]{12}\)$/,
    );
    expect(body).not.toMatch(/10\.1\.2\.3|monitoring\.svc|ECONNREFUSED|stack/);
    const requestId = res.body.error.message.match(/request id (\w+)/)[1];
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining(requestId),
      expect.anything(),
    );
    expect(logger.error.mock.calls[0][0]).toContain('monitoring.svc:9090');
  });

  it('replaces a raw driver error by a sentence naming the plugin', async () => {
    const driver = Object.assign(
      new Error(
        'password authentication failed for user "portal" at db.internal:5432',
      ),
      { code: '28P01', routine: 'auth_failed' },
    );
    const { app } = appThrowing(driver, false);
    const res = await request(app).get('/fail');
    expect(res.status).toBe(500);
    expect(res.body.error.message).toMatch(
      /^The slo plugin failed unexpectedly \(request id [0-9a-f]{12}\)$/,
    );
    expect(JSON.stringify(res.body)).not.toMatch(
      /db\.internal|28P01|auth_failed|portal"/,
    );
  });

  it('keeps our own 503 messages but hides any address in them', async () => {
    const { app } = appThrowing(
      new ServiceUnavailableError(
        'Valkey at redis://:secret@valkey.internal:6379/3 is down',
        refused,
      ),
      false,
    );
    const res = await request(app).get('/fail');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^Valkey at \(address hidden\) is down \(request id \w+\)$/,
    );
    expect(JSON.stringify(res.body)).not.toMatch(
      /secret|valkey\.internal|cause/,
    );
  });

  it('passes client errors through, without their cause', async () => {
    const { app } = appThrowing(
      new InputError('Invalid query limit: expected a whole number', refused),
      false,
    );
    const res = await request(app).get('/fail');
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      name: 'InputError',
      message: 'Invalid query limit: expected a whole number',
    });
  });
});

describe('errorBoundary in development', () => {
  it('shows the detail beside the message', async () => {
    const { app } = appThrowing(
      new DependencyError({
        dependency: "Prometheus 'local'",
        problem: describeCause(refused),
        hint: 'start it with make start',
        detail: 'GET http://127.0.0.1:59090/api/v1/query',
      }),
      true,
    );
    const res = await request(app).get('/fail');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^Prometheus 'local' refused the connection \(is it running\?\): start it with make start \(GET http:\/\/127.0.0.1:59090\/api\/v1\/query\) \(request id \w+\)$/,
    );
  });
});

describe('errorBoundary and a cached error', () => {
  it('leaves the thrown error as it was, so an error thrown twice gets one request id', async () => {
    const cached = new ServiceUnavailableError('Prometheus is down');
    for (const exposeDetails of [true, false]) {
      const { app } = appThrowing(cached, exposeDetails);
      await request(app).get('/fail');
      const res = await request(app).get('/fail');
      expect(res.body.error.message.match(/request id/g)).toHaveLength(1);
    }
    expect(cached.message).toBe('Prometheus is down');
  });
});

describe('describeCause', () => {
  it.each([
    [
      Object.assign(new Error('aborted'), { name: 'AbortError' }),
      5000,
      'did not answer within 5 s',
    ],
    [
      Object.assign(new Error('x'), { name: 'TimeoutError' }),
      1500,
      'did not answer within 1.5 s',
    ],
    [refused, undefined, 'refused the connection (is it running?)'],
    [
      Object.assign(new Error('getaddrinfo ENOTFOUND prom'), {
        code: 'ENOTFOUND',
      }),
      undefined,
      'could not be found (name lookup failed)',
    ],
    [new Error('socket hang up'), undefined, 'closed the connection'],
    [
      new Error('self-signed certificate in certificate chain'),
      undefined,
      'failed the TLS handshake',
    ],
    [
      new Error('WRONGPASS invalid username-password pair'),
      undefined,
      "refused the portal's credentials",
    ],
    [new Error('something else'), undefined, 'failed'],
  ])('%s', (error, timeout, expected) => {
    expect(describeCause(error, timeout)).toBe(expected);
  });
});
